"""The safetensors file format, written and read by hand (there is no Python package here).

Layout: 8-byte little-endian header length N, then N bytes of JSON
{name: {"dtype": "F32"|"F16", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}},
then the raw little-endian tensor bytes, offsets relative to the end of the header.
"""

from __future__ import annotations

import json
import struct

import numpy as np
import torch

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
_NAMES = {np.dtype(v): k for k, v in _DTYPES.items()}


def save(tensors: dict[str, torch.Tensor], path: str, dtype: str = "F32", metadata: dict[str, str] | None = None) -> None:
    """Write tensors (in the given key order) as one safetensors file in dtype F32 or F16."""
    header: dict = {}
    blobs, offset = [], 0
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype(_DTYPES[dtype]))
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)  # pad so the data starts 8-byte aligned, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load(path: str) -> dict[str, torch.Tensor]:
    """Read a safetensors file into float32 (or int64) tensors, in file order."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        a = np.frombuffer(data[base + begin : base + end], dtype=np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<"))
        a = a.reshape(info["shape"])
        out[name] = torch.from_numpy(a.astype(np.int64 if info["dtype"] == "I64" else np.float32))
    return out


def dtypes(path: str) -> set[str]:
    """The dtypes of a safetensors file's tensors, read from its header."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    return {info["dtype"] for name, info in header.items() if name != "__metadata__"}
