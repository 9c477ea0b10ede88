/**
 * "Reproduce in Python": for a figure's current state, a short script in
 * TransformerLens's conventions that computes the same numbers from the
 * model's downloadable `transformer_lens.pt` and prints them as one Python
 * dict. Pure string building, no runtime and no DOM; each kind is run by
 * training/tests/test_python_snippets.py against what the runtime computes
 * for the same state (tests/fixtures/python-snippets.json).
 */

import { pyStr, tokenizerText } from './python-quote';

/** A training checkpoint of a model, as its checkpoint index lists it. */
export interface SnippetCheckpoint {
  step: number;
  /** File name in the model's `checkpoints/` folder, e.g. `step-001600.safetensors`. */
  file: string;
}

/** The state of a figure, as far as its numbers depend on it; one variant per kind of snippet. */
export type SnippetState =
  /** Top-k next-token predictions at one position and the prompt's mean loss. */
  | { kind: 'predictions'; model: string; prompt: string; pos: number; k: number }
  /** The same with heads zero-ablated: mean loss with all heads on and with `off` off, top-k at `pos` without them. */
  | {
      kind: 'ablation';
      model: string;
      prompt: string;
      pos: number;
      k: number;
      off: string[];
      /** Also each head alone switched off: the change in mean loss. */
      sweep: boolean;
    }
  /** The positional QK circuit of a head: how often each query's strongest allowed key is the one before, or itself. */
  | { kind: 'positional-qk'; model: string; layer: number; head: number }
  /** Direct logit attribution of one token's logit at `pos` (target: top prediction, real next token, or typed text). */
  | {
      kind: 'dla';
      model: string;
      prompt: string;
      pos: number;
      target: 'top' | 'next' | 'custom';
      token: string;
    }
  /** The residual stream at `pos` as a sum of terms: each term's norm and signed length along the final stream. */
  | { kind: 'stream-terms'; model: string; prompt: string; pos: number }
  /** The top-k read off the residual stream after the embedding and after each layer, at `pos`. */
  | { kind: 'logit-lens'; model: string; prompt: string; pos: number; k: number }
  /** One head's attention pattern [query_pos, key_pos] over the prompt. */
  | { kind: 'attention'; model: string; prompt: string; layer: number; head: number }
  /** Induction and previous-token scores and the loss on each copy of a seeded random block, repeated. */
  | {
      kind: 'repeat-scores';
      model: string;
      period: number;
      seed: number;
      checkpoint?: SnippetCheckpoint;
    }
  /** Previous-token, duplicate-token and induction (prefix-matching) scores of every head on the prompt's own tokens. */
  | { kind: 'text-scores'; model: string; prompt: string }
  /**
   * One head's circuits read for one token (the last of `token`): the key tokens its token-level QK
   * circuit most prefers, the logits its full OV circuit raises most, and a live check of the first.
   */
  | { kind: 'circuit-rows'; model: string; layer: number; head: number; token: string; k: number }
  /**
   * Attention to marked tokens (punctuation): per head, the mean attention later unmarked positions pay
   * to marked ones, the share of the head's output (by norm) that comes from them, and the logits the
   * moved vector raises most. `marked` lists the marked positions as the figure found them: tokens
   * whose text, as the figure shows it, holds one of the characters of `marks`.
   */
  | { kind: 'storage'; model: string; prompt: string; marks: string; marked: number[] }
  /**
   * One head's attention scores grouped two ways, (X W_Q + b_Q)(X W_K + b_K)^T and X~ (W~_Q W~_K^T) X~^T,
   * and how far each is from the other and from the model's own `hook_attn_scores` (causal entries).
   */
  | { kind: 'grouping'; model: string; prompt: string; layer: number; head: number }
  /** The model's parameter count and the shape of every activation it computes on the prompt. */
  | { kind: 'anatomy'; model: string; prompt: string }
  /**
   * Per-coordinate statistics of one activation over the prompt's positions (all but the first with
   * `skipFirst`): each coordinate's kurtosis, the five most heavy-tailed, and from PCA the share of
   * variance in the first ten directions and the participation ratio. (The figure's random rotation
   * and PCA-basis kurtosis are left out: the first is a seeded draw, the second depends on
   * eigenvectors of a rank-deficient covariance, arbitrary in its null space.)
   */
  | { kind: 'coordinate-stats'; model: string; prompt: string; hook: string; skipFirst: boolean }
  /**
   * Two heads' write subspaces (row spaces of W_O): the cosines of their principal angles and their
   * overlap (mean squared cosine); and on the prompt, the cosine between the vectors they actually write.
   */
  | { kind: 'subspaces'; model: string; prompt: string; a: string; b: string }
  /** Every head's copying score (eigenvalues of its full OV circuit); with `accuracy`, its top-1 copying accuracy too. */
  | { kind: 'copying'; model: string; accuracy: boolean }
  /**
   * The path expansion of an attention-only model (1 or 2 layers) at `pos`: each path's term of one
   * token's logit (`next`'s first token, or the top prediction when empty), which sum to the logit.
   */
  | { kind: 'path-expansion'; model: string; prompt: string; pos: number; next: string }
  /**
   * The K-composition term of the induction circuit over tokens, `W_E W_QK^{1.h} (W_E W_OV^{0.prev})^T`,
   * for every layer-1 head h: its eigenvalue score and top-1 diagonal accuracy by rows and by columns;
   * and head `ind`'s matrix over the distinct tokens of `tokens` (at most 24).
   */
  | { kind: 'k-circuit'; model: string; prev: number; ind: number; tokens: string }
  /**
   * What a head reads and writes: the singular values of its W_Q, W_K, W_V and W_O, and at each position
   * the share of the stream (`hook_resid_pre` of its layer) inside the Q, K and V read subspaces.
   */
  | { kind: 'read-write'; model: string; prompt: string; layer: number; head: number }
  /** Each writer's (W_E, W_pos, every head's W_O) share of its squared norm in residual coordinates from..to. */
  | { kind: 'residual-energy'; model: string; from: number; to: number }
  /**
   * A change of basis put into the weights: the residual stream rotated by R (writers times R, readers
   * by R^T: same logits, new coordinates) or layer 0's MLP neurons mixed by P (W_in P, b_in P, P^T W_out:
   * GELU sees other inputs). R or P rotates axes i and j by `deg` degrees, or (neurons) permutes them
   * with the book's seeded shuffle. The seeded random rotations have no snippet: the browser's QR of its
   * Gaussian draw is not reproducible in torch bit for bit.
   */
  | {
      kind: 'rotation';
      model: string;
      prompt: string;
      pos: number;
      space: 'residual' | 'neurons';
      mode: 'plane' | 'permute';
      i: number;
      j: number;
      deg: number;
      seed: number;
    }
  /** Composition scores of every layer-0 head into every head of the last layer. */
  | { kind: 'composition'; model: string; composition: 'Q' | 'K' | 'V' }
  /** The token ids of a text: the tokenizer alone, no model. */
  | { kind: 'tokens'; text: string };

/** The kinds of snippet, one generator each. */
export type SnippetKind = SnippetState['kind'];

const lines = (...ls: (string | false | undefined)[]) =>
  ls.filter((l): l is string => typeof l === 'string').join('\n');

/** The preamble of a snippet that needs only the tokenizer. */
const TOKENIZER_ONLY = lines(
  '# pip install tokenizers',
  "# Put these files of the book's models/ folder in the current folder:",
  "# tokenizer.json (see any model's page).",
  'from tokenizers import Tokenizer',
  '',
  'tokenizer = Tokenizer.from_file("tokenizer.json")',
);

function tokens(s: Extract<SnippetState, { kind: 'tokens' }>): string {
  return lines(
    `text = ${pyStr(tokenizerText(s.text))}`,
    'ids = tokenizer.encode(text).ids  # byte-level BPE; no BOS token',
    'print({"ids": ids, "n_tokens": len(ids)})',
  );
}

/** Loads the model (or one of its training checkpoints) and the tokenizer, as the appendix snippet does. */
function preamble(model: string, tokenizer: boolean, checkpoint?: SnippetCheckpoint): string {
  const tok = tokenizer ? ', tokenizer.json' : '';
  return lines(
    '# pip install transformer_lens' +
      (tokenizer ? ' tokenizers' : '') +
      (checkpoint ? ' safetensors' : ''),
    "# Put these files of the book's models/ folder in the current folder:",
    checkpoint
      ? `# ${model}/transformer_lens_config.json${tok}, ${model}/checkpoints/${checkpoint.file}`
      : `# ${model}/transformer_lens.pt, ${model}/transformer_lens_config.json${tok} (see the model's page).`,
    checkpoint &&
      "# (The model's page links the final weights only; every checkpoint is listed in models/manifest.json.)",
    'import json',
    '',
    'import torch',
    tokenizer && 'from tokenizers import Tokenizer',
    'from transformer_lens import HookedTransformer, HookedTransformerConfig',
    checkpoint && 'from safetensors.torch import load_file',
    '',
    'torch.set_grad_enabled(False)',
    'with open("transformer_lens_config.json") as f:',
    '    model = HookedTransformer(HookedTransformerConfig(**json.load(f)))',
    checkpoint
      ? `model.load_state_dict(load_file(${pyStr(checkpoint.file)}), strict=False)  # step ${checkpoint.step} of training`
      : 'model.load_state_dict(torch.load("transformer_lens.pt"), strict=False)  # TL builds its mask buffers itself',
    tokenizer && 'tokenizer = Tokenizer.from_file("tokenizer.json")',
  );
}

/** The prompt's tokens as the figure reads them: no BOS, cut to the context. */
function promptTokens(prompt: string): string {
  return lines(
    `prompt = ${pyStr(tokenizerText(prompt))}`,
    'tokens = torch.tensor([tokenizer.encode(prompt).ids[: model.cfg.n_ctx]])  # no BOS: the models never saw one',
  );
}

const MEAN_LOSS = lines(
  'def mean_loss(logits):  # next-token loss over the prompt, nats',
  '    return -logits[0, :-1].log_softmax(-1).gather(-1, tokens[0, 1:, None]).mean().item()',
);

function predictions(s: Extract<SnippetState, { kind: 'predictions' }>): string {
  return lines(
    promptTokens(s.prompt),
    'logits = model(tokens)  # [batch, pos, d_vocab]',
    MEAN_LOSS,
    `top = logits[0, ${s.pos}].softmax(-1).topk(${s.k})  # after token ${s.pos}`,
    'print({"ids": top.indices.tolist(), "probs": top.values.tolist(), "mean_loss": mean_loss(logits)})',
  );
}

function ablation(s: Extract<SnippetState, { kind: 'ablation' }>): string {
  const heads = s.off.map((h) => `(${h.replace('.', ', ')})`).join(', ');
  return lines(
    promptTokens(s.prompt),
    MEAN_LOSS,
    'clean = mean_loss(model(tokens))',
    'out = {"clean_loss": clean}',
    s.sweep &&
      lines(
        '# The sweep: each head alone switched off, the change in mean loss (heads 0.0, 0.1, ...).',
        'out["sweep"] = []',
        'for block in model.blocks:',
        '    for head in range(model.cfg.n_heads):',
        '        kept = block.attn.W_O[head].clone()',
        '        block.attn.W_O[head] = 0',
        '        out["sweep"].append(mean_loss(model(tokens)) - clean)',
        '        block.attn.W_O[head] = kept',
      ),
    `for layer, head in [${heads}]:`,
    '    # Zero-ablation: the head writes nothing (as zeroing its hook_z with run_with_hooks); b_O stays.',
    '    model.blocks[layer].attn.W_O[head] = 0',
    'logits = model(tokens)',
    `top = logits[0, ${s.pos}].softmax(-1).topk(${s.k})`,
    'out |= {"ablated_loss": mean_loss(logits), "ids": top.indices.tolist(), "probs": top.values.tolist()}',
    'print(out)',
  );
}

function positionalQk(s: Extract<SnippetState, { kind: 'positional-qk' }>): string {
  return lines(
    `attn, h = model.blocks[${s.layer}].attn, ${s.head}  # head ${s.layer}.${s.head}`,
    'W_pos = model.pos_embed.W_pos.double()',
    '# The positional QK circuit W_pos W_Q W_K^T W_pos^T [query_pos, key_pos]: scores from positions alone.',
    'scores = W_pos @ attn.W_Q[h].double() @ attn.W_K[h].double().T @ W_pos.T',
    'n = len(scores)',
    'scores = scores.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), -torch.inf)  # causal',
    'pattern = (scores / model.cfg.d_head**0.5).softmax(-1)',
    'best, q = scores.argmax(-1)[1:], torch.arange(1, n)  # the strongest allowed key of queries 1..n-1',
    'print({"previous_share": (best == q - 1).double().mean().item(),',
    '       "self_share": (best == q).double().mean().item(),',
    '       "previous_attention": pattern[q, q - 1].mean().item()})',
  );
}

function dla(s: Extract<SnippetState, { kind: 'dla' }>): string {
  const top = `logits[0, pos].argmax().item()`;
  const target =
    s.target === 'next'
      ? `tokens[0, pos + 1].item() if pos + 1 < tokens.shape[1] else ${top}  # the real next token`
      : s.target === 'custom' && s.token !== ''
        ? `tokenizer.encode(${pyStr(tokenizerText(s.token))}).ids[0]  # its first token`
        : `${top}  # the model's top prediction`;
  return lines(
    promptTokens(s.prompt),
    'logits, cache = model.run_with_cache(tokens)',
    `pos = ${s.pos}`,
    `target = ${target}`,
    'u = model.unembed.W_U[:, target]  # the direction of the target logit [d_model]',
    'parts = {"embed": cache["hook_embed"][0, pos] @ u, "pos_embed": cache["hook_pos_embed"][0, pos] @ u}',
    'for l in range(model.cfg.n_layers):',
    '    for h in range(model.cfg.n_heads):',
    '        parts[f"{l}.{h}"] = cache[f"blocks.{l}.attn.hook_result"][0, pos, h] @ u',
    '    parts[f"b_O {l}"] = model.blocks[l].attn.b_O @ u',
    '    if not model.cfg.attn_only:',
    '        parts[f"mlp {l}"] = cache[f"blocks.{l}.hook_mlp_out"][0, pos] @ u',
    'parts["b_U"] = model.unembed.b_U[target]',
    '# No LayerNorm: the parts sum to the logit.',
    'print({"target": target, "logit": logits[0, pos, target].item(), "parts": {k: v.item() for k, v in parts.items()}})',
  );
}

function streamTerms(s: Extract<SnippetState, { kind: 'stream-terms' }>): string {
  return lines(
    promptTokens(s.prompt),
    '_, cache = model.run_with_cache(tokens)',
    `pos = ${s.pos}`,
    'terms = {"embed": cache["hook_embed"][0, pos], "pos_embed": cache["hook_pos_embed"][0, pos]}',
    'for l in range(model.cfg.n_layers):',
    '    for h in range(model.cfg.n_heads):',
    '        terms[f"{l}.{h}"] = cache[f"blocks.{l}.attn.hook_result"][0, pos, h]',
    '    terms[f"b_O {l}"] = model.blocks[l].attn.b_O',
    '    if not model.cfg.attn_only:',
    '        terms[f"mlp {l}"] = cache[f"blocks.{l}.hook_mlp_out"][0, pos]',
    '# No LayerNorm: the terms add up to the final stream, blocks.{last}.hook_resid_post.',
    'final = sum(terms.values())',
    'stages = ["blocks.0.hook_resid_pre"] + [f"blocks.{l}.hook_resid_post" for l in range(model.cfg.n_layers)]',
    'print({"final_norm": final.norm().item(),',
    '       "stage_norms": [cache[name][0, pos].norm().item() for name in stages],',
    '       "norms": {k: v.norm().item() for k, v in terms.items()},',
    '       "along": {k: (v @ final / final.norm()).item() for k, v in terms.items()}})  # these sum to final_norm',
  );
}

function logitLens(s: Extract<SnippetState, { kind: 'logit-lens' }>): string {
  return lines(
    promptTokens(s.prompt),
    '_, cache = model.run_with_cache(tokens)',
    'stages = ["blocks.0.hook_resid_pre"] + [f"blocks.{l}.hook_resid_post" for l in range(model.cfg.n_layers)]',
    'out = {}',
    "for name in stages:  # with no final LayerNorm, the last stage is the model's own prediction",
    `    top = (cache[name][0, ${s.pos}] @ model.unembed.W_U + model.unembed.b_U).softmax(-1).topk(${s.k})`,
    '    out[name] = {"ids": top.indices.tolist(), "probs": top.values.tolist()}',
    'print(out)',
  );
}

function attention(s: Extract<SnippetState, { kind: 'attention' }>): string {
  return lines(
    promptTokens(s.prompt),
    '_, cache = model.run_with_cache(tokens)',
    `pattern = cache["blocks.${s.layer}.attn.hook_pattern"][0, ${s.head}]  # head ${s.layer}.${s.head}: [query_pos, key_pos]`,
    'print({"pattern": pattern.tolist()})',
  );
}

/** The book's seeded generator (src/model/random.ts, mulberry32) in Python: the same seed gives the same stream. */
const MULBERRY32 = lines(
  "def mulberry32(seed):  # the book's seeded generator (src/model/random.ts): same seed, same numbers",
  '    a = seed',
  '    while True:',
  '        a = (a + 0x6D2B79F5) & 0xFFFFFFFF',
  '        t = ((a ^ (a >> 15)) * (a | 1)) & 0xFFFFFFFF',
  '        t ^= (t + ((t ^ (t >> 7)) * (t | 61))) & 0xFFFFFFFF',
  '        yield (t ^ (t >> 14)) / 2**32',
  '',
);

function repeatScores(s: Extract<SnippetState, { kind: 'repeat-scores' }>): string {
  return lines(
    MULBERRY32,
    `period, seed = ${s.period}, ${s.seed}`,
    'rand = mulberry32(seed)',
    'block = [1 + int(next(rand) * (model.cfg.d_vocab - 1)) for _ in range(period)]',
    'tokens = torch.tensor([block * 2])  # a random block, then the same block again',
    'logits, cache = model.run_with_cache(tokens)',
    'loss = -logits[0, :-1].log_softmax(-1).gather(-1, tokens[0, 1:, None])[:, 0]',
    'out = {"induction": [], "prev_token": [], "duplicate": [], "first_copy_loss": loss[: period - 1].mean().item(),',
    '       "second_copy_loss": loss[period:].mean().item()}',
    'for l in range(model.cfg.n_layers):',
    '    pattern = cache[f"blocks.{l}.attn.hook_pattern"][0]  # [head_index, query_pos, key_pos]',
    '    # induction: from each token of the second copy to the token after its first occurrence',
    '    out["induction"].append(pattern.diagonal(-(period - 1), 1, 2)[:, 1:].mean(-1).tolist())',
    '    out["prev_token"].append(pattern.diagonal(-1, 1, 2).mean(-1).tolist())',
    '    out["duplicate"].append(pattern.diagonal(-period, 1, 2).mean(-1).tolist())  # to the earlier copy',
    'print(out)',
  );
}

function textScores(s: Extract<SnippetState, { kind: 'text-scores' }>): string {
  return lines(
    promptTokens(s.prompt),
    '_, cache = model.run_with_cache(tokens)',
    't = tokens[0]',
    'same = t[:, None] == t[None, :]  # [query_pos, key_pos]: the same token',
    'before = torch.ones(len(t), len(t), dtype=torch.bool).tril(-1)  # key before query',
    "duplicate = same & before  # an earlier copy of the query's token",
    "induction = torch.zeros_like(same)  # the key right after an earlier copy of the query's token",
    'induction[:, 1:] = same[:, :-1] & before[:, :-1]',
    'def score(pattern, targets):  # mean attention to the targets, over queries that have any',
    '    return (pattern * targets).sum(-1)[:, targets.any(-1)].mean(-1).nan_to_num().tolist()',
    'out = {"prev_token": [], "duplicate": [], "induction": []}',
    'for l in range(model.cfg.n_layers):',
    '    pattern = cache[f"blocks.{l}.attn.hook_pattern"][0]  # [head_index, query_pos, key_pos]',
    '    out["prev_token"].append(pattern.diagonal(-1, 1, 2).mean(-1).tolist())',
    '    out["duplicate"].append(score(pattern, duplicate))',
    '    out["induction"].append(score(pattern, induction))',
    'print(out)',
  );
}

function circuitRows(s: Extract<SnippetState, { kind: 'circuit-rows' }>): string {
  return lines(
    `token = tokenizer.encode(${pyStr(tokenizerText(s.token))}).ids[-1]  # its last token`,
    `attn, h = model.blocks[${s.layer}].attn, ${s.head}  # head ${s.layer}.${s.head}`,
    'W_E, W_U = model.embed.W_E.double(), model.unembed.W_U.double()',
    '# Row `token` of the QK circuit W_E W_Q W_K^T W_E^T: the score a query on it gives each key token.',
    'qk = (W_E[token] @ attn.W_Q[h].double()) @ (W_E @ attn.W_K[h].double()).T',
    '# Row `token` of the full OV circuit W_E W_V W_O W_U: how attending to it moves each logit.',
    'ov = W_E[token] @ attn.W_V[h].double() @ attn.W_O[h].double() @ W_U',
    `qk_top, ov_top = qk.topk(${s.k}), ov.topk(${s.k})`,
    '# Live check: "<the preferred key> <token>" through the model, the attention from token to key.',
    '_, cache = model.run_with_cache(torch.tensor([[qk_top.indices[0].item(), token]]))',
    `attention = cache["blocks.${s.layer}.attn.hook_pattern"][0, h, 1, 0].item()`,
    'print({"token": token, "attention": attention,',
    '       "qk": {"ids": qk_top.indices.tolist(), "scores": qk_top.values.tolist()},',
    '       "ov": {"ids": ov_top.indices.tolist(), "logits": ov_top.values.tolist()}})',
  );
}

function storage(s: Extract<SnippetState, { kind: 'storage' }>): string {
  return lines(
    promptTokens(s.prompt),
    `# The marked positions: tokens holding one of ${pyStr(s.marks)} (as the figure shows tokens).`,
    'marked = torch.zeros(tokens.shape[1], dtype=torch.bool)',
    `marked[[${s.marked.join(', ')}]] = True`,
    '# Queries: unmarked positions after the first marked one.',
    'queries = ~marked & (marked.cumsum(0) > 0)',
    'q = queries.nonzero()[:, 0]',
    '_, cache = model.run_with_cache(tokens)',
    'out = {"uniform": ((marked.cumsum(0)[q]) / (q + 1)).mean().item(), "attention": [], "moved": [], "top": []}',
    'for l, block in enumerate(model.blocks):',
    '    A = cache[f"blocks.{l}.attn.hook_pattern"][0][:, q]  # [head_index, query, key_pos]',
    '    v = cache[f"blocks.{l}.attn.hook_v"][0]  # [pos, head_index, d_head]',
    '    u = torch.einsum("phd,hdm->hpm", v, block.attn.W_O)  # what each position would write [head, pos, d_model]',
    '    weighted = A * u.norm(dim=-1)[:, None, :]',
    '    out["attention"] += A[:, :, marked].sum(-1).mean(-1).tolist()',
    '    out["moved"] += (weighted[:, :, marked].sum((1, 2)) / weighted.sum((1, 2))).tolist()',
    '    moved = torch.einsum("hqk,hkm->hm", A[:, :, marked], u[:, marked]) / len(q)  # [head, d_model]',
    '    out["top"] += (moved @ model.unembed.W_U).topk(4).indices.tolist()  # the logits it raises most',
    'print(out)  # heads in order 0.0, 0.1, ...',
  );
}

function grouping(s: Extract<SnippetState, { kind: 'grouping' }>): string {
  return lines(
    promptTokens(s.prompt),
    '_, cache = model.run_with_cache(tokens)',
    `attn, h = model.blocks[${s.layer}].attn, ${s.head}  # head ${s.layer}.${s.head}`,
    `X = cache["blocks.${s.layer}.hook_resid_pre"][0].double()  # [pos, d_model]`,
    'W_Q, W_K, b_Q, b_K = (p[h].double() for p in (attn.W_Q, attn.W_K, attn.b_Q, attn.b_K))',
    'scale = model.cfg.d_head**-0.5',
    'queries_first = (X @ W_Q + b_Q) @ (X @ W_K + b_K).T * scale  # [query_pos, key_pos]',
    '# The bilinear form first: X~ (W~_Q W~_K^T) X~^T, with X~ = [X, 1] and W~ = [W; b] carrying the biases.',
    'X1 = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], 1)',
    'W_QK = torch.cat([W_Q, b_Q[None]]) @ torch.cat([W_K, b_K[None]]).T  # [d_model + 1, d_model + 1]',
    'bilinear_first = X1 @ W_QK @ X1.T * scale',
    'causal = torch.ones(len(X), len(X), dtype=torch.bool).tril()',
    `model_scores = cache["blocks.${s.layer}.attn.hook_attn_scores"][0, h]`,
    'print({"scores": queries_first.tolist(),',
    '       "diff_groupings": (queries_first - bilinear_first)[causal].abs().max().item(),',
    '       "diff_model": (queries_first - model_scores)[causal].abs().max().item()})',
  );
}

function anatomy(s: Extract<SnippetState, { kind: 'anatomy' }>): string {
  return lines(
    promptTokens(s.prompt),
    'logits, cache = model.run_with_cache(tokens)',
    'shapes = {name: list(act.shape) for name, act in cache.items()}  # every hook: [batch, pos, ...]',
    'shapes["logits"] = list(logits.shape)',
    'print({"parameters": sum(p.numel() for p in model.parameters()), "shapes": shapes})',
  );
}

function coordinateStats(s: Extract<SnippetState, { kind: 'coordinate-stats' }>): string {
  return lines(
    promptTokens(s.prompt),
    '_, cache = model.run_with_cache(tokens)',
    `X = cache["${s.hook}"][0, ${s.skipFirst ? '1' : '0'}:].double()  # [samples (positions${s.skipFirst ? ' but the first' : ''}), n]`,
    'd = X - X.mean(0)',
    'kurtosis = (d**4).mean(0) / (d**2).mean(0) ** 2  # per coordinate: 3 for a Gaussian, more for heavy tails',
    'variances = torch.linalg.eigvalsh(torch.cov(X.T)).flip(0).clamp(min=0)  # PCA, descending',
    'print({"kurtosis": kurtosis.tolist(), "top": kurtosis.nan_to_num(-1).topk(5).indices.tolist(),',
    '       "pca_top10": (variances[:10].sum() / variances.sum()).item(),',
    '       "pca_dims": (variances.sum() ** 2 / (variances**2).sum()).item()})  # participation ratio',
  );
}

function subspaces(s: Extract<SnippetState, { kind: 'subspaces' }>): string {
  const [la, ha] = s.a.split('.');
  const [lb, hb] = s.b.split('.');
  return lines(
    promptTokens(s.prompt),
    'def writes(l, h):  # an orthonormal basis of what head l.h writes: the row space of W_O [d_model, d_head]',
    '    return torch.linalg.svd(model.blocks[l].attn.W_O[h].double().T, full_matrices=False)[0]',
    '',
    `Ua, Ub = writes(${la}, ${ha}), writes(${lb}, ${hb})  # heads ${s.a} and ${s.b}`,
    'cosines = torch.linalg.svdvals(Ua.T @ Ub).clamp(0, 1)  # of the principal angles, descending',
    '_, cache = model.run_with_cache(tokens)',
    `xa = cache["blocks.${la}.attn.hook_result"][0, :, ${ha}].double()  # [pos, d_model]`,
    `xb = cache["blocks.${lb}.attn.hook_result"][0, :, ${hb}].double()`,
    'print({"cosines": cosines.tolist(), "overlap": ((Ua.T @ Ub).norm() ** 2 / Ua.shape[1]).item(),',
    '       "output_cos": ((xa * xb).sum(-1) / (xa.norm(dim=-1) * xb.norm(dim=-1))).tolist()})',
  );
}

function copying(s: Extract<SnippetState, { kind: 'copying' }>): string {
  return lines(
    'W_E, W_U = model.embed.W_E.double(), model.unembed.W_U.double()',
    'out = {"copying": []}' + (s.accuracy ? '\nout["accuracy"] = []' : ''),
    'for l in range(model.cfg.n_layers):',
    '    for h in range(model.cfg.n_heads):',
    '        W_V, W_O = model.blocks[l].attn.W_V[h].double(), model.blocks[l].attn.W_O[h].double()',
    '        # The full OV circuit W_E W_V W_O W_U [d_vocab, d_vocab] has the nonzero eigenvalues of the',
    '        # [d_head, d_head] W_O W_U W_E W_V (TransformerLens: (W_E @ model.OV[l, h] @ W_U).eigenvalues).',
    '        eig = torch.linalg.eigvals(W_O @ W_U @ W_E @ W_V)',
    '        out["copying"].append((eig.real.sum() / eig.abs().sum()).item())',
    s.accuracy &&
      '        full_ov = (W_E @ W_V) @ (W_O @ W_U)  # row s: what attending to token s does to each logit',
    s.accuracy &&
      '        out["accuracy"].append((full_ov.argmax(-1) == torch.arange(len(full_ov))).double().mean().item())',
    'print(out)  # heads in order 0.0, 0.1, ...',
  );
}

function pathExpansion(s: Extract<SnippetState, { kind: 'path-expansion' }>): string {
  const target =
    s.next === ''
      ? `logits[0, pos].argmax().item()  # the model's top prediction`
      : `tokenizer.encode(${pyStr(tokenizerText(s.next))}).ids[0]  # its first token`;
  return lines(
    promptTokens(s.prompt),
    'logits, cache = model.run_with_cache(tokens)',
    `pos = ${s.pos}`,
    `target = ${target}`,
    'attn = [block.attn for block in model.blocks]',
    'def through(l, h, x, b_V):  # one head reading x: A (x W_V + b_V) W_O, [pos, d_model]',
    '    v = x @ attn[l].W_V[h] + (attn[l].b_V[h] if b_V else 0)',
    '    return cache[f"blocks.{l}.attn.hook_pattern"][0, h] @ v @ attn[l].W_O[h]',
    '',
    'H = range(model.cfg.n_heads)',
    'x0 = cache["hook_embed"][0] + cache["hook_pos_embed"][0]  # [pos, d_model]',
    'terms = {"direct": x0} | {f"0.{h}": through(0, h, x0, True) for h in H}',
    'bias = attn[0].b_O',
    'if model.cfg.n_layers == 2:  # layer-1 heads on the embeddings, then the virtual heads 0.h -> 1.h2',
    '    terms |= {f"1.{h2}": through(1, h2, x0, False) for h2 in H}',
    '    terms |= {f"0.{h} → 1.{h2}": through(1, h2, terms[f"0.{h}"], False) for h in H for h2 in H}',
    '    # Rows of A sum to 1: b_O of layer 0 reaches the output as b_O W_V W_O of each layer-1 head.',
    '    bias = bias + attn[1].b_O + sum((attn[0].b_O @ attn[1].W_V[h2] + attn[1].b_V[h2]) @ attn[1].W_O[h2] for h2 in H)',
    'u = model.unembed.W_U[:, target]',
    'parts = {name: (x[pos] @ u).item() for name, x in terms.items()}',
    'parts |= {"bias": (bias @ u).item(), "b_U": model.unembed.b_U[target].item()}',
    'print({"target": target, "logit": logits[0, pos, target].item(), "parts": parts})  # the parts sum to the logit',
  );
}

function kCircuit(s: Extract<SnippetState, { kind: 'k-circuit' }>): string {
  return lines(
    `prev, ind = ${s.prev}, ${s.ind}  # the previous-token head 0.${s.prev}; the induction head 1.${s.ind}`,
    `shown = list(dict.fromkeys(tokenizer.encode(${pyStr(tokenizerText(s.tokens))}).ids))[:24]`,
    'W_E, a0, a1 = model.embed.W_E.double(), model.blocks[0].attn, model.blocks[1].attn',
    'same = torch.arange(model.cfg.d_vocab)',
    'out = {"eigen": [], "rows": [], "columns": []}',
    'for h in range(model.cfg.n_heads):',
    '    # [d_vocab (query token a), d_vocab (token b before the key)], kept factored: query @ key.T',
    '    query = W_E @ a1.W_Q[h].double()',
    '    key = W_E @ a0.W_V[prev].double() @ a0.W_O[prev].double() @ a1.W_K[h].double()',
    '    eig = torch.linalg.eigvals(key.T @ query)  # the nonzero eigenvalues of query @ key.T',
    '    out["eigen"].append((eig.real.sum() / eig.abs().sum()).item())',
    '    M = query @ key.T',
    '    out["rows"].append((M.argmax(1) == same).double().mean().item())',
    '    out["columns"].append((M.argmax(0) == same).double().mean().item())',
    '    if h == ind:',
    '        out["sample"] = M[shown][:, shown].tolist()',
    'print(out)',
  );
}

function readWrite(s: Extract<SnippetState, { kind: 'read-write' }>): string {
  return lines(
    promptTokens(s.prompt),
    '_, cache = model.run_with_cache(tokens)',
    `attn, h = model.blocks[${s.layer}].attn, ${s.head}  # head ${s.layer}.${s.head}`,
    `x = cache["blocks.${s.layer}.hook_resid_pre"][0].double()  # the stream the head reads [pos, d_model]`,
    'out = {"singular": {}, "fractions": {}}',
    '# Reads: the column spaces of W_Q, W_K, W_V [d_model, d_head]; writes: the row space of W_O.',
    'for name, W in [("Q", attn.W_Q[h]), ("K", attn.W_K[h]), ("V", attn.W_V[h]), ("O", attn.W_O[h].T)]:',
    '    U, S, _ = torch.linalg.svd(W.double(), full_matrices=False)  # U: an orthonormal basis [d_model, d_head]',
    '    out["singular"][name] = S.tolist()',
    '    if name != "O":  # the share of each position\'s |x|^2 inside the subspace',
    '        out["fractions"][name] = ((x @ U).norm(dim=-1) ** 2 / x.norm(dim=-1) ** 2).tolist()',
    'print(out)',
  );
}

function residualEnergy(s: Extract<SnippetState, { kind: 'residual-energy' }>): string {
  return lines(
    'def energy(M):  # share of the squared norm of M [rows, d_model] on each residual coordinate',
    '    e = M.double().pow(2).sum(0)',
    '    return e / e.sum()',
    '',
    'writers = {"W_E": model.embed.W_E, "W_pos": model.pos_embed.W_pos}',
    'for l, block in enumerate(model.blocks):',
    '    for h in range(model.cfg.n_heads):',
    '        writers[f"W_O {l}.{h}"] = block.attn.W_O[h]  # [d_head, d_model]',
    `start, end = ${s.from}, ${s.to}  # the block of coordinates, both ends included`,
    'print({name: energy(M)[start : end + 1].sum().item() for name, M in writers.items()})',
  );
}

function rotation(s: Extract<SnippetState, { kind: 'rotation' }>): string {
  const residual = s.space === 'residual';
  const n = residual ? 'model.cfg.d_model' : 'model.cfg.d_mlp';
  const matrix =
    s.mode === 'plane'
      ? lines(
          `i, j, angle = ${s.i}, ${s.j}, ${s.deg} * math.pi / 180  # x -> x R turns axis i towards axis j`,
          `R = torch.eye(${n})`,
          'R[i, i] = R[j, j] = math.cos(angle)',
          'R[i, j], R[j, i] = math.sin(angle), -math.sin(angle)',
        )
      : lines(
          MULBERRY32,
          `rand, perm = mulberry32(${s.seed}), list(range(${n}))`,
          'for k in range(len(perm) - 1, 0, -1):  # Fisher-Yates, as src/model/basis.ts',
          '    r = int(next(rand) * (k + 1))',
          '    perm[k], perm[r] = perm[r], perm[k]',
          `R = torch.zeros(${n}, ${n})`,
          'R[range(len(perm)), perm] = 1  # (x R)[perm[k]] = x[k]',
        );
  const last = 'blocks.{model.cfg.n_layers - 1}.hook_resid_post';
  return lines(
    'import math',
    '',
    promptTokens(s.prompt),
    MEAN_LOSS,
    matrix,
    'logits, cache = model.run_with_cache(tokens)',
    residual
      ? lines(
          'for name, p in model.named_parameters():  # writers of the stream times R, readers R^T times',
          '    if name.endswith(("W_E", "W_pos", "W_O", "b_O", "W_out", "b_out")):',
          '        p.copy_(p @ R)',
          '    elif name.endswith(("W_Q", "W_K", "W_V", "W_in", "W_U")):',
          '        p.copy_(R.T @ p)',
        )
      : lines(
          'mlp = model.blocks[0].mlp  # GELU acts on each neuron alone',
          'mlp.W_in.copy_(mlp.W_in @ R)',
          'mlp.b_in.copy_(mlp.b_in @ R)',
          'mlp.W_out.copy_(R.T @ mlp.W_out)',
        ),
    'rotated, cache_r = model.run_with_cache(tokens)',
    'out = {"loss": [mean_loss(logits), mean_loss(rotated)], "max_diff": (rotated - logits).abs().max().item()}',
    residual &&
      `out["stream"] = cache[f"${last}"][0, ${s.pos}].tolist()  # the final stream at position ${s.pos}`,
    residual && `out["rotated_stream"] = cache_r[f"${last}"][0, ${s.pos}].tolist()  # = stream @ R`,
    'print(out)',
  );
}

function composition(s: Extract<SnippetState, { kind: 'composition' }>): string {
  const later = { Q: 'W_QK(last, j)', K: 'W_QK(last, j).T', V: 'W_OV(last, j)' }[s.composition];
  return lines(
    'def W_OV(l, h):  # [d_model, d_model]',
    '    return (model.blocks[l].attn.W_V[h] @ model.blocks[l].attn.W_O[h]).double()',
    'def W_QK(l, h):',
    '    return (model.blocks[l].attn.W_Q[h] @ model.blocks[l].attn.W_K[h].T).double()',
    "def score(A, B):  # composition score (Elhage et al.; TL's all_composition_scores)",
    '    return ((A @ B).norm() / (A.norm() * B.norm())).item()',
    '',
    'last = model.cfg.n_layers - 1',
    `# ${s.composition}-composition of head 0.i into head last.j`,
    `scores = [[score(W_OV(0, i), ${later}) for j in range(model.cfg.n_heads)] for i in range(model.cfg.n_heads)]`,
    'print({"scores": scores})  # [earlier head, later head]',
  );
}

/** One generator per kind of snippet. */
const GENERATORS: { [K in SnippetKind]: (s: Extract<SnippetState, { kind: K }>) => string } = {
  predictions,
  ablation,
  'positional-qk': positionalQk,
  dla,
  'stream-terms': streamTerms,
  'logit-lens': logitLens,
  attention,
  'repeat-scores': repeatScores,
  'text-scores': textScores,
  'circuit-rows': circuitRows,
  storage,
  grouping,
  anatomy,
  'coordinate-stats': coordinateStats,
  subspaces,
  copying,
  'path-expansion': pathExpansion,
  'k-circuit': kCircuit,
  'read-write': readWrite,
  'residual-energy': residualEnergy,
  rotation,
  composition,
  tokens,
};

/** The kinds that never turn text into tokens: their snippets load no tokenizer. */
const WEIGHTS_AND_IDS_ONLY = new Set<SnippetKind>([
  'positional-qk',
  'repeat-scores',
  'copying',
  'composition',
  'residual-energy',
]);

/** Every kind of snippet (each has a case in tests/fixtures/python-snippets.json). */
export const SNIPPET_KINDS = Object.keys(GENERATORS) as SnippetKind[];

/** The whole script for a figure's state: the preamble, then the kind's computation ending in one `print` of a dict. */
export function pythonSnippet(s: SnippetState): string {
  const body = GENERATORS[s.kind] as (s: SnippetState) => string;
  if (s.kind === 'tokens') return `${TOKENIZER_ONLY}\n\n${body(s)}\n`;
  const checkpoint = s.kind === 'repeat-scores' ? s.checkpoint : undefined;
  return `${preamble(s.model, !WEIGHTS_AND_IDS_ONLY.has(s.kind), checkpoint)}\n\n${body(s)}\n`;
}
