"""Train one of the book's models from the tokenized corpus.

    /usr/bin/python3 training/train.py --model attn-only-2l --out training/out/runs/attn-only-2l

writes weights.safetensors (fp32), config.json, train_log.json, training-curve.json (the printed
step and behaviour lines as data, curves.py) and, with --checkpoints N,
N log-spaced fp16 checkpoints in checkpoints/. Seeds are fixed (--seed), so a run on the
same machine reproduces the same numbers up to BLAS thread scheduling.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from behaviour import measure  # noqa: E402
from curves import parse_lines as parse_curve, write as write_curve  # noqa: E402
from data import Batches, token_stream  # noqa: E402
from model import Config, Transformer, loss_fn  # noqa: E402

PRESETS = {
    "attn-only-1l": Config(model_name="attn-only-1l", n_layers=1),
    "attn-only-2l": Config(model_name="attn-only-2l", n_layers=2),
    "gelu-1l": Config(model_name="gelu-1l", n_layers=1, d_mlp=512),
    # for the pipeline tests: every hook group (attention and MLP) in seconds
    "tiny": Config(model_name="tiny", n_layers=2, d_model=32, n_heads=4, d_head=8, n_ctx=32, d_vocab=300, d_mlp=64,
                   pos_init_dims=8),
}


def log_spaced_steps(total: int, n: int) -> list[int]:
    """Step 0 plus about n distinct steps spaced evenly in log between 1 and total."""
    steps = sorted({int(round(s)) for s in np.geomspace(1, total, n)} | {0, total})
    return steps


def lr_at(step: int, args: argparse.Namespace) -> float:
    """Linear warmup, then cosine decay to 10% of the peak."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    t = (step - args.warmup) / max(1, args.steps - args.warmup)
    return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))


def repeat_frac_at(step: int, args: argparse.Namespace) -> float:
    """The repeated-span share of the batch at a step: --repeat-frac until --repeat-decay-start,
    then linearly to --repeat-frac-end at --repeat-decay-end, then held (no schedule without them)."""
    end = args.repeat_frac if args.repeat_frac_end is None else args.repeat_frac_end
    if step < args.repeat_decay_start or args.repeat_decay_end <= args.repeat_decay_start:
        return args.repeat_frac if step < args.repeat_decay_start or args.repeat_decay_start <= 0 else end
    if step >= args.repeat_decay_end:
        return end
    t = (step - args.repeat_decay_start) / (args.repeat_decay_end - args.repeat_decay_start)
    return args.repeat_frac + t * (end - args.repeat_frac)


def train(args: argparse.Namespace) -> dict:
    if args.model not in PRESETS:
        raise SystemExit(f"error: unknown --model {args.model!r}; choose one of {sorted(PRESETS)}")
    cfg = PRESETS[args.model]
    if args.steps < 1 or args.batch < 1 or not 0 <= args.repeat_frac <= 1:
        raise SystemExit("error: --steps and --batch must be positive and --repeat-frac in [0, 1]")
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    stream = token_stream(args.corpus, args.tokenizer, "train", args.cache, args.max_docs)
    if int(stream.max()) >= cfg.d_vocab:
        raise SystemExit(f"error: token id {int(stream.max())} >= d_vocab {cfg.d_vocab}: tokenizer and model disagree")
    batches = Batches(stream, cfg.n_ctx, args.batch, cfg.d_vocab, args.seed, args.repeat_frac, args.repeat_min, args.repeat_max,
                      args.repeat_random)
    model = Transformer(cfg)
    offset, prev_ckpts = 0, []
    if args.init_from:  # continue a finished run: its weights, step count and checkpoints (fresh optimizer)
        with open(os.path.join(args.init_from, "train_log.json")) as f:
            prev = json.load(f)
        model.load_state_dict(safetensors_io.load(os.path.join(args.init_from, "weights.safetensors")))
        offset, prev_ckpts = prev.get("steps_done", prev["args"]["steps"]), prev.get("checkpoints", [])
    # weight decay on the weight matrices, not on embeddings (it would shrink W_pos, and with it
    # the positional attention that previous-token heads need) nor on biases
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embed" not in n]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2 or "embed" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    os.makedirs(args.out, exist_ok=True)
    ckpt_steps = set(log_spaced_steps(args.steps, args.checkpoints)) if args.checkpoints else set()
    if args.checkpoint_every:  # dense checkpoints too; export.py chooses the shipped ones from the measured curve
        ckpt_steps |= set(range(0, args.steps + 1, args.checkpoint_every)) | {args.steps}
    if args.checkpoint_window:  # denser still over a window A:B:E (every E steps from A to B)
        a, b, e = (int(x) for x in args.checkpoint_window.split(":"))
        ckpt_steps |= set(range(a, b + 1, e))
    stop_at = args.stop_at or args.steps
    if offset:  # a continuation keeps the earlier log-spaced checkpoints and adds one at its end
        ckpt_steps = {args.steps}
    ckpt_dir = os.path.join(args.out, "checkpoints")
    log, ckpts = [], []
    printed = []  # the step and behaviour lines, for training-curve.json (curves.py)
    if prev_ckpts:
        os.makedirs(ckpt_dir, exist_ok=True)
        for c in prev_ckpts:
            shutil.copy(os.path.join(args.init_from, "checkpoints", c["file"]), os.path.join(ckpt_dir, c["file"]))
        ckpts = list(prev_ckpts)
    t0 = time.time()
    for step in range(args.steps + 1):
        if step in ckpt_steps and (step > 0 or not offset):
            os.makedirs(ckpt_dir, exist_ok=True)
            name = f"step-{offset + step:06d}.safetensors"
            safetensors_io.save(model.state_dict(), os.path.join(ckpt_dir, name), dtype="F16")
            recent = [r["loss"] for r in log[-20:]]
            ckpts.append({"step": offset + step, "tokens": (offset + step) * args.batch * cfg.n_ctx, "file": name,
                          "train_loss": float(np.mean(recent)) if recent else None})
        out_of_time = args.max_minutes and time.time() - t0 > args.max_minutes * 60
        if step == stop_at or out_of_time:
            if out_of_time and step not in ckpt_steps and (args.checkpoints or offset):
                name = f"step-{offset + step:06d}.safetensors"
                safetensors_io.save(model.state_dict(), os.path.join(ckpt_dir, name), dtype="F16")
                recent = [r["loss"] for r in log[-20:]]
                ckpts.append({"step": offset + step, "tokens": (offset + step) * args.batch * cfg.n_ctx, "file": name,
                              "train_loss": float(np.mean(recent))})
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args)
        batches.repeat_frac = repeat_frac_at(step, args)
        tokens = batches.next()
        loss = loss_fn(model(tokens), tokens)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        log.append({"step": step + 1, "loss": loss.item(), "elapsed_s": round(time.time() - t0, 2)})
        if (step + 1) % args.log_every == 0:
            recent = np.mean([r["loss"] for r in log[-args.log_every:]])
            printed.append(f"step {step + 1}/{args.steps} loss {recent:.4f} lr {lr_at(step, args):.2e} "
                           f"repeats {batches.repeat_frac:.3f} "
                           f"{(step + 1) * args.batch * cfg.n_ctx / (time.time() - t0):.0f} tok/s")
            print(printed[-1], flush=True)
        if args.eval_every and (step + 1) % args.eval_every == 0 and cfg.n_ctx >= 101:
            b = measure(model, n_seqs=8)
            printed.append(f"  behaviour at step {step + 1}: induction max/layer {[round(max(h), 3) for h in b['induction']]} "
                           f"prev-token max/layer {[round(max(h), 3) for h in b['prev_token']]} "
                           f"copy loss {b['loss_first_copy']:.2f} -> {b['loss_second_copy']:.2f}")
            print(printed[-1], flush=True)
    wall = time.time() - t0
    safetensors_io.save(model.state_dict(), os.path.join(args.out, "weights.safetensors"))
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg.to_tl_dict(), f, indent=1)
    steps_done = len(log)
    if steps_done < args.steps:
        print(f"stopped at step {steps_done} of {args.steps}: --max-minutes {args.max_minutes} reached", flush=True)
    if offset:
        wall += prev["wall_time_s"]
        steps_done += offset
    meta = {"args": vars(args), "wall_time_s": round(wall, 1), "steps_done": steps_done,
            "continued_from": ({"run": args.init_from, "steps": offset, "wall_time_s": prev["wall_time_s"], "args": prev["args"]}
                               if offset else None),
            "tokens_seen": steps_done * args.batch * cfg.n_ctx,
            "final_train_loss": float(np.mean([r["loss"] for r in log[-50:]])), "torch": torch.__version__,
            "threads": args.threads, "checkpoints": ckpts}
    with open(os.path.join(args.out, "train_log.json"), "w") as f:
        json.dump({**meta, "log": log}, f)
    printed.append(f"trained {args.model} in {wall / 60:.1f} min, final train loss {meta['final_train_loss']:.4f}")
    print(printed[-1], flush=True)
    if any(line.startswith("step ") for line in printed):
        write_curve(parse_curve(printed, args.model, "train.py"), os.path.join(args.out, "training-curve.json"))
    return meta


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help=f"one of {sorted(PRESETS)}")
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus", default="training/out/corpus")
    ap.add_argument("--tokenizer", default="public/models/tokenizer.json")
    ap.add_argument("--cache", default="training/out/tokens")
    ap.add_argument("--max-docs", type=int, default=0, help="use only the first N training documents (tests)")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--repeat-frac", type=float, default=0.25, help="share of each batch that is repeated-span sequences")
    ap.add_argument("--repeat-frac-end", type=float, default=None, help="repeated-span share after the decay (default: --repeat-frac)")
    ap.add_argument("--repeat-decay-start", type=int, default=0, help="step where the share starts to fall linearly (0 = never)")
    ap.add_argument("--repeat-decay-end", type=int, default=0, help="step where it reaches --repeat-frac-end")
    ap.add_argument("--repeat-min", type=int, default=8, help="shortest repeated span (tokens)")
    ap.add_argument("--repeat-max", type=int, default=60, help="longest repeated span (tokens)")
    ap.add_argument("--repeat-random", type=float, default=0.5, help="share of repeated spans that are random token ids (else natural text)")
    ap.add_argument("--checkpoints", type=int, default=0, help="number of log-spaced checkpoints to keep (0 = none)")
    ap.add_argument("--checkpoint-every", type=int, default=0, help="also keep a checkpoint every N steps (0 = none)")
    ap.add_argument("--checkpoint-window", default="", help="A:B:E - also keep a checkpoint every E steps from step A to B")
    ap.add_argument("--stop-at", type=int, default=0,
                    help="stop after this many steps of the --steps schedule (a partial rerun for denser checkpoints)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init-from", default="", help="continue from a finished run folder (weights, steps, checkpoints)")
    ap.add_argument("--max-minutes", type=float, default=0, help="stop (and save) after this much wall time; 0 = no limit")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--eval-every", type=int, default=0, help="print PyTorch behaviour readings every N steps")
    return ap


if __name__ == "__main__":
    train(parser().parse_args())
