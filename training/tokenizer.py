"""Byte-level BPE (GPT-2 style), trained here and stored in Hugging Face `tokenizers` format.

Text is split by the GPT-2 pre-tokenizer regex, each piece is turned into bytes, each byte
into a printable character by GPT-2's byte-to-unicode map, and merges are applied by rank.
Ids 0..255 are the single bytes (id = byte value), ids 256.. are merges in the order they
were learned, and the last id is `<|endoftext|>` (placed between documents in training,
never produced by `encode`).

    /usr/bin/python3 training/tokenizer.py --corpus training/out/corpus --vocab-size 2048 \
        --out public/models/tokenizer.json --cases tests/fixtures/tokenizer-cases.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import Counter, defaultdict

import regex

GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
EOT = "<|endoftext|>"
_PAT = regex.compile(GPT2_PATTERN)


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from the 256 byte values to printable unicode characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}


def pretokenize(text: str) -> list[str]:
    return _PAT.findall(text)


def train_bpe(texts: list[str], vocab_size: int) -> list[tuple[int, int]]:
    """Learn vocab_size - 257 merges (256 bytes + 1 special token) from word frequencies.

    Ties between equally frequent pairs go to the smallest (left id, right id), so training is
    deterministic. Pair counts are updated incrementally, only for the words a merge touches."""
    n_merges = vocab_size - 257
    if n_merges < 0:
        raise ValueError(f"vocab_size must be at least 257, got {vocab_size}")
    freq: Counter[str] = Counter()
    for t in texts:
        freq.update(pretokenize(t))
    words = [list(w.encode("utf-8")) for w in freq]
    counts = list(freq.values())
    pair_count: dict[tuple[int, int], int] = defaultdict(int)
    where: dict[tuple[int, int], set[int]] = defaultdict(set)
    for i, w in enumerate(words):
        for p in zip(w, w[1:]):
            pair_count[p] += counts[i]
            where[p].add(i)
    merges: list[tuple[int, int]] = []
    for k in range(n_merges):
        if not pair_count:
            break
        best = max(pair_count, key=lambda p: (pair_count[p], -p[0], -p[1]))
        new_id = 256 + k
        merges.append(best)
        for i in list(where[best]):
            w = words[i]
            for p in zip(w, w[1:]):
                pair_count[p] -= counts[i]
                if pair_count[p] == 0:
                    del pair_count[p]
            out, j = [], 0
            while j < len(w):
                if j + 1 < len(w) and (w[j], w[j + 1]) == best:
                    out.append(new_id)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            words[i] = out
            for p in zip(out, out[1:]):
                pair_count[p] += counts[i]
                where[p].add(i)
        del where[best]
    return merges


class Tokenizer:
    """Encoder/decoder for a learned merge list; the reference the TypeScript tokenizer must match."""

    def __init__(self, merges: list[tuple[int, int]]):
        self.merges = merges
        self.ranks = {p: r for r, p in enumerate(merges)}
        self.id_to_bytes = [bytes([b]) for b in range(256)]
        for a, b in merges:
            self.id_to_bytes.append(self.id_to_bytes[a] + self.id_to_bytes[b])
        self.eot_id = len(self.id_to_bytes)
        self.vocab_size = self.eot_id + 1
        self._cache: dict[str, list[int]] = {}

    def _bpe(self, piece: str) -> list[int]:
        ids = self._cache.get(piece)
        if ids is not None:
            return ids
        ids = list(piece.encode("utf-8"))
        while len(ids) > 1:
            ranked = [(self.ranks.get(p, 1 << 30), j) for j, p in enumerate(zip(ids, ids[1:]))]
            r, j = min(ranked)
            if r == 1 << 30:
                break
            ids = ids[:j] + [256 + r] + ids[j + 2 :]
        if len(self._cache) < 500_000:
            self._cache[piece] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        return [i for piece in pretokenize(text) for i in self._bpe(piece)]

    def decode(self, ids: list[int]) -> str:
        return b"".join(self.id_to_bytes[i] if i != self.eot_id else EOT.encode() for i in ids).decode("utf-8", "replace")

    def token_str(self, i: int) -> str:
        """The token as Hugging Face stores it: its bytes through the byte-to-unicode map."""
        return EOT if i == self.eot_id else "".join(BYTE_TO_CHAR[b] for b in self.id_to_bytes[i])

    def to_hf_json(self) -> dict:
        """Hugging Face `tokenizers` JSON: ByteLevel pre-tokenizer (GPT-2 regex) + BPE model."""
        byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": self.eot_id, "content": EOT, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
            ],
            "normalizer": None,
            "pre_tokenizer": byte_level,
            "post_processor": byte_level,
            "decoder": byte_level,
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": None,
                "end_of_word_suffix": None,
                "fuse_unk": False,
                "byte_fallback": False,
                "vocab": {self.token_str(i): i for i in range(self.vocab_size)},
                "merges": [f"{self.token_str(a)} {self.token_str(b)}" for a, b in self.merges],
            },
        }

    @classmethod
    def from_hf_json(cls, d: dict) -> "Tokenizer":
        vocab = d["model"]["vocab"]
        merges = []
        for m in d["model"]["merges"]:
            a, b = m.split(" ") if isinstance(m, str) else m
            merges.append((vocab[a], vocab[b]))
        tok = cls(merges)
        for i in range(tok.vocab_size):  # the file's ids must be the ones this class assigns
            if vocab[tok.token_str(i)] != i:
                raise ValueError(f"tokenizer.json: token {tok.token_str(i)!r} has id {vocab[tok.token_str(i)]}, expected {i}")
        return tok

    @classmethod
    def load(cls, path: str) -> "Tokenizer":
        with open(path, encoding="utf-8") as f:
            return cls.from_hf_json(json.load(f))

    def save(self, path: str) -> None:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_hf_json(), f, ensure_ascii=False, indent=None, separators=(",", ":"))


def tokenizer_cases(val_texts: list[str], n_val: int = 500, seed: int = 0) -> list[str]:
    """Varied strings for the TypeScript parity test: hand-picked edge cases, generated mixes
    of scripts, emoji, whitespace, digits and punctuation, and slices of validation text."""
    rng = random.Random(seed)
    fixed = [
        "", " ", "  ", "\n", "\n\n", "\t", " \t\n", "a", "A", "Hello, world!", "Hello  world", "Hello   world   ",
        "don't", "DON'T", "it's", "they're", "we've", "I'm", "you'll", "he'd", "'s", " 's", "''", "'''s",
        "123", "1234567890", "3.14159", "1,000,000", "2026-11-25", "v1.2.3", "0x7fff", "½ ¾ ² ³ ٣ ४",
        "café", "naïve", "résumé", "Ångström", "straße", "Ελληνικά", "Русский текст", "日本語のテキスト", "中文文本",
        "한국어", "עברית", "العربية", "हिन्दी", "ไทย", "e\u0301", "n\u0303o", "a\u0308\u0304", "Z\u0351\u0352\u0353",
        "😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷🇯🇵", "a😀b", " 😀 ", "❤️", "™©®", "€£¥₹", "→⇒∀∃∈",
        "\u00a0", "a\u00a0b", "\u2028", "\u3000", "\ufeff", "x\u200by", "\u200d", "\x85", "\x0b\x0c", "\r\n", "a\r\nb",
        "\x00", "\x1f", "\x7f", "\U0010ffff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝟙𝟚𝟛",
        "    def f(x):\n        return x\n", "#include <stdio.h>", "a=b+c*d/e", "!!!???", "...", "—–-", "«»“”‘’",
        "supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis", "a" * 300, "ab" * 150,
        " " * 50, "\n" * 20, " \n" * 10, "word" + " " * 7 + "word", "trailing spaces   ", "   leading",
        "In the beginning God created the heaven and the earth.",
    ]
    alphabets = [
        "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", " \t\n\r",
        "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "éèêëàâäôöûüçñßøåæœ", "αβγδεζηθλμπσφψω", "абвгдежзийклмнопрст",
        "日本語中文字漢", "한국어", "עברית", "العربية", "😀😂👍🎉🔥🐍🚀", "\u0301\u0308\u0303", "\u200d\ufe0f", "  ",
    ]
    generated = []
    for _ in range(1100 - len(fixed) - n_val):
        k = rng.randint(1, 4)
        chars = "".join(rng.choice(alphabets) for _ in range(k))
        generated.append("".join(rng.choice(chars) for _ in range(rng.randint(1, 40))))
    sliced = []
    pool = [t for t in val_texts if len(t) > 20]
    for _ in range(n_val):
        t = rng.choice(pool)
        a = rng.randrange(len(t))
        sliced.append(t[a : a + rng.choice([8, 30, 100, 300])])
    return fixed + generated + sliced


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="training/out/corpus")
    ap.add_argument("--vocab-size", type=int, default=2048)
    ap.add_argument("--max-chars", type=int, default=0, help="train on the first N characters only (tests)")
    ap.add_argument("--out", default="public/models/tokenizer.json")
    ap.add_argument("--cases", default="", help="also write the parity fixture here")
    args = ap.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from corpus import load_docs

    texts = load_docs(args.corpus, "train")
    if args.max_chars:
        kept, n = [], 0
        for t in texts:
            kept.append(t)
            n += len(t)
            if n >= args.max_chars:
                break
        texts = kept
    tok = Tokenizer(train_bpe(texts, args.vocab_size))
    tok.save(args.out)
    print(f"wrote {args.out}: {tok.vocab_size} tokens ({len(tok.merges)} merges), <|endoftext|> = {tok.eot_id}")
    if args.cases:
        cases = []
        for s in tokenizer_cases(load_docs(args.corpus, "val")):
            ids = tok.encode(s)
            assert tok.decode(ids) == s, f"round trip failed for {s!r}"
            cases.append({"text": s, "ids": ids})
        os.makedirs(os.path.dirname(os.path.abspath(args.cases)), exist_ok=True)
        with open(args.cases, "w", encoding="utf-8") as f:
            json.dump(cases, f, ensure_ascii=False, indent=0)
        print(f"wrote {args.cases}: {len(cases)} strings")


if __name__ == "__main__":
    main()
