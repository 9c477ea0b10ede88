"""A GPT-2 style transformer without LayerNorm, with TransformerLens parameter and hook names.

Read bottom-up: Embed, PosEmbed, Attention, MLP, Block, Unembed, then the Transformer that
stacks them. The residual stream is visible in Block.forward (`x = x + attn(x)`). Every
activation the book shows is recorded under its TransformerLens hook name when a `cache`
dict is passed, so the same code trains the model, writes the reference activations and is
exported to ONNX (export.py).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor


@dataclass
class Config:
    """Field names are TransformerLens's HookedTransformerConfig names, so config.json loads there."""

    model_name: str = "attn-only-2l"
    n_layers: int = 2
    d_model: int = 128  # small enough to train on 2 CPU cores, big enough for 8 heads of 16 dims
    n_heads: int = 8  # the paper's small models have many heads a layer: more circuits to find
    d_head: int = 16
    n_ctx: int = 128  # room for two copies of a 50-token random sequence (the induction test)
    d_vocab: int = 2048  # a byte-level BPE trained on our corpus; small vocab keeps W_E/W_U cheap
    d_mlp: Optional[int] = None  # None = attention only (no MLP), the paper's cleanest models
    act_fn: str = "gelu"  # exact (erf) GELU, as TransformerLens's "gelu"
    # No LayerNorm rescales the residual stream, so weights start where attention scores and
    # logits are O(1) at step 0: embeddings of std embed_init_std, other matrices of std
    # 1/sqrt(fan_in). (GPT-2's 0.02 leaves q.k ~ 1e-4 here, and attention stays uniform for
    # hundreds of steps.) Biases start at 0.
    embed_init_std: float = 0.5
    # W_U starts as W_E^T scaled so a token's own logit is ~1. Copying ("this token is in the
    # context, predict it") then needs only a generic W_OV ~ c I instead of 2048 separately learned
    # W_U columns, which a CPU budget cannot afford for rare tokens. Untied during training.
    unembed_init_from_embed: bool = True
    # At init, tokens and positions live in orthogonal subspaces: W_E in the first
    # d_model - pos_init_dims dimensions, W_pos (sinusoids) in the last pos_init_dims. Then the
    # random, rarely-trained embeddings of rare tokens add no noise to positional attention,
    # and previous-token heads (the first half of an induction circuit) can form quickly.
    # Training is free to mix the subspaces afterwards.
    pos_init_dims: int = 32

    def __post_init__(self):
        if self.n_heads * self.d_head != self.d_model:
            raise ValueError(f"n_heads * d_head = {self.n_heads * self.d_head} must equal d_model = {self.d_model}")
        if not 0 < self.pos_init_dims < self.d_model:
            raise ValueError(f"pos_init_dims = {self.pos_init_dims} must be in (0, d_model = {self.d_model})")

    @property
    def attn_only(self) -> bool:
        return self.d_mlp is None

    def to_tl_dict(self) -> dict:
        """The TransformerLens config fields (config.json)."""
        d = asdict(self)
        for k in ("embed_init_std", "unembed_init_from_embed", "pos_init_dims"):  # training-only: how weights started
            d.pop(k)
        d.update(attn_only=self.attn_only, normalization_type=None, positional_embedding_type="standard",
                 d_vocab_out=self.d_vocab, original_architecture="GPT2-no-LN")
        return d


class Embed(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        W_E = torch.zeros(cfg.d_vocab, cfg.d_model)
        W_E[:, : cfg.d_model - cfg.pos_init_dims] = torch.randn(cfg.d_vocab, cfg.d_model - cfg.pos_init_dims) * cfg.embed_init_std
        self.W_E = nn.Parameter(W_E)

    def forward(self, tokens: Tensor) -> Tensor:  # [batch, pos] -> [batch, pos, d_model]
        return self.W_E[tokens]


def sinusoids(n_ctx: int, d_model: int, std: float) -> Tensor:
    """[n_ctx, d_model] sines and cosines of geometric frequencies, scaled to the given std.

    Only the starting point of the learned W_pos: with it, "attend to the previous token" is a
    rotation that one W_Q W_K^T can express for every position at once, so previous-token heads
    (and so induction heads) form within a CPU budget."""
    pos = torch.arange(n_ctx, dtype=torch.float32)[:, None]
    freq = torch.exp(-math.log(n_ctx) * torch.arange(0, d_model, 2, dtype=torch.float32) / d_model)
    W = torch.zeros(n_ctx, d_model)
    W[:, 0::2], W[:, 1::2] = torch.sin(pos * freq), torch.cos(pos * freq)
    return W * std / W.std()


class PosEmbed(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        W_pos = torch.zeros(cfg.n_ctx, cfg.d_model)
        W_pos[:, cfg.d_model - cfg.pos_init_dims :] = sinusoids(cfg.n_ctx, cfg.pos_init_dims, 1.0)
        self.W_pos = nn.Parameter(W_pos)

    def forward(self, tokens: Tensor) -> Tensor:  # [batch, pos] -> [batch, pos, d_model]
        return self.W_pos[: tokens.shape[1]].unsqueeze(0).expand(tokens.shape[0], -1, -1)


class Attention(nn.Module):
    """Causal multi-head attention with per-head weights [n_heads, d_model, d_head] as in TransformerLens.

    head_mask [batch, n_heads] multiplies each head's z (0 ablates it); where patch_mask
    [batch, pos, n_heads] is 1, z is replaced by patch_z [batch, pos, n_heads, d_head]."""

    def __init__(self, cfg: Config):
        super().__init__()
        h, d, dh = cfg.n_heads, cfg.d_model, cfg.d_head
        self.W_Q = nn.Parameter(torch.randn(h, d, dh) / math.sqrt(d))
        self.W_K = nn.Parameter(torch.randn(h, d, dh) / math.sqrt(d))
        self.W_V = nn.Parameter(torch.randn(h, d, dh) / math.sqrt(d))
        self.W_O = nn.Parameter(torch.randn(h, dh, d) / math.sqrt(h * dh))
        self.b_Q = nn.Parameter(torch.zeros(h, dh))
        self.b_K = nn.Parameter(torch.zeros(h, dh))
        self.b_V = nn.Parameter(torch.zeros(h, dh))
        self.b_O = nn.Parameter(torch.zeros(d))
        self.scale = 1.0 / math.sqrt(dh)

    def forward(self, x: Tensor, cache: dict, prefix: str, head_mask: Optional[Tensor] = None,
                patch_mask: Optional[Tensor] = None, patch_z: Optional[Tensor] = None) -> Tensor:
        q = torch.einsum("bpd,hde->bphe", x, self.W_Q) + self.b_Q  # [batch, pos, head_index, d_head]
        k = torch.einsum("bpd,hde->bphe", x, self.W_K) + self.b_K
        v = torch.einsum("bpd,hde->bphe", x, self.W_V) + self.b_V
        scores = torch.einsum("bqhe,bkhe->bhqk", q, k) * self.scale  # [batch, head_index, query_pos, key_pos]
        pos = torch.arange(x.shape[1], device=x.device)
        future = pos.unsqueeze(0) > pos.unsqueeze(1)  # [query_pos, key_pos]: key after query
        scores = scores.masked_fill(future, float("-inf"))
        pattern = scores.softmax(dim=-1)
        z = torch.einsum("bhqk,bkhe->bqhe", pattern, v)  # [batch, pos, head_index, d_head]
        if patch_mask is not None:
            m = patch_mask.unsqueeze(-1)
            z = (1 - m) * z + m * patch_z
        if head_mask is not None:
            z = z * head_mask[:, None, :, None]
        result = torch.einsum("bqhe,hed->bqhd", z, self.W_O)  # [batch, pos, head_index, d_model]
        out = result.sum(dim=2) + self.b_O
        for name, t in (("q", q), ("k", k), ("v", v), ("attn_scores", scores), ("pattern", pattern),
                        ("z", z), ("result", result)):
            cache[f"{prefix}.attn.hook_{name}"] = t
        return out


class MLP(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.W_in = nn.Parameter(torch.randn(cfg.d_model, cfg.d_mlp) / math.sqrt(cfg.d_model))
        self.b_in = nn.Parameter(torch.zeros(cfg.d_mlp))
        self.W_out = nn.Parameter(torch.randn(cfg.d_mlp, cfg.d_model) / math.sqrt(cfg.d_mlp))
        self.b_out = nn.Parameter(torch.zeros(cfg.d_model))

    def forward(self, x: Tensor, cache: dict, prefix: str) -> Tensor:
        pre = x @ self.W_in + self.b_in  # [batch, pos, d_mlp]
        post = F.gelu(pre)
        cache[f"{prefix}.mlp.hook_pre"], cache[f"{prefix}.mlp.hook_post"] = pre, post
        return post @ self.W_out + self.b_out


class Block(nn.Module):
    def __init__(self, cfg: Config, layer: int):
        super().__init__()
        self.prefix = f"blocks.{layer}"
        self.attn = Attention(cfg)
        self.mlp = None if cfg.attn_only else MLP(cfg)

    def forward(self, x: Tensor, cache: dict, **interventions) -> Tensor:
        p = self.prefix
        cache[f"{p}.hook_resid_pre"] = x
        attn_out = self.attn(x, cache, p, **interventions)
        cache[f"{p}.hook_attn_out"] = attn_out
        x = x + attn_out
        if self.mlp is not None:
            cache[f"{p}.hook_resid_mid"] = x
            mlp_out = self.mlp(x, cache, p)
            cache[f"{p}.hook_mlp_out"] = mlp_out
            x = x + mlp_out
        cache[f"{p}.hook_resid_post"] = x
        return x


class Unembed(nn.Module):
    def __init__(self, cfg: Config, W_E: Optional[Tensor] = None):
        super().__init__()
        if W_E is not None:  # start aligned with the embedding (see Config.unembed_init_from_embed), untied afterwards
            W_U = W_E.detach().T / (cfg.embed_init_std**2 * (cfg.d_model - cfg.pos_init_dims))
        else:
            W_U = torch.randn(cfg.d_model, cfg.d_vocab) / math.sqrt(cfg.d_model)
        self.W_U = nn.Parameter(W_U.clone())
        self.b_U = nn.Parameter(torch.zeros(cfg.d_vocab))

    def forward(self, x: Tensor) -> Tensor:  # [batch, pos, d_model] -> [batch, pos, d_vocab]
        return x @ self.W_U + self.b_U


class Transformer(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.embed = Embed(cfg)
        self.pos_embed = PosEmbed(cfg)
        self.blocks = nn.ModuleList([Block(cfg, l) for l in range(cfg.n_layers)])
        self.unembed = Unembed(cfg, self.embed.W_E if cfg.unembed_init_from_embed else None)

    def forward(self, tokens: Tensor, cache: Optional[dict] = None, head_mask: Optional[Tensor] = None,
                patch_mask: Optional[Tensor] = None, patch_z: Optional[Tensor] = None) -> Tensor:
        """tokens [batch, pos] -> logits [batch, pos, d_vocab]; activations go into `cache` by hook name.

        head_mask [batch, n_layers, n_heads], patch_mask [batch, n_layers, pos, n_heads] and
        patch_z [batch, n_layers, pos, n_heads, d_head] are the interventions of MODEL_FORMAT.md."""
        cache = {} if cache is None else cache
        embed, pos_embed = self.embed(tokens), self.pos_embed(tokens)
        cache["hook_embed"], cache["hook_pos_embed"] = embed, pos_embed
        x = embed + pos_embed
        for l, block in enumerate(self.blocks):
            iv = {}
            if head_mask is not None:
                iv["head_mask"] = head_mask[:, l]
            if patch_mask is not None:
                iv["patch_mask"], iv["patch_z"] = patch_mask[:, l], patch_z[:, l]
            x = block(x, cache, **iv)
        logits = self.unembed(x)
        cache["logits"] = logits
        return logits


def hook_names(cfg: Config, spec: dict) -> list[str]:
    """This model's hooks, in order, from src/model/hook-names.json (the list shared with TypeScript)."""
    names = list(spec["embed"])
    for l in range(cfg.n_layers):
        for group in ("block",) if cfg.attn_only else ("block", "mlp_block"):
            names += [n.replace("{l}", str(l)) for n in spec[group]]
    names += list(spec["final"])
    return names


def loss_fn(logits: Tensor, tokens: Tensor) -> Tensor:
    """Mean next-token cross-entropy: logits at position p predict tokens at p + 1."""
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))
