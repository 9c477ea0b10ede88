"""The TransformerLens download: transformer_lens.pt has exactly HookedTransformer's parameter names and
shapes, a forward pass written the way TransformerLens computes reproduces our model's logits, and the
snippet the appendix shows (training/transformer_lens_snippet.py) runs end to end.

TransformerLens cannot be installed here (no PyPI), so `TLReference` below re-implements the parts of
HookedTransformer these configs use, from TransformerLens's source (TransformerLensOrg/TransformerLens):
  transformer_lens/HookedTransformerConfig.py    field names and defaults (normalization_type "LN"!)
  transformer_lens/components/embed.py           W_E [d_vocab, d_model]
  transformer_lens/components/pos_embed.py       W_pos [n_ctx, d_model], W_pos[:pos] added to the residual
  transformer_lens/components/abstract_attention.py
      W_Q [n_heads, d_model, d_head], W_O [n_heads, d_head, d_model], b_Q [n_heads, d_head], b_O [d_model];
      buffers `mask` (tril ones, bool [n_ctx, n_ctx]) and `IGNORE` (-inf); scores = q @ k / attn_scale,
      attn_scale = sqrt(d_head) when use_attn_scale; where(mask, scores, IGNORE); softmax; z = pattern @ v;
      with use_attn_result, result = z . W_O per head, out = sum over heads + b_O
  transformer_lens/components/attention.py       W_K, W_V [n_heads, d_model, d_head], b_K, b_V [n_heads, d_head]
  transformer_lens/components/mlps/mlp.py        W_in [d_model, d_mlp], b_in, W_out [d_mlp, d_model], b_out; "gelu" = F.gelu
  transformer_lens/components/unembed.py         W_U [d_model, d_vocab_out], b_U [d_vocab_out]
  transformer_lens/components/transformer_block.py, HookedTransformer.py
      normalization_type None: ln1/ln2 are nn.Identity and there is no ln_final (no parameters)
It computes with TransformerLens's layouts and einsum strings and never calls training/model.py.

Run: /usr/bin/python3 -m pytest training/tests/test_transformer_lens_export.py
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import runpy
import sys
import types

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
ROOT = os.path.dirname(TRAINING)
MODELS = os.path.join(ROOT, "public", "models")
sys.path.insert(0, TRAINING)

import export_transformer_lens  # noqa: E402
import safetensors_io  # noqa: E402
from model import Config, Transformer  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402

SHIPPED = ("attn-only-1l", "attn-only-2l", "gelu-1l")
SNIPPET = os.path.join(TRAINING, "transformer_lens_snippet.py")

# Every field of HookedTransformerConfig (transformer_lens/HookedTransformerConfig.py), with the defaults
# of the fields whose defaults matter to how the model computes.
TL_FIELDS = {
    "n_layers", "d_model", "n_ctx", "d_head", "model_name", "n_heads", "d_mlp", "act_fn", "d_vocab", "eps",
    "use_attn_result", "use_attn_scale", "use_split_qkv_input", "use_hook_mlp_in", "use_local_attn",
    "original_architecture", "from_checkpoint", "checkpoint_index", "checkpoint_label_type", "checkpoint_value",
    "tokenizer_name", "window_size", "attn_types", "init_mode", "normalization_type", "device", "n_devices",
    "attention_dir", "attn_only", "seed", "initializer_range", "init_weights", "scale_attn_by_inverse_layer_idx",
    "positional_embedding_type", "final_rms", "d_vocab_out", "parallel_attn_mlp", "rotary_dim", "n_params",
    "use_hook_tokens", "gated_mlp", "default_prepend_bos", "dtype",
}
TL_DEFAULTS = {"model_name": "custom", "n_heads": -1, "d_mlp": None, "act_fn": None, "d_vocab": -1,
               "use_attn_result": False, "use_attn_scale": True, "normalization_type": "LN", "attention_dir": "causal",
               "attn_only": False, "scale_attn_by_inverse_layer_idx": False, "positional_embedding_type": "standard",
               "d_vocab_out": -1, "parallel_attn_mlp": False, "gated_mlp": False, "final_rms": False,
               "default_prepend_bos": True}


def tl_parameter_shapes(n_layers, d_model, n_heads, d_head, n_ctx, d_vocab, d_mlp=None):
    """HookedTransformer's parameters for a no-LayerNorm, standard-position config (from the files above)."""
    shapes = {"embed.W_E": (d_vocab, d_model), "pos_embed.W_pos": (n_ctx, d_model)}
    for l in range(n_layers):
        for w in ("W_Q", "W_K", "W_V"):
            shapes[f"blocks.{l}.attn.{w}"] = (n_heads, d_model, d_head)
        shapes[f"blocks.{l}.attn.W_O"] = (n_heads, d_head, d_model)
        for b in ("b_Q", "b_K", "b_V"):
            shapes[f"blocks.{l}.attn.{b}"] = (n_heads, d_head)
        shapes[f"blocks.{l}.attn.b_O"] = (d_model,)
        if d_mlp is not None:
            shapes.update({f"blocks.{l}.mlp.W_in": (d_model, d_mlp), f"blocks.{l}.mlp.b_in": (d_mlp,),
                           f"blocks.{l}.mlp.W_out": (d_mlp, d_model), f"blocks.{l}.mlp.b_out": (d_model,)})
    shapes.update({"unembed.W_U": (d_model, d_vocab), "unembed.b_U": (d_vocab,)})
    return shapes


# The parameter lists of the shipped models, written out from the TransformerLens sources above.
EXPECTED = {
    "attn-only-1l": tl_parameter_shapes(1, 128, 8, 16, 128, 2048),
    "attn-only-2l": tl_parameter_shapes(2, 128, 8, 16, 128, 2048),
    "gelu-1l": tl_parameter_shapes(1, 128, 8, 16, 128, 2048, d_mlp=512),
}


class TLConfig(types.SimpleNamespace):
    """HookedTransformerConfig's contract: only its fields, its defaults, its __post_init__ fills."""

    def __init__(self, **kw):
        unknown = set(kw) - TL_FIELDS
        assert not unknown, f"not HookedTransformerConfig fields: {sorted(unknown)}"
        super().__init__(**{**TL_DEFAULTS, **kw})
        if self.n_heads == -1:
            self.n_heads = self.d_model // self.d_head
        if not self.attn_only and self.d_mlp is None:
            self.d_mlp = 4 * self.d_model
        if self.d_vocab_out == -1:
            self.d_vocab_out = self.d_vocab


class TLAttention(nn.Module):
    def __init__(self, cfg: TLConfig):
        super().__init__()
        self.cfg = cfg
        h, d, dh = cfg.n_heads, cfg.d_model, cfg.d_head
        self.W_Q, self.W_K, self.W_V = (nn.Parameter(torch.empty(h, d, dh)) for _ in range(3))
        self.W_O = nn.Parameter(torch.empty(h, dh, d))
        self.b_Q, self.b_K, self.b_V = (nn.Parameter(torch.zeros(h, dh)) for _ in range(3))
        self.b_O = nn.Parameter(torch.zeros(d))
        self.register_buffer("mask", torch.tril(torch.ones((cfg.n_ctx, cfg.n_ctx)).bool()))
        self.register_buffer("IGNORE", torch.tensor(-torch.inf))
        self.attn_scale = math.sqrt(dh) if cfg.use_attn_scale else 1.0

    def forward(self, x, cache, p):
        # simple_attn_linear: einsum "batch pos d_model, head_index d_model d_head -> batch pos head_index d_head" + b
        q = torch.einsum("bpm,hmd->bphd", x, self.W_Q) + self.b_Q
        k = torch.einsum("bpm,hmd->bphd", x, self.W_K) + self.b_K
        v = torch.einsum("bpm,hmd->bphd", x, self.W_V) + self.b_V
        scores = q.permute(0, 2, 1, 3) @ k.permute(0, 2, 3, 1) / self.attn_scale  # [batch, head_index, query_pos, key_pos]
        n = scores.shape[-1]
        scores = torch.where(self.mask[None, None, -n:, -n:], scores, self.IGNORE)
        pattern = F.softmax(scores, dim=-1)
        z = (pattern @ v.permute(0, 2, 1, 3)).permute(0, 2, 1, 3)  # [batch, pos, head_index, d_head]
        result = torch.einsum("bphd,hdm->bphm", z, self.W_O)  # use_attn_result: [batch, pos, head_index, d_model]
        cache.update({f"{p}.attn.hook_q": q, f"{p}.attn.hook_k": k, f"{p}.attn.hook_v": v,
                      f"{p}.attn.hook_attn_scores": scores, f"{p}.attn.hook_pattern": pattern, f"{p}.attn.hook_z": z,
                      f"{p}.attn.hook_result": result})
        return result.sum(dim=2) + self.b_O


class TLMLP(nn.Module):
    def __init__(self, cfg: TLConfig):
        super().__init__()
        assert cfg.act_fn == "gelu", "this reference implements TransformerLens's 'gelu' (F.gelu) only"
        self.W_in = nn.Parameter(torch.empty(cfg.d_model, cfg.d_mlp))
        self.b_in = nn.Parameter(torch.zeros(cfg.d_mlp))
        self.W_out = nn.Parameter(torch.empty(cfg.d_mlp, cfg.d_model))
        self.b_out = nn.Parameter(torch.zeros(cfg.d_model))

    def forward(self, x, cache, p):
        pre = torch.einsum("bpm,mf->bpf", x, self.W_in) + self.b_in
        post = F.gelu(pre)
        cache[f"{p}.mlp.hook_pre"], cache[f"{p}.mlp.hook_post"] = pre, post
        return torch.einsum("bpf,fm->bpm", post, self.W_out) + self.b_out


class TLBlock(nn.Module):
    def __init__(self, cfg: TLConfig):
        super().__init__()
        self.attn = TLAttention(cfg)
        if not cfg.attn_only:
            self.mlp = TLMLP(cfg)


class TLReference(nn.Module):
    """HookedTransformer for configs without LayerNorm: same module tree, so the same state_dict keys."""

    def __init__(self, cfg: TLConfig):
        super().__init__()
        # the computations below are TransformerLens's only for these settings
        assert cfg.normalization_type is None, f"normalization_type {cfg.normalization_type!r}: not our model"
        assert cfg.positional_embedding_type == "standard" and cfg.attention_dir == "causal"
        assert not (cfg.parallel_attn_mlp or cfg.gated_mlp or cfg.final_rms or cfg.scale_attn_by_inverse_layer_idx)
        self.cfg = cfg
        self.embed, self.pos_embed, self.unembed = nn.Module(), nn.Module(), nn.Module()
        self.embed.W_E = nn.Parameter(torch.empty(cfg.d_vocab, cfg.d_model))
        self.pos_embed.W_pos = nn.Parameter(torch.empty(cfg.n_ctx, cfg.d_model))
        self.blocks = nn.ModuleList([TLBlock(cfg) for _ in range(cfg.n_layers)])
        self.unembed.W_U = nn.Parameter(torch.empty(cfg.d_model, cfg.d_vocab_out))
        self.unembed.b_U = nn.Parameter(torch.zeros(cfg.d_vocab_out))

    def run_with_cache(self, tokens):
        cache = {"hook_embed": self.embed.W_E[tokens], "hook_pos_embed": self.pos_embed.W_pos[: tokens.shape[1]][None]}
        x = cache["hook_embed"] + cache["hook_pos_embed"]
        for l, block in enumerate(self.blocks):
            p = f"blocks.{l}"
            cache[f"{p}.hook_resid_pre"] = x
            cache[f"{p}.hook_attn_out"] = block.attn(x, cache, p)
            x = x + cache[f"{p}.hook_attn_out"]
            if not self.cfg.attn_only:
                cache[f"{p}.hook_resid_mid"] = x
                cache[f"{p}.hook_mlp_out"] = block.mlp(x, cache, p)
                x = x + cache[f"{p}.hook_mlp_out"]
            cache[f"{p}.hook_resid_post"] = x
        logits = torch.einsum("bpm,mv->bpv", x, self.unembed.W_U) + self.unembed.b_U
        return logits, cache

    def forward(self, tokens):
        return self.run_with_cache(tokens)[0]


def load_tl(model_id: str) -> TLReference:
    with open(os.path.join(MODELS, model_id, "transformer_lens_config.json")) as f:
        model = TLReference(TLConfig(**json.load(f)))
    missing, unexpected = model.load_state_dict(torch.load(os.path.join(MODELS, model_id, "transformer_lens.pt")),
                                                strict=False)
    assert not unexpected
    assert sorted(missing) == sorted(f"blocks.{l}.attn.{b}" for l in range(model.cfg.n_layers) for b in ("mask", "IGNORE"))
    return model.eval()


def load_ours(model_id: str) -> Transformer:
    with open(os.path.join(MODELS, model_id, "config.json")) as f:
        c = json.load(f)
    model = Transformer(Config(**{k: c[k] for k in ("model_name", "n_layers", "d_model", "n_heads", "d_head", "n_ctx",
                                                     "d_vocab", "d_mlp", "act_fn")}))
    model.load_state_dict(safetensors_io.load(os.path.join(MODELS, model_id, "weights.safetensors")))
    return model.eval()


@pytest.mark.parametrize("model_id", SHIPPED)
def test_the_file_has_exactly_transformer_lens_parameter_names_and_shapes_and_the_shipped_values(model_id):
    sd = torch.load(os.path.join(MODELS, model_id, "transformer_lens.pt"))
    assert {k: tuple(v.shape) for k, v in sd.items()} == EXPECTED[model_id]
    assert all(v.dtype == torch.float32 for v in sd.values())
    weights = safetensors_io.load(os.path.join(MODELS, model_id, "weights.safetensors"))
    for k, v in sd.items():
        assert torch.equal(v, weights[k]), k
    # and the reference HookedTransformer has the same parameters, plus only its two buffers a layer
    with open(os.path.join(MODELS, model_id, "transformer_lens_config.json")) as f:
        tl = TLReference(TLConfig(**json.load(f)))
    assert {k: tuple(p.shape) for k, p in tl.named_parameters()} == EXPECTED[model_id]


@pytest.mark.parametrize("model_id", SHIPPED)
def test_the_config_uses_only_transformer_lens_fields_and_says_what_our_model_computes(model_id):
    with open(os.path.join(MODELS, model_id, "transformer_lens_config.json")) as f:
        tl = json.load(f)
    with open(os.path.join(MODELS, model_id, "config.json")) as f:
        ours = json.load(f)
    assert set(tl) <= TL_FIELDS
    for k in ("n_layers", "d_model", "n_ctx", "d_head", "n_heads", "d_mlp", "d_vocab", "attn_only"):
        assert tl[k] == ours[k], k
    # no LayerNorm must be said explicitly: TransformerLens's default is "LN"
    assert tl["normalization_type"] is None and tl["positional_embedding_type"] == "standard"
    assert tl["default_prepend_bos"] is False
    assert tl.get("use_attn_scale", True) and tl.get("attention_dir", "causal") == "causal"
    if not tl["attn_only"]:
        assert tl["act_fn"] == "gelu"  # exact GELU, as model.py's F.gelu; "gelu_new" is the tanh approximation


@pytest.mark.parametrize("model_id", SHIPPED)
def test_a_transformer_lens_forward_on_the_file_reproduces_our_model_on_real_prompts(model_id):
    tl, ours = load_tl(model_id), load_ours(model_id)
    with open(os.path.join(ROOT, "tests", "fixtures", "reference", f"{model_id}.json")) as f:
        ref = json.load(f)
    plain = next(r for r in ref["runs"] if "inputs" not in r)
    ref_logits = np.fromfile(os.path.join(ROOT, "tests", "fixtures", "reference", plain["hooks"]["logits"]["file"]),
                             dtype="<f4").reshape(plain["hooks"]["logits"]["shape"])
    worst = 0.0
    with torch.no_grad():
        for i, prompt in enumerate(ref["prompts"]):
            tokens = torch.tensor([prompt["ids"]])
            logits, cache = tl.run_with_cache(tokens)
            ours_cache: dict = {}
            ours_logits = ours(tokens, cache=ours_cache)
            assert set(ours_cache) - {"logits"} == set(cache)  # every hook the book shows, under the same name
            for name, t in ours_cache.items():
                if name == "logits":  # TransformerLens returns the logits, it has no hook for them
                    continue
                torch.testing.assert_close(cache[name], t, atol=1e-5, rtol=0, msg=f"{model_id} {name}")
            worst = max(worst, (logits - ours_logits).abs().max().item())
            # and the PyTorch reference activations the ONNX graph is checked against (real positions only)
            n = len(prompt["ids"])
            worst = max(worst, np.abs(logits[0].numpy() - ref_logits[i, :n]).max())
    print(f"{model_id}: max |logit difference| {worst:.2e}")
    assert worst < 1e-5


def fake_modules(monkeypatch) -> None:
    """`transformer_lens` and `tokenizers` as a notebook has them, backed by TLReference and our tokenizer."""
    tl = types.ModuleType("transformer_lens")
    tl.HookedTransformerConfig = TLConfig
    tl.HookedTransformer = TLReference
    tok = types.ModuleType("tokenizers")

    class HFTokenizer:
        @classmethod
        def from_file(cls, path):
            self = cls()
            self.t = Tokenizer.load(path)
            return self

        def encode(self, text):
            return types.SimpleNamespace(ids=self.t.encode(text))

        def decode(self, ids):
            return self.t.decode(ids)

    tok.Tokenizer = HFTokenizer
    monkeypatch.setitem(sys.modules, "transformer_lens", tl)
    monkeypatch.setitem(sys.modules, "tokenizers", tok)


@pytest.mark.parametrize("model_id", SHIPPED)
def test_the_appendix_snippet_runs_and_prints_our_models_top_prediction(model_id, tmp_path, monkeypatch):
    for name in ("transformer_lens.pt", "transformer_lens_config.json"):
        os.symlink(os.path.join(MODELS, model_id, name), tmp_path / name)
    os.symlink(os.path.join(MODELS, "tokenizer.json"), tmp_path / "tokenizer.json")
    fake_modules(monkeypatch)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        g = runpy.run_path(SNIPPET, run_name="__main__")
    tokenizer = Tokenizer.load(os.path.join(MODELS, "tokenizer.json"))
    ids = tokenizer.encode(g["prompt"])
    with torch.no_grad():
        top = load_ours(model_id)(torch.tensor([ids]))[0, -1].argmax().item()
    assert out.getvalue().splitlines() == [f"torch.Size([1, 8, {len(ids)}, {len(ids)}])", repr(tokenizer.decode([top]))]
    if model_id == "attn-only-2l":  # what the snippet's comment says
        assert out.getvalue().splitlines()[-1] == "' earth'"
    print(model_id, out.getvalue().splitlines()[-1])


def test_the_export_is_reproducible_and_the_manifest_lists_its_files(tmp_path):
    with open(os.path.join(MODELS, "manifest.json")) as f:
        manifest = {e["path"]: e for e in json.load(f)["files"]}
    for model_id in SHIPPED:
        with open(os.path.join(MODELS, model_id, "config.json")) as f:
            cfg = json.load(f)
        with open(os.path.join(MODELS, model_id, "transformer_lens_config.json")) as f:
            assert json.load(f) == export_transformer_lens.tl_config(cfg)
        sd = export_transformer_lens.state_dict(safetensors_io.load(os.path.join(MODELS, model_id, "weights.safetensors")), cfg)
        again = tmp_path / model_id / "transformer_lens.pt"  # same file name: torch.save stores it in the archive
        again.parent.mkdir()
        torch.save(sd, again)
        for name in ("transformer_lens.pt", "transformer_lens_config.json", "training-curve.json"):
            path = os.path.join(MODELS, model_id, name)
            with open(path, "rb") as f:
                data = f.read()
            if name == "transformer_lens.pt":
                assert data == again.read_bytes(), "transformer_lens.pt is what export_transformer_lens.py writes"
            entry = manifest[f"{model_id}/{name}"]
            assert (entry["bytes"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    assert not any("checkpoints/transformer_lens" in p for p in manifest)
