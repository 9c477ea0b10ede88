"""The shipped weights in a form TransformerLens loads: a torch state_dict and HookedTransformerConfig kwargs.

    /usr/bin/python3 training/export_transformer_lens.py --model-id attn-only-2l

reads public/models/<id>/weights.safetensors and config.json, writes beside them
`transformer_lens.pt` (fp32, keys and shapes of HookedTransformer's state_dict for this config)
and `transformer_lens_config.json` (kwargs for HookedTransformerConfig), then rewrites
public/models/manifest.json (export.write_manifest) so sizes and sha256 stay right.

Our weights already carry TransformerLens's names and layouts (model.py), so the state dict is the
same tensors. What the config must say so that TransformerLens computes what model.py computes:
no LayerNorm (`normalization_type: None`; TransformerLens's default is "LN"), learned absolute
positions added to the residual stream ("standard"), causal attention scaled by 1/sqrt(d_head)
(`use_attn_scale`, TransformerLens's default), exact-erf GELU ("gelu", not "gelu_new"), biases
everywhere including b_U, and no BOS token (`default_prepend_bos: False`: the models never saw
one). `use_attn_result` makes TransformerLens record `hook_result` as the book's figures do.
The file leaves out TransformerLens's own per-layer buffers (`blocks.{l}.attn.mask`, the causal
mask, and `blocks.{l}.attn.IGNORE`, -inf), which HookedTransformer builds itself: load with
`strict=False` (training/transformer_lens_snippet.py shows it and checks that nothing else is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from export import write_manifest  # noqa: E402

# Fields of transformer_lens.HookedTransformerConfig that we set; the rest keep TransformerLens's defaults.
TL_CONFIG_FIELDS = ("model_name", "n_layers", "d_model", "n_ctx", "d_head", "n_heads", "d_mlp", "act_fn", "d_vocab",
                    "d_vocab_out", "attn_only", "normalization_type", "positional_embedding_type")


def tl_config(cfg: dict) -> dict:
    """HookedTransformerConfig kwargs for one of our config.json files."""
    out = {k: cfg[k] for k in TL_CONFIG_FIELDS}
    if cfg["normalization_type"] is not None or cfg["positional_embedding_type"] != "standard":
        raise ValueError("this export assumes the book's models: no LayerNorm, standard learned positions")
    out.update(attention_dir="causal", use_attn_scale=True, use_attn_result=True, default_prepend_bos=False)
    return out


def expected_shapes(cfg: dict) -> dict[str, tuple[int, ...]]:
    """Parameter name -> shape of HookedTransformer's parameters for this config (no LayerNorm)."""
    d, h, dh, v = cfg["d_model"], cfg["n_heads"], cfg["d_head"], cfg["d_vocab"]
    shapes = {"embed.W_E": (v, d), "pos_embed.W_pos": (cfg["n_ctx"], d)}
    for l in range(cfg["n_layers"]):
        a = f"blocks.{l}.attn."
        shapes.update({a + "W_Q": (h, d, dh), a + "W_K": (h, d, dh), a + "W_V": (h, d, dh), a + "W_O": (h, dh, d),
                       a + "b_Q": (h, dh), a + "b_K": (h, dh), a + "b_V": (h, dh), a + "b_O": (d,)})
        if not cfg["attn_only"]:
            m, f = f"blocks.{l}.mlp.", cfg["d_mlp"]
            shapes.update({m + "W_in": (d, f), m + "b_in": (f,), m + "W_out": (f, d), m + "b_out": (d,)})
    shapes.update({"unembed.W_U": (d, cfg["d_vocab_out"]), "unembed.b_U": (cfg["d_vocab_out"],)})
    return shapes


def state_dict(weights: dict[str, torch.Tensor], cfg: dict) -> dict[str, torch.Tensor]:
    """The TransformerLens state dict (fp32, contiguous), in TransformerLens's module order."""
    shapes = expected_shapes(cfg)
    if set(weights) != set(shapes):
        raise ValueError(f"weights {sorted(set(weights) ^ set(shapes))} differ from TransformerLens's parameters")
    out = {}
    for name, shape in shapes.items():
        t = weights[name]
        if tuple(t.shape) != shape:
            raise ValueError(f"{name}: shape {tuple(t.shape)}, TransformerLens expects {shape}")
        out[name] = t.to(torch.float32).contiguous().clone()
    return out


def export(model_dir: str) -> tuple[str, str]:
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    sd = state_dict(safetensors_io.load(os.path.join(model_dir, "weights.safetensors")), cfg)
    pt, js = os.path.join(model_dir, "transformer_lens.pt"), os.path.join(model_dir, "transformer_lens_config.json")
    torch.save(sd, pt)
    with open(js, "w") as f:
        json.dump(tl_config(cfg), f, indent=1)
        f.write("\n")
    return pt, js


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-id", required=True, action="append", help="repeat for several models")
    ap.add_argument("--models-dir", default="public/models")
    args = ap.parse_args()
    for model_id in args.model_id:
        for p in export(os.path.join(args.models_dir, model_id)):
            print(f"{p}: {os.path.getsize(p)} bytes")
    write_manifest(args.models_dir)


if __name__ == "__main__":
    main()
