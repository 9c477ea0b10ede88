"""The model card (card.md for people, card.json for the numbers), written by export.py from the
measurements of measure.mjs on the ONNX graph and the training log. Nothing here is typed by hand
except the prose around the numbers."""

from __future__ import annotations

import json
import os

from model import Config

CORPUS_STATS = "training/out/corpus/stats.json"

LICENCE = ("CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). Trained only on public-domain and "
           "permissively licensed text (King James Bible, The Jargon File, The Devil's Dictionary: public domain; "
           "fortune-mod collections: BSD; Python 3.11 documentation: PSF License v2).")

PURPOSE = {
    "attn-only-1l": "the control: one layer of attention, no MLP. Skip-trigrams, copying OV circuits and the "
                    "one-layer path expansion; it cannot form induction heads (no composition).",
    "attn-only-2l": "two layers of attention, no MLP. Previous-token heads, induction heads, K-composition, "
                    "virtual heads; its checkpoints show the in-context-learning phase change.",
    "gelu-1l": "one layer of attention followed by a GELU MLP (d_mlp 512): the privileged-basis chapter "
               "(neurons vs directions of the residual stream).",
}


def _fmt(rows: list[list[float]], digits: int = 3) -> str:
    head = "| layer | " + " | ".join(f"h{h}" for h in range(len(rows[0]))) + " |\n"
    head += "|---" * (len(rows[0]) + 1) + "|\n"
    return head + "".join(f"| {l} | " + " | ".join(f"{v:.{digits}f}" for v in r) + " |\n" for l, r in enumerate(rows))


def tlog_from_card(card: dict) -> dict:
    """The parts of train.py's train_log.json that write() reads, from a card.json's "training" record
    (so a card can be rewritten after the training folder is gone: training/round_fp16.py)."""
    t = card["training"]
    args = {k: t[k] for k in ("batch", "lr", "warmup", "weight_decay", "seed", "repeat_frac", "repeat_frac_end",
                              "repeat_decay_start", "repeat_decay_end", "repeat_random", "repeat_min", "repeat_max")}
    args["steps"] = t["scheduled_steps"]
    return {"args": args, "steps_done": t["steps"], **{k: t[k] for k in ("wall_time_s", "threads", "tokens_seen",
                                                                          "final_train_loss", "torch")}}


def _rounding_md(r: dict) -> str:
    """The card's paragraph on the fp16 rounding (r: the "weights" record of card.json)."""
    s = (f"**Weights ship as fp16.** `weights.safetensors` holds every weight in fp16 (dtype F16): the trained fp32 weights "
         f"rounded once to the nearest fp16 (ties to even, `{r['rounded_by']}`). A weight of size at least 2^-14 moved by at most "
         f"2^-11 of itself (largest here {r['max_rel_change']:.2e}); the {r['subnormal']} smaller ones are fp16 subnormals "
         f"and moved by at most 2^-25 ({r['max_abs_change_subnormal']:.1e}). The shipped model *is* the rounded one: "
         f"the browser widens it to fp32 and computes in fp32, and every number on this card, the reference activations "
         f"and the TransformerLens download come from it. Rounding changed no logit on the reference prompts "
         f"(`training/export.py`) by more than **{r['max_abs_logit_change']:.1e}**")
    b = r.get("before_rounding")
    if b:
        s += (f". Before rounding, the fp32 weights measured validation loss {b['val_loss']:.6f}, loss on the second / first copy "
              f"of repeated tokens {b['loss_second_copy']:.4f} / {b['loss_first_copy']:.4f} and best induction score "
              f"{b['max_induction']:.4f} (below: the rounded weights)")
    return s + "."


def write(mdir: str, model_id: str, cfg: Config, meas: dict, summary: dict, tlog: dict, failed: list[str], args,
          rounding: dict | None = None, corpus: dict | None = None) -> None:
    """card.json and card.md. rounding: the "weights" record (how the fp16 weights were rounded and what
    it changed; None for fp32 weights); corpus: the corpus stats (default: training/out/corpus/stats.json)."""
    final = meas["results"][0]
    if corpus is None:
        corpus = {}
        if os.path.exists(CORPUS_STATS):
            with open(CORPUS_STATS) as f:
                corpus = json.load(f)
    a = tlog["args"]
    n_params = meas.get("n_params") or 0
    card = {
        "model": model_id,
        "config": cfg.to_tl_dict(),
        "approx_parameters": n_params,
        "training": {
            "wall_time_s": tlog["wall_time_s"], "wall_time_min": round(tlog["wall_time_s"] / 60, 1),
            "threads": tlog["threads"], "steps": tlog.get("steps_done", a["steps"]), "scheduled_steps": a["steps"], "batch": a["batch"], "tokens_seen": tlog["tokens_seen"],
            "lr": a["lr"], "warmup": a["warmup"], "weight_decay": a["weight_decay"], "seed": a["seed"],
            "repeat_frac": a["repeat_frac"], "repeat_frac_end": a.get("repeat_frac_end"),
            "repeat_decay_start": a.get("repeat_decay_start", 0), "repeat_decay_end": a.get("repeat_decay_end", 0),
            "repeat_random": a.get("repeat_random"),
            "repeat_min": a.get("repeat_min"), "repeat_max": a.get("repeat_max"), "final_train_loss": tlog["final_train_loss"], "torch": tlog["torch"],
        },
        "measured_on": "the exported ONNX graph, onnxruntime-node " + str(meas.get("onnxruntime")),
        "val_loss": final.get("val_loss"), "val_windows": final.get("val_windows"),
        "bigram_val_loss": summary["bigram_val_loss"], "icl_score": final.get("icl_score"),
        "icl_stderr": final.get("icl_stderr"), "icl_bands": final.get("icl_bands"),
        "licence": LICENCE,
        "repeated_tokens": {"n": final["n"], "sequences": 16, "loss_first_copy": final["loss_first_copy"],
                            "loss_second_copy": final["loss_second_copy"],
                            "ratio": final["loss_second_copy"] / final["loss_first_copy"]},
        "induction_score": final["induction"], "prev_token_score": final["prev_token"], "copying_score": final["copying"],
        "max_parity_error": meas["max_parity_error"], "parity": meas.get("parity"),
        "checks_failed": failed,
        "corpus": corpus,
    }
    if rounding:
        card["weights"] = rounding
    with open(os.path.join(mdir, "card.json"), "w") as f:
        json.dump(card, f, indent=1)

    rt = card["repeated_tokens"]
    src_rows = "".join(
        f"| {name} | `{s['package']}` | {s['train_chars'] + s['val_chars']:,} | {s['licence']} |\n"
        for name, s in corpus.get("sources", {}).items() if s["train_chars"] + s["val_chars"] > 0
    )
    checks = ("Before it shipped, it passed every check `training/export.py` makes before a model ships (parity with PyTorch, "
              "the behaviour it is meant to show, beating the bigram baseline)") if not failed else "It FAILED these checks: " + "; ".join(failed)
    end = a.get("repeat_frac_end")
    if end is not None and a.get("repeat_decay_end", 0) > a.get("repeat_decay_start", 0) > 0:
        share = (f"{round(a['repeat_frac'] * 100)}% of every batch are repeated-span sequences until step "
                 f"{a['repeat_decay_start']}, falling linearly to {round(end * 100)}% at step {a['repeat_decay_end']} "
                 f"and staying there; the rest is natural text")
    elif a["repeat_frac"] > 0:
        share = f"{round(a['repeat_frac'] * 100)}% of every batch are repeated-span sequences, the rest natural text"
    else:
        share = "none: this run saw natural text only"
    md = f"""# {model_id}

{PURPOSE.get(model_id, "")}

A GPT-2 style decoder-only transformer **without LayerNorm**, learned absolute positions, causal
attention: {cfg.n_layers} layer(s), d_model {cfg.d_model}, {cfg.n_heads} heads of d_head {cfg.d_head},
{"no MLP" if cfg.attn_only else f"GELU MLP with d_mlp {cfg.d_mlp}"}, n_ctx {cfg.n_ctx}, d_vocab {cfg.d_vocab}
(about {n_params:,} parameters). Weight and hook names are TransformerLens's; `config.json` holds
HookedTransformerConfig fields. Built by `training/` (see training/README.md); every number below was
measured by `training/measure.mjs` on the exported ONNX graph, not on PyTorch. {checks}.
{chr(10) + _rounding_md(rounding) + chr(10) if rounding else ""}
## Data

Real English text from Debian packages, assembled by `training/corpus.py`; {corpus.get('val_percent', 5)}% of
documents (chosen by hash) held out for validation ({corpus.get('train_chars', 0):,} training and
{corpus.get('val_chars', 0):,} validation characters).

| source | package | characters | licence |
|---|---|---|---|
{src_rows}
Tokenizer: byte-level BPE with {cfg.d_vocab} ids (256 bytes, {cfg.d_vocab - 257} merges, `<|endoftext|>` = {cfg.d_vocab - 1},
placed between documents), GPT-2 pre-tokenizer regex, trained on the training split (`../tokenizer.json`).

## Training

`training/train.py --model {model_id}`: AdamW (betas 0.9/0.95, weight decay {a['weight_decay']} on weight matrices, none on embeddings and biases),
peak lr {a['lr']}, {a['warmup']} warmup steps then cosine decay to 10%, batch {a['batch']} x {cfg.n_ctx} tokens,
{tlog.get('steps_done', a['steps'])} steps ({tlog['tokens_seen']:,} tokens; the schedule was set for {a['steps']}{", stopped by the --max-minutes budget" if tlog.get('steps_done', a['steps']) < a['steps'] else ""}), seed {a['seed']}, gradient clipping at 1.0.
Wall time **{tlog['wall_time_s'] / 60:.1f} minutes** on {tlog['threads']} CPU threads (torch {tlog['torch']}, OpenBLAS),
on a 2-core machine shared with other work. Final training loss {tlog['final_train_loss']:.3f}.

**Repeated spans.** {share}. A repeated-span sequence is a natural-text prefix of 1-20 tokens, then a span of n tokens (n uniform in {a.get('repeat_min', 8)}-{a.get('repeat_max', 60)}),
{round(a.get('repeat_random', 0.5) * 100)}% of the time uniformly random token ids and otherwise a window of natural text,
repeated until the {cfg.n_ctx}-token context is full. Natural text alone does not make induction heads form
within this CPU budget (the natural-text control in training/README.md measures this); these sequences make the
induction heads form early enough that the rest of the run can improve the language model. attn-only-1l is trained
with exactly the same recipe as attn-only-2l, so the two are a like-for-like comparison; gelu-1l uses fewer repeats.

**Initialisation** (model.py, Config): no LayerNorm rescales the residual stream, so weights start at a
scale where attention scores and logits are O(1): W_E entries ~ N(0, 0.5^2) in the first d_model - 32
dimensions, W_pos = sinusoids in the last 32 (tokens and positions start in orthogonal subspaces, so
positional attention is not drowned by the random embeddings of rare tokens), W_U starts as a scaled
W_E^T (untied afterwards), other matrices ~ N(0, 1/fan_in), biases 0.

## Measured behaviour (ONNX graph)

- Validation loss: **{final.get('val_loss', float('nan')):.4f}** nats/token on {final.get('val_windows')} windows of {cfg.n_ctx} tokens;
  bigram baseline (add-k counts from the training split) on the same windows: **{summary['bigram_val_loss']:.4f}**.
- In-context-learning score (mean loss at token indices 95-105 minus indices 5-15, over the validation windows):
  **{final.get('icl_score', float('nan')):.3f}** (standard error {final.get('icl_stderr', float('nan')):.3f}).
- Repeated random tokens (1 + {rt['n']} random + the same {rt['n']} again, 16 sequences): loss on the first copy
  **{rt['loss_first_copy']:.3f}**, on the second copy **{rt['loss_second_copy']:.3f}** (ratio {rt['ratio']:.3f}).
- ONNX vs PyTorch reference, max abs error over every hook: {meas['max_parity_error']:.2e}.

Induction score (attention from query q in the second copy to key q - n + 1):

{_fmt(final['induction'])}
Previous-token score (attention from q to q - 1 in the first copy):

{_fmt(final['prev_token'])}
Copying score of the full OV circuit W_E W_V W_O W_U (sum of Re(eigenvalue) / sum of |eigenvalue|):

{_fmt(final['copying'])}
## Limitations

A tiny model trained for minutes on 17 M characters of mostly old, religious, technical and humorous
English: its text is poor and its knowledge nil. It is for looking inside, not for generating. The
repeated-span sequences make in-context copying stronger than natural text alone would. No LayerNorm,
unlike GPT-2: the paper's equations hold exactly, but scores are not comparable with normalised models.

## Licence

{LICENCE} The tokenizer was trained on an earlier version of the corpus that also held the Debian Reference (GPL-2+);
a 2,048-entry merge list is not a copy of that text.
"""
    with open(os.path.join(mdir, "card.md"), "w") as f:
        f.write(md)
