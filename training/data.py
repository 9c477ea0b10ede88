"""Token streams for training and validation, and the batch sampler with repeated spans.

Natural text rarely repeats a long span within 128 tokens, and induction heads form only once
the model has seen enough repeats. So a fixed share of every batch (`repeat_frac`) is made of
*repeated-span sequences*: a short natural-text prefix, then a span of n tokens (n uniform in
[repeat_min, repeat_max]; a share `repeat_random` of the time uniformly random token ids, otherwise
a window of natural text) written again and again until the context is full. The rest is natural text.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
import torch

from corpus import load_docs
from tokenizer import Tokenizer


def token_stream(corpus_dir: str, tokenizer_path: str, split: str, cache_dir: str, max_docs: int = 0) -> np.ndarray:
    """All documents of a split, encoded and joined by <|endoftext|>, as uint16; cached on disk
    under the tokenizer file's hash so a new tokenizer never reads stale ids."""
    with open(tokenizer_path, "rb") as f:
        tag = hashlib.sha256(f.read()).hexdigest()[:12]
    path = os.path.join(cache_dir, tag, f"{split}{'-' + str(max_docs) if max_docs else ''}.u16")
    if os.path.exists(path):
        return np.fromfile(path, dtype="<u2")
    tok = Tokenizer.load(tokenizer_path)
    docs = load_docs(corpus_dir, split)
    if max_docs:
        docs = docs[:max_docs]
    ids: list[int] = []
    for d in docs:
        ids.extend(tok.encode(d))
        ids.append(tok.eot_id)
    arr = np.asarray(ids, dtype="<u2")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    arr.tofile(path)
    return arr


class Batches:
    """Seeded sampler of [batch, n_ctx] int64 token batches from a training stream."""

    def __init__(self, stream: np.ndarray, n_ctx: int, batch: int, d_vocab: int, seed: int,
                 repeat_frac: float = 0.0, repeat_min: int = 8, repeat_max: int = 60, repeat_random: float = 0.5):
        if len(stream) <= n_ctx + 1:
            raise ValueError(f"token stream of {len(stream)} tokens is shorter than the context {n_ctx}")
        self.stream, self.n_ctx, self.batch, self.d_vocab = stream, n_ctx, batch, d_vocab
        self.repeat_frac, self.repeat_min, self.repeat_max = repeat_frac, repeat_min, min(repeat_max, n_ctx // 2)
        self.repeat_random = repeat_random
        self.rng = np.random.default_rng(seed)

    def _window(self, n: int) -> np.ndarray:
        a = self.rng.integers(0, len(self.stream) - n)
        return self.stream[a : a + n].astype(np.int64)

    def _repeated(self) -> np.ndarray:
        n = int(self.rng.integers(self.repeat_min, self.repeat_max + 1))
        if self.rng.random() < self.repeat_random:
            span = self.rng.integers(0, self.d_vocab - 1, size=n)  # any id but <|endoftext|>
        else:
            span = self._window(n)
        prefix = self._window(int(self.rng.integers(1, 21)))
        reps = -(-(self.n_ctx - len(prefix)) // n)
        return np.concatenate([prefix, np.tile(span, reps)])[: self.n_ctx]

    def next(self) -> torch.Tensor:
        n_rep = int(round(self.batch * self.repeat_frac))
        rows = [self._repeated() for _ in range(n_rep)] + [self._window(self.n_ctx) for _ in range(self.batch - n_rep)]
        return torch.from_numpy(np.stack(rows))


def val_windows(stream: np.ndarray, n_ctx: int, n: int) -> np.ndarray:
    """n evenly spaced [n_ctx] windows of the validation stream: the fixed set every model and
    the bigram baseline are scored on (measure.mjs picks the same windows)."""
    starts = [i * (len(stream) - n_ctx) // max(1, n - 1) for i in range(n)]  # integer maths, same in JS
    return np.stack([stream[s : s + n_ctx] for s in starts]).astype(np.int64)


def bigram_loss(train: np.ndarray, windows: np.ndarray, d_vocab: int, k: float = 0.01) -> float:
    """Cross-entropy (nats/token) of an add-k smoothed bigram model counted on the training
    stream, on every next-token prediction inside the validation windows. k is chosen as the
    best of a few values on those windows, which only flatters the baseline."""
    counts = np.zeros((d_vocab, d_vocab), dtype=np.float64)
    np.add.at(counts, (train[:-1].astype(np.int64), train[1:].astype(np.int64)), 1)
    prev, nxt = windows[:, :-1].ravel(), windows[:, 1:].ravel()
    best = float("inf")
    for kk in (k, 0.001, 0.1, 1.0):
        p = (counts[prev, nxt] + kk) / (counts[prev].sum(1) + kk * d_vocab)
        best = min(best, float(-np.log(p).mean()))
    return best
