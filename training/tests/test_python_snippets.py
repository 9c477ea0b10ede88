""""Reproduce in Python", the Python half: every snippet in tests/fixtures/python-snippets.json (one or
more per kind, written by src/lib/python-snippet.ts for a fixed figure state) runs as a reader would run it,
on the model's TransformerLens download in a folder of its own, and prints what the runtime computed for
the same state in the browser's code (tests/unit/python-snippets.test.ts), within TOLERANCE. And every
Python string literal `pyStr` wrote for nasty reader text reads back as exactly that text.

`transformer_lens`, `tokenizers` and `safetensors` cannot be installed here (no PyPI): the first two are
test_transformer_lens_export.py's stand-ins (`fake_modules`), the last is our own safetensors reader.

Run: /usr/bin/python3 -m pytest training/tests/test_python_snippets.py
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import runpy
import sys
import types

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from test_transformer_lens_export import MODELS, ROOT, fake_modules  # noqa: E402  (puts training/ on the path)

import safetensors_io  # noqa: E402

with open(os.path.join(ROOT, "tests", "fixtures", "python-snippets.json"), encoding="utf-8") as f:
    FIXTURE = json.load(f)

# Logits, probabilities, losses and scores: float32 forward passes in ORT and in PyTorch agree to ~1e-5;
# statistics that amplify it (a kurtosis of 35 from fourth powers) are held to RELATIVE of their size.
TOLERANCE = 1e-4
RELATIVE = 1e-5


def compare(got, want, path="$", worst=None):
    """Asserts `got` equals `want`: numbers within TOLERANCE (or RELATIVE), the rest exactly; returns the worst gap."""
    worst = [0.0] if worst is None else worst
    if isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(got, (int, float)):
        gap = abs(got - want)
        worst[0] = max(worst[0], gap)
        assert gap <= max(TOLERANCE, RELATIVE * abs(want)), f"{path}: python {got} vs browser {want}"
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            compare(g, w, f"{path}[{i}]", worst)
    elif isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), f"{path}: keys {sorted(got)} vs {sorted(want)}"
        for k in want:
            compare(got[k], want[k], f"{path}.{k}", worst)
    else:
        assert got == want, f"{path}: {got!r} vs {want!r}"
    return worst[0]


def case_id(case):
    s = case["state"]
    return "-".join(str(x) for x in (case["kind"], s.get("model", ""), s.get("pos", ""), s.get("seed", ""), s.get("composition", ""))) + (
        "-ckpt" if s.get("checkpoint") else "")


@pytest.mark.parametrize("case", FIXTURE["snippets"], ids=[case_id(c) for c in FIXTURE["snippets"]])
def test_the_snippet_prints_what_the_browser_computes_for_the_same_state(case, tmp_path, monkeypatch):
    # The snippet's header names the files of the book's models/ folder to put next to it: exactly those.
    header = case["code"].splitlines()
    assert header[1] == "# Put these files of the book's models/ folder in the current folder:"
    for path in header[2].removeprefix("# ").split(" (see ")[0].split(", "):
        os.symlink(os.path.join(MODELS, path), tmp_path / os.path.basename(path))
    fake_modules(monkeypatch)
    st = types.ModuleType("safetensors")
    st.torch = types.ModuleType("safetensors.torch")
    st.torch.load_file = safetensors_io.load
    monkeypatch.setitem(sys.modules, "safetensors", st)
    monkeypatch.setitem(sys.modules, "safetensors.torch", st.torch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "snippet.py").write_text(case["code"], encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(str(tmp_path / "snippet.py"), run_name="__main__")
    printed = out.getvalue().splitlines()
    assert len(printed) == 1, printed
    worst = compare(ast.literal_eval(printed[0]), case["expected"])
    print(f"{case_id(case)}: worst |python - browser| {worst:.1e}")


def test_every_kind_of_snippet_has_a_case():
    # the kinds src/lib/python-snippet.ts generates (SNIPPET_KINDS), as the vitest test wrote them
    assert {c["kind"] for c in FIXTURE["snippets"]} == set(FIXTURE["kinds"])
    assert len(FIXTURE["kinds"]) >= 9


def test_every_string_literal_reads_back_as_the_readers_text_and_shows_nothing_invisible():
    assert len(FIXTURE["strings"]) > 300
    for case in FIXTURE["strings"]:
        literal = case["literal"]
        assert ast.literal_eval(literal) == case["text"], literal
        # parses as a whole statement too, and every character of the source is one Python prints as is
        assert ast.literal_eval(ast.parse(f"x = {literal}").body[0].value) == case["text"]
        assert all(ch.isprintable() for ch in literal), ascii(literal)


def test_the_snippets_quote_the_nasty_prompts_without_any_raw_control_character():
    for case in FIXTURE["snippets"]:
        assert all(ch.isprintable() or ch == "\n" for ch in case["code"]), ascii(case["code"])
        ast.parse(case["code"])


def test_the_comparison_holds_numbers_to_the_tolerance_and_everything_else_exactly():
    assert compare({"a": [1.0, 2], "b": "x"}, {"a": [1.0 + 0.5 * TOLERANCE, 2], "b": "x"}) == pytest.approx(0.5 * TOLERANCE)
    assert compare(35.0, 35.0 + 2 * TOLERANCE) == pytest.approx(2 * TOLERANCE)  # within RELATIVE of 35
    for got, want in [(1.0, 1.0 + 2 * TOLERANCE), ([1, 2], [2, 1]), ({"a": 1}, {"b": 1}), ([1.0], [1.0, 2.0]), ("x", "y")]:
        with pytest.raises(AssertionError):
            compare(got, want)
