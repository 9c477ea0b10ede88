"""Assemble the training corpus from Debian packages: real, freely licensed English prose.

Each source yields *documents* (a Bible chapter, one fortune, one dictionary entry, one
Python documentation page, one section of the Debian Reference). A document goes to the
validation split when the md5 of its key falls in the lowest VAL_PERCENT of hash space, so the
split is deterministic, does not depend on reading order, and never cuts a document in two.

    /usr/bin/python3 training/corpus.py --out training/out/corpus

writes train.jsonl and val.jsonl ({"source", "key", "text"} per line) and stats.json.
The script installs nothing: a missing package stops it with the package's name.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable, Iterator

VAL_PERCENT = 5  # held-out share of documents; about 5% of characters too, since documents are small


@dataclass(frozen=True)
class Source:
    """One corpus source: the Debian package that ships it, its licence, and its reader."""

    name: str
    package: str  # apt package that must be installed (listed in training/requirements-apt.txt)
    path: str  # a file or directory the package installs; its absence means the package is missing
    licence: str
    read: Callable[[], Iterator[tuple[str, str]]]  # yields (document key, text)


class MissingPackage(RuntimeError):
    pass


def _need(path: str, package: str) -> None:
    if not os.path.exists(path):
        raise MissingPackage(
            f"corpus source missing: {path} not found. Install it with: apt-get install {package} "
            f"(the full list is in training/requirements-apt.txt)"
        )


# --- readers ---------------------------------------------------------------------------------


def read_kjv() -> Iterator[tuple[str, str]]:
    """King James Bible, one document per chapter, verse numbers removed."""
    out = subprocess.run(
        ["bible", "-l", "100000", "gen1:1-rev22:21"], capture_output=True, text=True, check=True
    ).stdout
    chapter, verses = None, []
    for line in out.splitlines():
        m = re.match(r"^\s+\d+ (.*)$", line)
        if m:
            verses.append(m.group(1).strip())
        elif line.strip():
            if chapter and verses:
                yield chapter, " ".join(verses)
            chapter, verses = line.strip(), []
    if chapter and verses:
        yield chapter, " ".join(verses)


FORTUNE_DIR = "/usr/share/games/fortunes"
FORTUNE_SKIP = {"ascii-art"}  # pictures made of characters, not prose


def read_fortunes() -> Iterator[tuple[str, str]]:
    """fortune-mod's collections (quotations, jokes, poems), one document per fortune."""
    for path in sorted(glob.glob(os.path.join(FORTUNE_DIR, "*"))):
        name = os.path.basename(path)
        if "." in name or name in FORTUNE_SKIP or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            parts = re.split(r"\n%\n", f.read())
        for i, text in enumerate(parts):
            text = text.strip("%\n")
            if text.strip():
                yield f"{name}/{i}", text


_DICTD_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _dictd_int(s: str) -> int:
    n = 0
    for c in s:
        n = n * 64 + _DICTD_B64.index(c)
    return n


def _read_dictd(base: str) -> Iterator[tuple[str, str]]:
    """A dictd database (.index + gzip-compatible .dict.dz), one document per entry."""
    with gzip.open(base + ".dict.dz", "rb") as f:
        data = f.read()
    with open(base + ".index", encoding="utf-8") as f:
        for line in f:
            head, off, length = line.rstrip("\n").split("\t")[:3]
            if head.startswith("00-database") or head.startswith("00database"):
                continue
            text = data[_dictd_int(off) : _dictd_int(off) + _dictd_int(length)].decode("utf-8", "replace")
            yield head, text.strip()


def read_jargon() -> Iterator[tuple[str, str]]:
    return _read_dictd("/usr/share/dictd/jargon")


def read_devil() -> Iterator[tuple[str, str]]:
    return _read_dictd("/usr/share/dictd/devil")


PYDOC_DIR = "/usr/share/doc/python3-doc/html/_sources"
PYDOC_SKIP = ("c-api/", "distutils/")  # C API and legacy distutils reference: lists of signatures, little prose
_RST_NOISE = re.compile(r"^(\.\. |\s*:[a-z-]+:|[=\-~^*#\"'`+]{4,}\s*$)")


def read_pydoc() -> Iterator[tuple[str, str]]:
    """The Python 3.11 documentation (reStructuredText sources), one document per page.

    Directive lines and title underlines are dropped; prose and code examples stay."""
    for path in sorted(glob.glob(os.path.join(PYDOC_DIR, "**", "*.rst.txt"), recursive=True)):
        if os.path.relpath(path, PYDOC_DIR).startswith(PYDOC_SKIP):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = [ln for ln in f.read().splitlines() if not _RST_NOISE.match(ln)]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        if text:
            yield os.path.relpath(path, PYDOC_DIR), text


DEBREF = "/usr/share/debian-reference/debian-reference.en.txt.gz"


def read_debref() -> Iterator[tuple[str, str]]:
    """The Debian Reference, cut at paragraph breaks into documents of about 8,000 characters."""
    with gzip.open(DEBREF, "rt", encoding="utf-8") as f:
        paragraphs = f.read().split("\n\n")
    doc: list[str] = []
    for para in paragraphs:
        doc.append(para)
        if sum(map(len, doc)) > 8000:
            yield f"part/{len(doc)}/{doc[0][:40]}", "\n\n".join(doc).strip()
            doc = []
    if doc:
        yield f"part/last", "\n\n".join(doc).strip()


# The Debian Reference (debian-reference-en, GPL-2+) was part of the corpus of the first models; it
# is left out since the 2026-11-29 models so that every source is public domain or permissively
# licensed and the weights can be redistributed freely (read_debref stays for the record; the
# shipped tokenizer was trained on the corpus that still included it).
SOURCES = [
    Source("kjv", "bible-kjv", "/usr/bin/bible", "public domain (King James Version, 1611; the Debian package is GPL-2+)", read_kjv),
    Source("kjv-text", "bible-kjv-text", "/usr/lib/bible.data", "public domain (data used by the bible program)", lambda: iter(())),
    Source("fortunes", "fortunes", os.path.join(FORTUNE_DIR, "wisdom"), "fortune-mod: BSD licence; collected quotations distributed in Debian main", read_fortunes),
    Source("jargon", "dict-jargon", "/usr/share/dictd/jargon.index", "public domain (The Jargon File 4.4.7)", read_jargon),
    Source("devil", "dict-devil", "/usr/share/dictd/devil.index", "public domain (Ambrose Bierce, The Devil's Dictionary, 1911)", read_devil),
    Source("pydoc", "python3-doc", PYDOC_DIR, "PSF License Version 2 (Python 3.11 documentation)", read_pydoc),
]


def is_val(source: str, key: str) -> bool:
    h = int(hashlib.md5(f"{source}/{key}".encode()).hexdigest(), 16)
    return h % 100 < VAL_PERCENT


DEBREF_SOURCE = Source("debref", "debian-reference-en", DEBREF, "GPL-2+ (Osamu Aoki, Debian Reference 2.100)", read_debref)


def build(out_dir: str, sources: list[Source] | None = None) -> dict:
    """Write train.jsonl, val.jsonl and stats.json; return the stats."""
    sources = SOURCES if sources is None else sources
    for s in sources:
        _need(s.path, s.package)
    os.makedirs(out_dir, exist_ok=True)
    stats: dict = {"val_percent": VAL_PERCENT, "sources": {}}
    with open(os.path.join(out_dir, "train.jsonl"), "w", encoding="utf-8") as ftr, open(
        os.path.join(out_dir, "val.jsonl"), "w", encoding="utf-8"
    ) as fva:
        for s in sources:
            st = {"package": s.package, "licence": s.licence, "train_docs": 0, "val_docs": 0, "train_chars": 0, "val_chars": 0}
            for key, text in s.read():
                split = "val" if is_val(s.name, key) else "train"
                (fva if split == "val" else ftr).write(json.dumps({"source": s.name, "key": key, "text": text}) + "\n")
                st[f"{split}_docs"] += 1
                st[f"{split}_chars"] += len(text)
            stats["sources"][s.name] = st
    stats["train_chars"] = sum(v["train_chars"] for v in stats["sources"].values())
    stats["val_chars"] = sum(v["val_chars"] for v in stats["sources"].values())
    with open(os.path.join(out_dir, "stats.json"), "w") as f:
        json.dump(stats, f, indent=1)
    return stats


def load_docs(corpus_dir: str, split: str) -> list[str]:
    """The texts of one split ("train" or "val"), in file order."""
    path = os.path.join(corpus_dir, f"{split}.jsonl")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} not found: build the corpus first with training/corpus.py --out {corpus_dir}")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="training/out/corpus")
    ap.add_argument("--with-debian-reference", action="store_true",
                    help="the earlier corpus (with the GPL-2+ Debian Reference) the shipped tokenizer was trained on; "
                         "only to reproduce the tokenizer, never for the models")
    args = ap.parse_args()
    try:
        stats = build(args.out, SOURCES + [DEBREF_SOURCE] if args.with_debian_reference else SOURCES)
    except MissingPackage as e:
        sys.exit(f"error: {e}")
    print(json.dumps(stats, indent=1))
    if stats["train_chars"] + stats["val_chars"] < 10_000_000:
        sys.exit("error: corpus is under 10 M characters")


if __name__ == "__main__":
    main()
