"""Export a trained run to the shipped format, measure it on the ONNX graph, and gate it.

    /usr/bin/python3 training/export.py --model-id attn-only-2l --run training/out/runs/attn-only-2l

1. rounds the trained fp32 weights to fp16 (round_model: the shipped model *is* the rounded one, so
   that its weights are half the bytes on the wire while the browser, which widens them to fp32, still
   matches PyTorch at fp32 precision), then writes the model (model.onnx, weights.safetensors in F16,
   config.json, checkpoints/) and the rounded model's reference activations into a staging folder
   under training/out/stage;
2. runs training/measure.mjs (onnxruntime-node) on the staged ONNX graph: parity with the
   PyTorch reference at every hook, and the behaviour numbers of the model card;
3. checks them (parity <= 1e-4, the thresholds of the issue for this model, validation loss
   below the bigram baseline); only a model that passes is moved to public/models/<id>/ (and
   its fixtures to tests/fixtures/reference/), with card.md, card.json and manifest.json.

--no-gate publishes whatever was measured (used for the early preview in training/out/early).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import safetensors_io  # noqa: E402
from data import bigram_loss, token_stream, val_windows  # noqa: E402
from model import Config, Transformer, hook_names  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402

PARITY_TOL = 1e-4
NODE = os.path.join(ROOT, "node_modules", ".bin", "node")
HOOK_SPEC = os.path.join(ROOT, "src", "model", "hook-names.json")
REFERENCE_PROMPTS = [
    "In the beginning God created the heaven and the earth.",
    "Mr and Mrs Dursley were proud to say that they were perfectly normal, Mr and Mrs",
    "def add(a, b):\n    return a + b",
]

# The numbers of the issue (item 4). Each entry: (description, check on the measured dict).
THRESHOLDS = {
    "attn-only-2l": [
        ("a layer-1 head with induction score >= 0.6", lambda m: max(m["induction"][1]) >= 0.6),
        ("a layer-0 head with previous-token score >= 0.6", lambda m: max(m["prev_token"][0]) >= 0.6),
        ("second-copy loss <= 25% of first-copy loss", lambda m: m["loss_second_copy"] <= 0.25 * m["loss_first_copy"]),
    ],
    "attn-only-1l": [
        ("no head with induction score >= 0.3", lambda m: max(m["induction"][0]) < 0.3),
        ("at least half the heads copy (OV eigenvalue score >= 0.5)",
         lambda m: sum(s >= 0.5 for s in m["copying"][0]) >= len(m["copying"][0]) / 2),
    ],
}


class OnnxWrapper(torch.nn.Module):
    """forward(tokens, head_mask, patch_mask, patch_z, *weights) -> every hook, in hook order.

    The weights are graph inputs, swapped in for the parameters during the trace, so one graph
    runs the shipped weights, any checkpoint, or an edited copy. (torch 1.13's
    stateless.functional_call refuses to run under the ONNX tracer, hence the explicit swap.)"""

    def __init__(self, model: Transformer, hooks: list[str]):
        super().__init__()
        self.model, self.hooks = model, hooks
        self.weight_names = list(dict(model.named_parameters()))

    def forward(self, tokens, head_mask, patch_mask, patch_z, *weights):
        cache: dict = {}
        saved = {}
        try:
            for name, w in zip(self.weight_names, weights):
                mod_name, _, attr = name.rpartition(".")
                mod = self.model.get_submodule(mod_name)
                saved[name] = (mod, attr, mod._parameters[attr])
                mod._parameters[attr] = w  # a plain tensor: the traced graph reads the input, not the parameter
            self.model(tokens, cache, head_mask, patch_mask, patch_z)
        finally:
            for mod, attr, p in saved.values():
                mod._parameters[attr] = p
        return tuple(cache[h] for h in self.hooks)


def intervention_inputs(cfg: Config, batch: int, pos: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """head_mask all ones, no patching: the unchanged model."""
    return (torch.ones(batch, cfg.n_layers, cfg.n_heads), torch.zeros(batch, cfg.n_layers, pos, cfg.n_heads),
            torch.zeros(batch, cfg.n_layers, pos, cfg.n_heads, cfg.d_head))


def export_onnx(model: Transformer, path: str) -> tuple[list[str], list[str]]:
    """Write the graph (opset 17, no weights inside); return (hook names, weight input names)."""
    with open(HOOK_SPEC) as f:
        hooks = hook_names(model.cfg, json.load(f))
    wrapper = OnnxWrapper(model, hooks)
    tokens = torch.zeros(2, 7, dtype=torch.int64)
    ivs = intervention_inputs(model.cfg, 2, 7)
    weights = tuple(p.detach() for p in model.parameters())
    dyn = {"tokens": {0: "batch", 1: "pos"}, "head_mask": {0: "batch"}, "patch_mask": {0: "batch", 2: "pos"},
           "patch_z": {0: "batch", 2: "pos"}}
    for h in hooks:
        dyn[h] = {0: "batch", 1: "pos"} if "pattern" not in h and "attn_scores" not in h else {0: "batch", 2: "query_pos", 3: "key_pos"}
    with torch.no_grad():
        torch.onnx.export(wrapper, (tokens, *ivs, *weights), path, input_names=["tokens", "head_mask", "patch_mask", "patch_z", *wrapper.weight_names],
                          output_names=hooks, dynamic_axes=dyn, opset_version=17, export_params=False, do_constant_folding=False)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    got_inputs = [i.name for i in m.graph.input]
    if got_inputs != ["tokens", "head_mask", "patch_mask", "patch_z", *wrapper.weight_names]:
        raise RuntimeError(f"exported graph inputs {got_inputs} differ from the contract")
    if [o.name for o in m.graph.output] != hooks:
        raise RuntimeError("exported graph outputs differ from the hook list")
    if m.graph.initializer and any(len(i.dims) >= 2 for i in m.graph.initializer):
        raise RuntimeError("a weight matrix ended up inside the graph as an initializer")
    return hooks, wrapper.weight_names


def _write_bin(t: torch.Tensor, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tofile(path)


def write_reference(model: Transformer, tok: Tokenizer, model_id: str, out_dir: str, prompts: list[str] = REFERENCE_PROMPTS,
                    max_tokens: int = 12) -> str:
    """PyTorch activations at every hook for fixed prompts (right-padded with 0), plus one run with a
    non-trivial head_mask / patch_mask / patch_z. Layout in src/model/MODEL_FORMAT.md."""
    cfg = model.cfg
    ids = [tok.encode(p)[: min(max_tokens, cfg.n_ctx)] for p in prompts]
    pos = max(map(len, ids))
    tokens = torch.tensor([i + [0] * (pos - len(i)) for i in ids], dtype=torch.int64)
    g = torch.Generator().manual_seed(1234)
    hm, pm, pz = intervention_inputs(cfg, 2, pos)
    hm[0, 0, 1] = 0.0  # ablate head 0.1 in the first prompt
    hm[1, -1, :] = torch.linspace(0.0, 1.5, cfg.n_heads)  # scale every last-layer head of the second prompt
    pm[0, -1, 2:5, 3 % cfg.n_heads] = 1.0  # patch head L.3 at positions 2..4
    pm[1, 0, :, 0] = 1.0  # patch head 0.0 everywhere
    pz.normal_(generator=g)
    runs_spec = [("plain", tokens, None), ("intervened", tokens[:2], (hm, pm, pz))]
    runs = []
    with open(HOOK_SPEC) as f:
        hooks = hook_names(cfg, json.load(f))
    for name, toks, iv in runs_spec:
        cache: dict = {}
        with torch.no_grad():
            model(toks, cache, *(iv or ()))
        run = {"name": name, "tokens_shape": list(toks.shape), "tokens": toks.tolist(), "hooks": {}}
        if iv:
            run["inputs"] = {}
            for k, t in zip(("head_mask", "patch_mask", "patch_z"), iv):
                f_ = f"{model_id}/{name}/input.{k}.bin"
                _write_bin(t, os.path.join(out_dir, f_))
                run["inputs"][k] = {"shape": list(t.shape), "file": f_}
        for h in hooks:
            f_ = f"{model_id}/{name}/{h}.bin"
            _write_bin(cache[h], os.path.join(out_dir, f_))
            run["hooks"][h] = {"shape": list(cache[h].shape), "file": f_}
        runs.append(run)
    doc = {
        "$comment": "PyTorch activations of training/model.py for the ONNX parity test. Each run: tokens [batch, pos] "
                    "(right-padded with 0), optional intervention inputs, and per hook its shape and a little-endian "
                    "float32 file (row-major) relative to this JSON. Runs without 'inputs' use head_mask ones and no patching.",
        "model": model_id, "tolerance": PARITY_TOL,
        "prompts": [{"text": p, "ids": i} for p, i in zip(prompts, ids)],
        "runs": runs,
    }
    path = os.path.join(out_dir, f"{model_id}.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    return path


def run_measure(model_dir: str, out: str, weights: list[str] = (), val: str | None = None, reference: str | None = None,
                windows: int = 256) -> dict:
    cmd = [NODE, os.path.join(HERE, "measure.mjs"), "--model", model_dir, "--out", out]
    for w in weights:
        cmd += ["--weights", w]
    if val:
        cmd += ["--val", val, "--windows", str(windows)]
    if reference:
        cmd += ["--reference", reference]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise SystemExit(f"error: measure.mjs failed on {model_dir}:\n{p.stderr[-3000:]}")
    with open(out) as f:
        return json.load(f)


def load_run(run_dir: str) -> Transformer:
    with open(os.path.join(run_dir, "config.json")) as f:
        d = json.load(f)
    fields = {k: d[k] for k in Config.__dataclass_fields__ if k in d}
    fields.setdefault("pos_init_dims", d["d_model"] // 4)  # init-only field, not in config.json; weights are loaded next
    cfg = Config(**fields)
    model = Transformer(cfg)
    model.load_state_dict(safetensors_io.load(os.path.join(run_dir, "weights.safetensors")))
    return model.eval()


FP16_MIN_NORMAL = 2.0**-14  # below this fp16 is subnormal: a fixed spacing of 2^-24 instead of 2^-11 relative
ROUNDED_BY = "torch.Tensor.half()"


def round_model(model: Transformer, tok: Tokenizer) -> dict:
    """Rounds every parameter of `model` to the nearest fp16 (round to nearest, ties to even), kept as fp32
    tensors that fp16 holds exactly, in place. Returns the "weights" record of card.json: the largest change
    of a weight (relative for weights in fp16's normal range, absolute for the subnormal ones) and of any
    logit on REFERENCE_PROMPTS (whole prompts, every position and token; fp32 compute before and after)."""
    before = copy.deepcopy(model)
    max_rel, max_abs_sub, n_sub = 0.0, 0.0, 0
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.abs().max().item() > torch.finfo(torch.float16).max:
                raise ValueError(f"{name} holds a weight too large for fp16")
            r = p.half().float()
            normal = p.abs() >= FP16_MIN_NORMAL
            if normal.any():
                max_rel = max(max_rel, ((r - p).abs() / p.abs())[normal].max().item())
            sub = ~normal & (p != 0)
            n_sub += int(sub.sum())
            if sub.any():
                max_abs_sub = max(max_abs_sub, (r - p).abs()[sub].max().item())
            p.copy_(r)
        max_logit = 0.0
        for prompt in REFERENCE_PROMPTS:
            tokens = torch.tensor([tok.encode(prompt)[: model.cfg.n_ctx]])
            max_logit = max(max_logit, (model(tokens) - before(tokens)).abs().max().item())
    return {"dtype": "F16", "rounded_from": "F32", "rounded_by": ROUNDED_BY, "max_rel_change": max_rel,
            "subnormal": n_sub, "max_abs_change_subnormal": max_abs_sub, "max_abs_logit_change": max_logit,
            "logit_change_on": "export.py's REFERENCE_PROMPTS (whole), every position and token, fp32 before vs after"}


def check(model_id: str, m: dict, max_parity: float, bigram: float) -> list[str]:
    """The failed checks, as sentences (empty = passes)."""
    failed = []
    if not max_parity <= PARITY_TOL:
        failed.append(f"ONNX vs PyTorch max abs error {max_parity:.3g} > {PARITY_TOL}")
    if "val_loss" in m and not m["val_loss"] < bigram:
        failed.append(f"validation loss {m['val_loss']:.4f} does not beat the bigram baseline {bigram:.4f}")
    for desc, ok in THRESHOLDS.get(model_id, []):
        if not ok(m):
            failed.append(f"behaviour: {desc} fails")
    return failed


SETTLED_DELTA = 0.02  # "settled": the induction score moves by less than this between shipped checkpoints
BAND = (0.1, 0.9)  # the formation: checkpoints whose induction score lies strictly inside this share of the final one


def select_checkpoints(points: list[tuple[int, float]], budget: int = 17, band_max: int = 9, settled: int = 4) -> list[int]:
    """The steps to ship out of every checkpoint a run saved, from each one's measured induction
    score ((step, score) pairs): step 0 and a few log-spaced early steps (what comes before), up to
    `band_max` steps spread evenly over the formation (score strictly between 10% and 90% of the
    final one), and `settled` steps after it, ending with the final step, chosen so that the score
    moves by less than SETTLED_DELTA between them. Without a formation (no induction head) the
    result is simply log-spaced."""
    points = sorted(points)
    steps = [s for s, _ in points]
    score = dict(points)
    final_step, final = points[-1]
    lo, hi = BAND[0] * final, BAND[1] * final
    band = [s for s, v in points if lo < v < hi]
    chosen = {steps[0], final_step}
    if band and final > 0.3:
        if len(band) > band_max:
            band = [band[round(i * (len(band) - 1) / (band_max - 1))] for i in range(band_max)]
        chosen |= set(band)
        # the settled tail: `settled` steps after the formation, ending with the final one, spread as
        # widely as they can be while the score moves by less than SETTLED_DELTA between them
        after = [s for s in steps if s > max(band)]
        tail = after[-settled:]
        for first in range(len(after) - settled + 1):
            cand = after[first:]
            pick = [cand[round(i * (len(cand) - 1) / (settled - 1))] for i in range(settled)] if settled > 1 else [cand[-1]]
            if all(abs(score[x] - score[y]) < SETTLED_DELTA for x, y in zip(pick, pick[1:])):
                tail = pick
                break
        chosen |= set(tail)
        early = [s for s in steps if 0 < s < min(band)]
    else:
        early = steps[1:-1]
    n_early = max(0, budget - len(chosen))
    if early and n_early:
        # log-spaced in step: the steps nearest (in log) to n_early targets from the first to the last
        # (from the first saved step >= 10: the first few steps barely move the weights)
        pool = [s for s in early if s >= 10] or list(early)
        targets = np.geomspace(pool[0], pool[-1], n_early)
        for t in targets:
            if not pool:
                break
            pick = min(pool, key=lambda s: abs(np.log(max(s, 1)) - np.log(t)))
            chosen.add(pick)
            pool.remove(pick)
    return sorted(chosen)


def formation_summary(index: list[dict]) -> dict:
    """The counts item 1 of the models issue asks of the shipped checkpoints."""
    final = index[-1]["induction_score"]
    in_band = [c["step"] for c in index if BAND[0] * final < c["induction_score"] < BAND[1] * final]
    tail = [index[-1]]
    for c in reversed(index[:-1]):
        if abs(c["induction_score"] - tail[-1]["induction_score"]) >= SETTLED_DELTA or c["step"] in in_band:
            break
        tail.append(c)
    return {"final_induction": final, "in_band": in_band, "settled_tail": [c["step"] for c in reversed(tail)]}


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_manifest(models_dir: str) -> None:
    files = []
    for dirpath, _, names in os.walk(models_dir):
        for n in sorted(names):
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, models_dir)
            if rel != "manifest.json":
                files.append({"path": rel.replace(os.sep, "/"), "bytes": os.path.getsize(p), "sha256": sha256(p)})
    files.sort(key=lambda f: f["path"])
    with open(os.path.join(models_dir, "manifest.json"), "w") as f:
        json.dump({"total_bytes": sum(f["bytes"] for f in files), "files": files}, f, indent=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-id", required=True)
    ap.add_argument("--run", required=True, help="training output folder (train.py --out)")
    ap.add_argument("--corpus", default="training/out/corpus")
    ap.add_argument("--tokenizer", default="public/models/tokenizer.json")
    ap.add_argument("--cache", default="training/out/tokens")
    ap.add_argument("--stage", default="training/out/stage")
    ap.add_argument("--models-dir", default="public/models")
    ap.add_argument("--fixtures-dir", default="tests/fixtures/reference")
    ap.add_argument("--windows", type=int, default=2048, help="validation windows of n_ctx tokens")
    ap.add_argument("--extra-checkpoints", action="append", default=[],
                    help="the folder of a partial rerun whose checkpoints join the run's (denser around the formation)")
    ap.add_argument("--max-checkpoints", type=int, default=17, help="checkpoints to ship (chosen by select_checkpoints)")
    ap.add_argument("--max-docs", type=int, default=0)
    ap.add_argument("--no-gate", action="store_true", help="publish even if a check fails (previews only)")
    args = ap.parse_args()

    if not os.path.exists(os.path.join(args.run, "weights.safetensors")):
        sys.exit(f"error: {args.run} has no weights.safetensors; train first (training/train.py --out {args.run})")
    model = load_run(args.run)
    cfg = model.cfg
    if cfg.model_name != args.model_id:
        sys.exit(f"error: run {args.run} is model {cfg.model_name!r}, not {args.model_id!r}")
    tok = Tokenizer.load(args.tokenizer)
    if tok.vocab_size != cfg.d_vocab:
        sys.exit(f"error: tokenizer has {tok.vocab_size} ids but the model d_vocab is {cfg.d_vocab}")

    rounding = round_model(model, tok)  # from here on, the model is the one that ships
    stage = os.path.join(args.stage, args.model_id)
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(os.path.join(stage, "model"))
    mdir, fdir = os.path.join(stage, "model"), os.path.join(stage, "fixtures")
    hooks, weight_names = export_onnx(model, os.path.join(mdir, "model.onnx"))
    safetensors_io.save(dict(model.named_parameters()), os.path.join(mdir, "weights.safetensors"), dtype="F16")
    with open(os.path.join(mdir, "config.json"), "w") as f:
        json.dump({**cfg.to_tl_dict(), "hook_names": hooks, "weight_names": weight_names}, f, indent=1)
    ref = write_reference(model, tok, args.model_id, fdir)

    with open(os.path.join(args.run, "train_log.json")) as f:
        tlog = json.load(f)
    saved = [{**c, "src": os.path.join(args.run, "checkpoints", c["file"])} for c in tlog.get("checkpoints", [])]
    for extra in args.extra_checkpoints:
        # a partial rerun of the same schedule and seed (train.py --stop-at --checkpoint-window) for
        # denser checkpoints; where both runs saved a step, the files must be identical
        with open(os.path.join(extra, "train_log.json")) as f:
            more = json.load(f)["checkpoints"]
        have = {c["step"]: c for c in saved}
        for c in more:
            src = os.path.join(extra, "checkpoints", c["file"])
            if c["step"] in have:
                with open(src, "rb") as a, open(have[c["step"]]["src"], "rb") as b:
                    if a.read() != b.read():
                        sys.exit(f"error: {extra} does not reproduce {args.run} at step {c['step']}: its checkpoints differ")
            else:
                saved.append({**c, "src": src})
        saved.sort(key=lambda c: c["step"])
    ckpts = []
    if args.max_checkpoints == 0:
        saved = []
    if saved:
        os.makedirs(os.path.join(mdir, "checkpoints"))
    if len(saved) > args.max_checkpoints:
        # pass 1: the induction score of every saved checkpoint (no validation windows: fast), then
        # ship the steps select_checkpoints picks
        print(f"{args.model_id}: scoring {len(saved)} saved checkpoints to choose {args.max_checkpoints}...", flush=True)
        paths = [c["src"] for c in saved]
        scan = run_measure(mdir, os.path.join(stage, "scan.json"), paths)
        points = [(c["step"], max(r["induction"][-1])) for c, r in zip(saved, scan["results"][1:])]
        with open(os.path.join(stage, "scan-induction.json"), "w") as f:
            json.dump(points, f)
        keep = set(select_checkpoints(points, args.max_checkpoints))
        saved = [c for c in saved if c["step"] in keep]
    ckpt_files = []
    for c in saved:
        dst = os.path.join(mdir, "checkpoints", c["file"])
        shutil.copy(c.pop("src"), dst)
        ckpt_files.append(dst)
        ckpts.append(c)

    train_stream = token_stream(args.corpus, args.tokenizer, "train", args.cache, args.max_docs)
    val_stream = token_stream(args.corpus, args.tokenizer, "val", args.cache, args.max_docs)
    val_path = os.path.join(stage, "val.u16")
    val_stream.tofile(val_path)
    bigram = bigram_loss(train_stream, val_windows(val_stream, cfg.n_ctx, args.windows), cfg.d_vocab)
    print(f"{args.model_id}: measuring the ONNX graph ({len(ckpt_files)} checkpoints)...", flush=True)
    meas = run_measure(mdir, os.path.join(stage, "measure.json"), ckpt_files, val_path, ref, args.windows)
    meas["n_params"] = sum(p.numel() for p in model.parameters())
    final = meas["results"][0]
    failed = check(args.model_id, final, meas["max_parity_error"], bigram)
    summary = {
        "val_loss": final.get("val_loss"), "bigram_val_loss": bigram, "max_parity_error": meas["max_parity_error"],
        "max_induction_by_layer": [max(h) for h in final["induction"]], "max_prev_token_by_layer": [max(h) for h in final["prev_token"]],
        "loss_first_copy": final["loss_first_copy"], "loss_second_copy": final["loss_second_copy"],
        "copying_heads": sum(s >= 0.5 for layer in final["copying"] for s in layer),
    }
    print(json.dumps(summary, indent=1))
    if failed and not args.no_gate:
        sys.exit(f"error: {args.model_id} failed its checks and was NOT written to {args.models_dir}:\n  - " + "\n  - ".join(failed)
                 + f"\n(staged files and measure.json are in {stage})")

    if ckpts:
        index = []
        for c, r in zip(ckpts, meas["results"][1:]):
            index.append({**c, "val_loss": r["val_loss"], "induction_score": max(r["induction"][-1]),
                          "prev_token_score": max(r["prev_token"][0]), "icl_score": r["icl_score"],
                          "icl_stderr": r["icl_stderr"],
                          "loss_first_copy": r["loss_first_copy"], "loss_second_copy": r["loss_second_copy"]})
        with open(os.path.join(mdir, "checkpoints", "index.json"), "w") as f:
            json.dump({"$comment": "induction_score = best last-layer head, prev_token_score = best layer-0 head, "
                                   "icl_score = mean loss at token indices 95-105 - mean loss at indices 5-15 on the validation windows "
                                   "(icl_stderr: its standard error over windows); all measured on the ONNX graph",
                       "val_windows": args.windows, "formation": formation_summary(index),
                       "checkpoints": index}, f, indent=1)
    import card  # noqa: E402  (kept apart: prose and tables)

    card.write(mdir, args.model_id, cfg, meas, summary, tlog, failed, args, rounding=rounding)
    dst = os.path.join(args.models_dir, args.model_id)
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(args.models_dir, exist_ok=True)
    shutil.copytree(mdir, dst)
    if not os.path.exists(os.path.join(args.models_dir, "tokenizer.json")):
        shutil.copy(args.tokenizer, os.path.join(args.models_dir, "tokenizer.json"))
    shutil.rmtree(os.path.join(args.fixtures_dir, args.model_id), ignore_errors=True)
    os.makedirs(args.fixtures_dir, exist_ok=True)
    shutil.copytree(os.path.join(fdir, args.model_id), os.path.join(args.fixtures_dir, args.model_id))
    shutil.copy(ref, os.path.join(args.fixtures_dir, f"{args.model_id}.json"))
    write_manifest(args.models_dir)
    print(f"wrote {dst} and {args.fixtures_dir}/{args.model_id}.json" + (" (NOT gated: " + "; ".join(failed) + ")" if failed else ""))


if __name__ == "__main__":
    main()
