"""Runs the book's notebook exercises (src/components/ch*/notebook.py) against the shipped models.

Each runs as a reader would run it, in a folder holding one model's transformer_lens.pt, its config
and tokenizer.json, with `transformer_lens` and `tokenizers` stood in by the reference of
test_transformer_lens_export.py (`fake_modules`). Prints one JSON object: chapter -> what it printed.
tests/unit/exercises-notebooks.test.ts compares that with the expected output the page computes.

    python3 training/tests/run_exercise_notebooks.py ch1=attn-only-2l ch3=gelu-1l ...
"""
import contextlib
import io
import json
import os
import runpy
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_transformer_lens_export as tle  # noqa: E402


def run(chapter: str, model_id: str) -> str:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        for name in ("transformer_lens.pt", "transformer_lens_config.json"):
            os.symlink(os.path.join(tle.MODELS, model_id, name), os.path.join(tmp, name))
        os.symlink(os.path.join(tle.MODELS, "tokenizer.json"), os.path.join(tmp, "tokenizer.json"))
        tle.fake_modules(mp)
        mp.chdir(tmp)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            runpy.run_path(os.path.join(tle.ROOT, "src", "components", chapter, "notebook.py"), run_name="__main__")
        return out.getvalue()


if __name__ == "__main__":
    print(json.dumps({c: run(c, m) for c, m in (a.split("=") for a in sys.argv[1:])}))
