"""Ship the models' weights as fp16: round the shipped fp32 weights once, and rebuild what depends on them.

    /usr/bin/python3 training/round_fp16.py --model-id attn-only-1l --model-id attn-only-2l --model-id gelu-1l

fp32 weights do not compress, and they were most of the bytes a reader downloads before the first live
figure; fp16 halves them. The browser already widens F16 to fp32 exactly (src/model/safetensors.ts), so
the honest design is that the shipped model *is* the fp16-rounded model: every weight is rounded once to
the nearest fp16, and everything the book compares against is recomputed from the rounded weights in fp32.
The browser then matches PyTorch at the same tolerance as before.

export.py does the same for a model it exports from a training run (export.round_model); this script
converts the models already in public/models without retraining. For each model it

1. rounds every weight of public/models/<id>/weights.safetensors to the nearest fp16 and rewrites it with
   dtype F16 (weights that are already F16 stay exactly as they are: the script can be rerun);
2. writes PyTorch's reference activations of the rounded model into tests/fixtures/reference/;
3. measures the card's numbers again with training/measure.mjs on the ONNX graph (validation loss and ICL
   score on the validation windows of training/out/corpus, rebuilt by training/corpus.py if missing) and
   rewrites card.json and card.md, with a "weights" record of the rounding and what it changed;
4. rewrites transformer_lens.pt (export_transformer_lens.py) and, last, public/models/manifest.json.

The checkpoints (attn-only-2l/checkpoints/) were already fp16; the last one is bit for bit the rounded
shipped model.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import card  # noqa: E402
import export  # noqa: E402
import export_transformer_lens  # noqa: E402
import safetensors_io  # noqa: E402
from data import token_stream  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402


def convert(model_id: str, models_dir: str, fixtures_dir: str, tok: Tokenizer, val_path: str, windows: int) -> dict:
    mdir = os.path.join(models_dir, model_id)
    path = os.path.join(mdir, "weights.safetensors")
    with open(os.path.join(mdir, "card.json")) as f:
        old = json.load(f)
    model = export.load_run(mdir)
    rounding = export.round_model(model, tok)
    if safetensors_io.dtypes(path) == {"F16"}:
        # already shipped as fp16: the rounding above changed nothing; keep the record of the first conversion
        if rounding["max_abs_logit_change"] != 0.0:
            raise RuntimeError(f"{path} is F16 but rounding it again changed it")
        rounding = old["weights"]
    else:
        rounding["before_rounding"] = {
            "val_loss": old["val_loss"], "icl_score": old["icl_score"],
            "loss_first_copy": old["repeated_tokens"]["loss_first_copy"],
            "loss_second_copy": old["repeated_tokens"]["loss_second_copy"],
            "max_induction": max(max(layer) for layer in old["induction_score"]),
            "max_prev_token": max(max(layer) for layer in old["prev_token_score"]),
            "max_parity_error": old["max_parity_error"],
        }
    safetensors_io.save(dict(model.named_parameters()), path, dtype="F16")

    shutil.rmtree(os.path.join(fixtures_dir, model_id), ignore_errors=True)
    ref = export.write_reference(model, tok, model_id, fixtures_dir)
    with tempfile.TemporaryDirectory() as tmp:
        meas = export.run_measure(mdir, os.path.join(tmp, "measure.json"), val=val_path, reference=ref, windows=windows)
    meas["n_params"] = sum(p.numel() for p in model.parameters())
    final = meas["results"][0]
    failed = export.check(model_id, final, meas["max_parity_error"], old["bigram_val_loss"])
    if failed:
        raise SystemExit(f"error: the rounded {model_id} fails export.py's checks: {failed}")
    summary = {"bigram_val_loss": old["bigram_val_loss"]}
    card.write(mdir, model_id, model.cfg, meas, summary, card.tlog_from_card(old), failed, None, rounding=rounding,
               corpus=old["corpus"])
    export_transformer_lens.export(mdir)
    return {"model": model_id, "bytes": os.path.getsize(path), "max_parity_error": meas["max_parity_error"],
            **{k: rounding[k] for k in ("max_rel_change", "max_abs_logit_change")},
            "val_loss": final["val_loss"], "val_loss_fp32": rounding.get("before_rounding", {}).get("val_loss")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-id", required=True, action="append", help="repeat for several models")
    ap.add_argument("--models-dir", default="public/models")
    ap.add_argument("--fixtures-dir", default="tests/fixtures/reference")
    ap.add_argument("--corpus", default="training/out/corpus")
    ap.add_argument("--cache", default="training/out/tokens")
    ap.add_argument("--windows", type=int, default=0, help="validation windows (default: as many as the card used)")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.corpus, "val.jsonl")):
        sys.exit(f"error: no corpus in {args.corpus}; build it first: /usr/bin/python3 training/corpus.py --out {args.corpus}")
    tokenizer = os.path.join(args.models_dir, "tokenizer.json")
    tok = Tokenizer.load(tokenizer)
    with tempfile.TemporaryDirectory() as tmp:
        val_path = os.path.join(tmp, "val.u16")
        token_stream(args.corpus, tokenizer, "val", args.cache).tofile(val_path)
        for model_id in args.model_id:
            with open(os.path.join(args.models_dir, model_id, "card.json")) as f:
                windows = args.windows or json.load(f)["val_windows"]
            print(json.dumps(convert(model_id, args.models_dir, args.fixtures_dir, tok, val_path, windows)), flush=True)
    export.write_manifest(args.models_dir)


if __name__ == "__main__":
    main()
