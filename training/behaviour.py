"""The behaviour measurements of the model card, in PyTorch.

measure.mjs computes the same numbers on the exported ONNX graph, and those are the ones the
card reports and the gate checks; this module gives the training log early readings and the
pipeline tests an independent computation to compare measure.mjs against.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from model import Transformer


def repeated_random_tokens(n_seqs: int, n: int, d_vocab: int, seed: int) -> torch.Tensor:
    """[n_seqs, 2n+1]: one first token, n random tokens, the same n again (ids 0..d_vocab-2,
    so never <|endoftext|>). Uses a plain LCG so measure.mjs can draw the very same tokens."""
    state = seed
    out = np.zeros((n_seqs, 2 * n + 1), dtype=np.int64)
    for s in range(n_seqs):
        row = []
        for _ in range(n + 1):
            state = (state * 1103515245 + 12345) % 2**31
            row.append(state % (d_vocab - 1))
        out[s] = row + row[1:]
    return torch.from_numpy(out)


@torch.no_grad()
def measure(model: Transformer, n_seqs: int = 16, n: int = 50, seed: int = 1) -> dict:
    """Per-head induction and previous-token scores and first/second copy loss."""
    tokens = repeated_random_tokens(n_seqs, n, model.cfg.d_vocab, seed)
    cache: dict = {}
    logits = model(tokens, cache)
    induction, prev = [], []
    q = torch.arange(n + 1, 2 * n + 1)  # queries in the second copy
    q1 = torch.arange(1, n + 1)  # queries in the first copy (q - 1 exists)
    for l in range(model.cfg.n_layers):
        pat = cache[f"blocks.{l}.attn.hook_pattern"]  # [batch, head_index, query_pos, key_pos]
        induction.append(pat[:, :, q, q - n + 1].mean(dim=(0, 2)).tolist())
        prev.append(pat[:, :, q1, q1 - 1].mean(dim=(0, 2)).tolist())
    lp = -F.log_softmax(logits[:, :-1], -1).gather(-1, tokens[:, 1:, None])[..., 0]  # loss predicting token p+1
    first = lp[:, 1:n].mean().item()  # predicting tokens 2..n (token 1 has no context at all)
    second = lp[:, n : 2 * n].mean().item()  # predicting tokens n+1..2n, the second copy
    return {"induction": induction, "prev_token": prev, "loss_first_copy": first, "loss_second_copy": second}
