/**
 * "Reproduce in Python", the TypeScript half: for each kind of snippet and a
 * fixed state, the code the figure offers and the numbers the runtime
 * computes for that state on the real model (onnxruntime-node, the browser's
 * runtime code), kept in tests/fixtures/python-snippets.json. The Python half
 * (training/tests/test_python_snippets.py) runs each code on the
 * TransformerLens download and compares what it prints with these numbers,
 * and reads back every string literal `pyStr` wrote.
 *
 * The fixture must match what this test regenerates; after a deliberate change:
 *   UPDATE_SNIPPETS=1 npx vitest run tests/unit/python-snippets.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pyStr } from '../../src/lib/python-quote';
import { pythonSnippet, SNIPPET_KINDS, type SnippetState } from '../../src/lib/python-snippet';
import { parameterCount } from '../../src/model/anatomy';
import {
  kCompositionCircuit,
  compositionScores,
  copyingAccuracy,
  copyingScoreOf,
  fullOvCircuit,
  fullQkCircuit,
  topKInRow,
} from '../../src/model/circuits';
import { parseConfig } from '../../src/model/config';
import {
  layerInput,
  maxCausalDiff,
  modelScores,
  scoresBilinearFirst,
  scoresQueriesFirst,
} from '../../src/model/grouping';
import { coordinateKurtosis, participationRatio, pca } from '../../src/model/coordinate-stats';
import { headMaskWithout } from '../../src/model/head-mask';
import { eachHeadAblatedMask } from '../../src/model/interventions';
import type { HookedModel } from '../../src/model/hooked-model';
import {
  duplicateScoresOn,
  prefixMatchingScores,
  storageStats,
} from '../../src/model/attention-stats';
import { topK } from '../../src/model/top-k';
import {
  directLogitAttribution,
  logitLens,
  perPositionLoss,
  prevTokenScores,
  unembed,
} from '../../src/model/metrics';
import { pathExpansion, termLogitsAt } from '../../src/model/path-expansion';
import { positionalQk } from '../../src/model/positional-qk';
import { logitsAt, topPredictions } from '../../src/model/predictions';
import { mulberry32 } from '../../src/model/random';
import { runRepeat } from '../../src/model/repeats';
import {
  norm,
  projectTerms,
  residualTerms,
  streamStages,
  sumOfTerms,
} from '../../src/model/residual-terms';
import { energyIn, writerEnergies } from '../../src/model/residual-energy';
import { maxAbsDiff, planeRotation, randomPermutation } from '../../src/model/basis';
import { rotateMlpNeurons, rotateResidualStream } from '../../src/model/rotation';
import { parseSafetensors } from '../../src/model/safetensors';
import { diagonalArgmax, submatrix } from '../../src/model/token-diagonal';
import {
  principalCosines,
  projectionFraction,
  readSubspace,
  subspaceOverlap,
  writeSubspace,
} from '../../src/model/subspaces';
import { tokenizerFromJson } from '../../src/model/tokenizer';
import { ModelWeights } from '../../src/model/weights';
import { loadNodeModel } from './node-model';
import { findModelDir, findModelsDir, fixturesDir } from './paths';

const FIXTURE = `${fixturesDir}/python-snippets.json`;

const tokenizer = tokenizerFromJson(
  JSON.parse(readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8')),
);

/** Reader text that has broken string quoting somewhere: quotes, backslashes, controls, bidi, emoji, RTL. */
const NASTY = [
  '',
  '"',
  "'",
  '"""',
  "'''",
  '\\',
  'C:\\new\\table\\x41\\u0041\\N{DASH}',
  'line one\nline two\r\nthree\ttabbed',
  'nul \0 bell \u0007 escape \u001b del \u007f c1 \u0085',
  'bidi \u202eevil\u202c and \u2066isolate\u2069, zero width \u200b\u200d\ufeff',
  'emoji 🙂 👩‍👩‍👧 flag 🇫🇷 skin 👍🏽 variation ☺️',
  'RTL שלום עולם and مرحبا بالعالم',
  'combining e\u0301 and a\u0308, ligature ﬁ, Å vs A\u030a',
  'lone high \ud800 and lone low \udc00 and reversed \udc00\ud800',
  'separators \u2028 \u2029 nbsp\u00a0 ideographic\u3000space',
  'private use \ue000 and astral \u{1f600}\u{10ffff}',
  '{braces} %s %(x)s f"{x}" \\"\'',
];

/** Seeded random strings over pools of code units that quoting gets wrong: the property test's inputs. */
function randomStrings(n: number, seed: number): string[] {
  const rand = mulberry32(seed);
  const pools = [
    [0x00, 0x20],
    [0x20, 0x7f],
    [0x7f, 0xa0],
    [0xa0, 0x300],
    [0x300, 0x370],
    [0x590, 0x700],
    [0x2000, 0x2070],
    [0xd800, 0xe000],
    [0xe000, 0xe010],
    [0xfe00, 0xff00],
  ];
  const pick = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
  return Array.from({ length: n }, () => {
    let s = '';
    const len = pick(1, 24);
    for (let i = 0; i < len; i++) {
      if (rand() < 0.1) s += String.fromCodePoint(pick(0x1f300, 0x1f650));
      else s += String.fromCharCode(pick(...(pools[pick(0, pools.length)] as [number, number])));
    }
    return s;
  });
}

const PROMPT = 'In the beginning God created the heaven and the earth. And the earth was';
const REPEAT =
  'The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy';
const QUOTED = 'She said "don\'t" \\ C:\\path\n\tthen 🙂 café שלום \u202eevil\u0000 end. She said';
const SURROGATE = 'a lone \ud800 surrogate, then the text goes on and on';

/** The fixed states: every kind, every model, the nasty prompts; `pos: -1` is resolved to the last token. */
const STATES: SnippetState[] = [
  { kind: 'predictions', model: 'attn-only-2l', prompt: PROMPT, pos: -1, k: 5 },
  { kind: 'predictions', model: 'attn-only-1l', prompt: QUOTED, pos: 4, k: 5 },
  { kind: 'predictions', model: 'gelu-1l', prompt: SURROGATE, pos: -1, k: 5 },
  {
    kind: 'ablation',
    model: 'attn-only-2l',
    prompt: REPEAT,
    pos: -1,
    k: 5,
    off: ['1.4', '0.7'],
    sweep: true,
  },
  { kind: 'ablation', model: 'gelu-1l', prompt: QUOTED, pos: 3, k: 5, off: [], sweep: false },
  { kind: 'positional-qk', model: 'attn-only-2l', layer: 0, head: 3 },
  { kind: 'dla', model: 'attn-only-2l', prompt: PROMPT, pos: -1, target: 'top', token: ' mat' },
  { kind: 'dla', model: 'attn-only-1l', prompt: PROMPT, pos: 5, target: 'next', token: '' },
  { kind: 'dla', model: 'gelu-1l', prompt: QUOTED, pos: -1, target: 'custom', token: '"\\\n' },
  { kind: 'stream-terms', model: 'attn-only-2l', prompt: PROMPT, pos: -1 },
  { kind: 'stream-terms', model: 'gelu-1l', prompt: QUOTED, pos: 6 },
  { kind: 'logit-lens', model: 'attn-only-2l', prompt: REPEAT, pos: -1, k: 5 },
  { kind: 'logit-lens', model: 'gelu-1l', prompt: QUOTED, pos: 2, k: 3 },
  { kind: 'attention', model: 'attn-only-2l', prompt: QUOTED, layer: 1, head: 4 },
  { kind: 'repeat-scores', model: 'attn-only-2l', period: 40, seed: 1 },
  { kind: 'repeat-scores', model: 'attn-only-1l', period: 20, seed: 4294967295 },
  {
    kind: 'repeat-scores',
    model: 'attn-only-2l',
    period: 40,
    seed: 3,
    checkpoint: { step: 1600, file: 'step-001600.safetensors' },
  },
  { kind: 'text-scores', model: 'attn-only-2l', prompt: REPEAT },
  { kind: 'text-scores', model: 'attn-only-1l', prompt: 'no token here comes twice' },
  { kind: 'circuit-rows', model: 'attn-only-1l', layer: 0, head: 2, token: ' the', k: 8 },
  { kind: 'circuit-rows', model: 'attn-only-2l', layer: 1, head: 5, token: 'x "\\" king', k: 8 },
  {
    kind: 'storage',
    model: 'attn-only-2l',
    prompt:
      'The old man walked to the river. He sat down by the water, and he watched the boats. When the sun set, he went home.',
    marks: '.,;:!?',
    marked: [],
  },
  { kind: 'storage', model: 'attn-only-1l', prompt: QUOTED, marks: '"\\ .\n', marked: [] },
  { kind: 'grouping', model: 'attn-only-2l', prompt: QUOTED, layer: 1, head: 2 },
  { kind: 'anatomy', model: 'gelu-1l', prompt: PROMPT },
  { kind: 'anatomy', model: 'attn-only-2l', prompt: QUOTED },
  {
    kind: 'coordinate-stats',
    model: 'attn-only-2l',
    prompt: `${PROMPT} ${REPEAT} ${PROMPT}`,
    hook: 'blocks.1.hook_resid_post',
    skipFirst: true,
  },
  {
    kind: 'coordinate-stats',
    model: 'gelu-1l',
    prompt: `${QUOTED} ${PROMPT}`,
    hook: 'blocks.0.mlp.hook_post',
    skipFirst: false,
  },
  { kind: 'subspaces', model: 'attn-only-2l', prompt: PROMPT, a: '0.3', b: '1.6' },
  { kind: 'subspaces', model: 'attn-only-2l', prompt: QUOTED, a: '1.2', b: '1.2' },
  { kind: 'copying', model: 'attn-only-1l', accuracy: true },
  { kind: 'copying', model: 'attn-only-2l', accuracy: false },
  { kind: 'path-expansion', model: 'attn-only-1l', prompt: PROMPT, pos: 7, next: '' },
  {
    kind: 'path-expansion',
    model: 'attn-only-2l',
    prompt:
      'A list of words: king fire, light day, house man. The same list: king fire, light day, house',
    pos: -1,
    next: ' man',
  },
  {
    kind: 'k-circuit',
    model: 'attn-only-2l',
    prev: 3,
    ind: 6,
    tokens: ' king fire light day king "quoted" \\ 🙂',
  },
  { kind: 'read-write', model: 'attn-only-2l', prompt: QUOTED, layer: 1, head: 6 },
  { kind: 'residual-energy', model: 'attn-only-2l', from: 96, to: 127 },
  { kind: 'residual-energy', model: 'gelu-1l', from: 0, to: 9 },
  {
    kind: 'rotation',
    model: 'attn-only-2l',
    prompt: PROMPT,
    pos: 3,
    space: 'residual',
    mode: 'plane',
    i: 0,
    j: 100,
    deg: 90,
    seed: 1,
  },
  {
    kind: 'rotation',
    model: 'gelu-1l',
    prompt: QUOTED,
    pos: -1,
    space: 'residual',
    mode: 'plane',
    i: 5,
    j: 6,
    deg: -30,
    seed: 1,
  },
  {
    kind: 'rotation',
    model: 'gelu-1l',
    prompt: PROMPT,
    pos: -1,
    space: 'neurons',
    mode: 'plane',
    i: 0,
    j: 1,
    deg: 45,
    seed: 1,
  },
  {
    kind: 'rotation',
    model: 'gelu-1l',
    prompt: PROMPT,
    pos: -1,
    space: 'neurons',
    mode: 'permute',
    i: 0,
    j: 1,
    deg: 45,
    seed: 7,
  },
  { kind: 'tokens', text: QUOTED },
  { kind: 'tokens', text: SURROGATE },
  { kind: 'composition', model: 'attn-only-2l', composition: 'K' },
  { kind: 'composition', model: 'attn-only-2l', composition: 'Q' },
  { kind: 'composition', model: 'attn-only-2l', composition: 'V' },
];

const idsOf = (prompt: string, model: HookedModel) =>
  tokenizer.encode(prompt).slice(0, model.config.n_ctx);

function resolved(s: SnippetState, n: number): SnippetState {
  return 'pos' in s && s.pos < 0 ? { ...s, pos: n - 1 } : s;
}

const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

/** What the figures compute for a state, with the runtime, as the dict the snippet prints. */
async function expected(s: SnippetState): Promise<{ state: SnippetState; numbers: unknown }> {
  if (s.kind === 'tokens') {
    const ids = tokenizer.encode(s.text);
    return { state: s, numbers: { ids, n_tokens: ids.length } };
  }
  const model = await loadNodeModel(s.model);
  const { n_layers, n_heads } = model.config;
  const top = (row: ArrayLike<number>, k: number) => {
    const t = topPredictions(row, k);
    return { ids: t.map((p) => p.id), probs: t.map((p) => p.prob) };
  };
  switch (s.kind) {
    case 'predictions': {
      const ids = idsOf(s.prompt, model);
      const st = resolved(s, ids.length) as typeof s;
      const r = await model.run([ids]);
      const t = top(logitsAt(r.logits!, st.pos), s.k);
      return { state: st, numbers: { ...t, mean_loss: mean(perPositionLoss(r.logits!, ids)) } };
    }
    case 'ablation': {
      const ids = idsOf(s.prompt, model);
      const st = resolved(s, ids.length) as typeof s;
      // As the figure: one batch, row 0 clean, row 1 the reader's ablation, then one row per head.
      const per = n_layers * n_heads;
      const rows = 2 + (s.sweep ? per : 0);
      const mask = new Float32Array(rows * per).fill(1);
      const off = s.off.map((h) => ({ layer: +h.split('.')[0], head: +h.split('.')[1] }));
      mask.set(headMaskWithout(model.config, off), per);
      if (s.sweep) mask.set(eachHeadAblatedMask(n_layers, n_heads).subarray(per), 2 * per);
      const r = await model.run(
        Array.from({ length: rows }, () => ids),
        { headMask: mask },
      );
      const clean = mean(perPositionLoss(r.logits!, ids, 0));
      const numbers: Record<string, unknown> = {
        clean_loss: clean,
        ablated_loss: mean(perPositionLoss(r.logits!, ids, 1)),
        ...top(logitsAt(r.logits!, st.pos, 1), s.k),
      };
      if (s.sweep)
        numbers.sweep = Array.from(
          { length: per },
          (_, i) => mean(perPositionLoss(r.logits!, ids, 2 + i)) - clean,
        );
      return { state: st, numbers };
    }
    case 'positional-qk': {
      const p = positionalQk(model.weights, s.layer, s.head);
      return {
        state: s,
        numbers: {
          previous_share: p.previousShare,
          self_share: p.selfShare,
          previous_attention: p.previousAttention,
        },
      };
    }
    case 'dla': {
      const ids = idsOf(s.prompt, model);
      const st = resolved(s, ids.length) as typeof s;
      const hooks = ['hook_embed', 'hook_pos_embed'];
      for (let l = 0; l < n_layers; l++) {
        hooks.push(`blocks.${l}.attn.hook_result`);
        if (!model.config.attn_only) hooks.push(`blocks.${l}.hook_mlp_out`);
      }
      const r = await model.run([ids], { hooks });
      const row = logitsAt(r.logits!, st.pos);
      const custom = tokenizer.encode(s.token);
      let target = topPredictions(row, 1)[0].id;
      if (s.target === 'next' && st.pos + 1 < ids.length) target = ids[st.pos + 1];
      if (s.target === 'custom' && custom.length > 0) target = custom[0];
      const parts = directLogitAttribution(model.weights, r.hooks, st.pos, target);
      return {
        state: st,
        numbers: {
          target,
          logit: row[target],
          parts: Object.fromEntries(parts.map((p) => [p.component, p.value])),
        },
      };
    }
    case 'stream-terms': {
      const ids = idsOf(s.prompt, model);
      const st = resolved(s, ids.length) as typeof s;
      const hooks = ['hook_embed', 'hook_pos_embed', 'blocks.0.hook_resid_pre'];
      for (let l = 0; l < n_layers; l++) {
        hooks.push(`blocks.${l}.attn.hook_result`, `blocks.${l}.hook_resid_post`);
        if (!model.config.attn_only) hooks.push(`blocks.${l}.hook_mlp_out`);
      }
      const r = await model.run([ids], { hooks, logits: false });
      const terms = residualTerms(model.weights, r.hooks, st.pos);
      const stages = streamStages(model.weights, r.hooks, terms, st.pos);
      const final = sumOfTerms(terms, model.config.d_model);
      const along = projectTerms(terms, final);
      return {
        state: st,
        numbers: {
          final_norm: norm(final),
          stage_norms: stages.map((x) => x.norm),
          norms: Object.fromEntries(terms.map((t) => [t.component, t.norm])),
          along: Object.fromEntries(terms.map((t, i) => [t.component, along[i]])),
        },
      };
    }
    case 'logit-lens': {
      const ids = idsOf(s.prompt, model);
      const st = resolved(s, ids.length) as typeof s;
      const names = [
        'blocks.0.hook_resid_pre',
        ...Array.from({ length: n_layers }, (_, l) => `blocks.${l}.hook_resid_post`),
      ];
      const r = await model.run([ids], { hooks: names, logits: false });
      const lens = logitLens(model.weights, r.hooks, st.pos);
      return {
        state: st,
        numbers: Object.fromEntries(names.map((n, i) => [n, top(lens[i], s.k)])),
      };
    }
    case 'attention': {
      const ids = idsOf(s.prompt, model);
      const name = `blocks.${s.layer}.attn.hook_pattern`;
      const r = await model.run([ids], { hooks: [name], logits: false });
      const p = r.hooks[name]; // [batch, head_index, query_pos, key_pos]
      const n = p.shape[2];
      const pattern = Array.from({ length: n }, (_, q) =>
        Array.from(p.data.subarray((s.head * n + q) * n, (s.head * n + q + 1) * n)),
      );
      return { state: s, numbers: { pattern } };
    }
    case 'repeat-scores': {
      let weights: ModelWeights | undefined;
      if (s.checkpoint) {
        const dir = findModelDir(s.model);
        const config = parseConfig(JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')));
        const bytes = readFileSync(`${dir}/checkpoints/${s.checkpoint.file}`);
        const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        weights = new ModelWeights(config, parseSafetensors(buf as ArrayBuffer));
      }
      const r = (await runRepeat(model, s.period, s.seed, { weights }))!;
      const m = r.rows[0];
      return {
        state: s,
        numbers: {
          induction: m.induction.map((x) => Array.from(x)),
          prev_token: m.prevToken.map((x) => Array.from(x)),
          duplicate: m.duplicate.map((x) => Array.from(x)),
          first_copy_loss: m.firstCopyLoss,
          second_copy_loss: m.secondCopyLoss,
        },
      };
    }
    case 'text-scores': {
      const ids = idsOf(s.prompt, model);
      const names = Array.from({ length: n_layers }, (_, l) => `blocks.${l}.attn.hook_pattern`);
      const r = await model.run([ids], { hooks: names, logits: false });
      const pats = names.map((n) => r.hooks[n]);
      return {
        state: s,
        numbers: {
          prev_token: pats.map((p) => Array.from(prevTokenScores(p))),
          duplicate: pats.map((p) => Array.from(duplicateScoresOn(p, ids).scores)),
          induction: pats.map((p) => Array.from(prefixMatchingScores(p, ids).scores)),
        },
      };
    }
    case 'circuit-rows': {
      const ids = tokenizer.encode(s.token);
      const token = ids[ids.length - 1];
      const qk = topKInRow(fullQkCircuit(model.weights, s.layer, s.head), token, s.k);
      const ov = topKInRow(fullOvCircuit(model.weights, s.layer, s.head), token, s.k);
      const name = `blocks.${s.layer}.attn.hook_pattern`;
      const r = await model.run([[qk[0].index, token]], { hooks: [name], logits: false });
      return {
        state: s,
        numbers: {
          token,
          attention: r.hooks[name].data[(s.head * 2 + 1) * 2 + 0],
          qk: { ids: qk.map((x) => x.index), scores: qk.map((x) => x.value) },
          ov: { ids: ov.map((x) => x.index), logits: ov.map((x) => x.value) },
        },
      };
    }
    case 'storage': {
      const ids = idsOf(s.prompt, model);
      const strings = tokenizer.tokenStrings(ids);
      const marks = [...s.marks].filter((c) => c.trim() !== '');
      const isTarget = strings.map((t) => marks.some((mk) => t.includes(mk)));
      const marked = ids.map((_, i) => i).filter((i) => isTarget[i]);
      const hooks = Array.from({ length: n_layers }, (_, l) => [
        `blocks.${l}.attn.hook_pattern`,
        `blocks.${l}.attn.hook_v`,
      ]).flat();
      const r = await model.run([ids], { hooks, logits: false });
      const numbers = {
        uniform: 0,
        attention: [] as number[],
        moved: [] as number[],
        top: [] as number[][],
      };
      for (let l = 0; l < n_layers; l++) {
        const st = storageStats(
          model.weights,
          l,
          r.hooks[`blocks.${l}.attn.hook_pattern`],
          r.hooks[`blocks.${l}.attn.hook_v`],
          isTarget,
        );
        numbers.uniform = st.uniform;
        st.attention.forEach((a, h) => {
          const logits = unembed(model.weights, st.movedVector[h]);
          const lift = logits.map((x, i) => x - model.weights.b_U[i]);
          numbers.attention.push(a);
          numbers.moved.push(st.moved[h]);
          numbers.top.push(topK(lift, 4).map((t) => t.index));
        });
      }
      return { state: { ...s, marked }, numbers };
    }
    case 'grouping': {
      const ids = idsOf(s.prompt, model);
      const l = s.layer;
      const r = await model.run([ids], {
        hooks: [`blocks.${l}.hook_resid_pre`, `blocks.${l}.attn.hook_attn_scores`],
        logits: false,
      });
      const X = layerInput(r.hooks, l);
      const a = scoresQueriesFirst(model.weights, X, l, s.head);
      const b = scoresBilinearFirst(model.weights, X, l, s.head);
      const n = ids.length;
      return {
        state: s,
        numbers: {
          scores: Array.from({ length: n }, (_, q) =>
            Array.from(a.scores.subarray(q * n, (q + 1) * n)),
          ),
          diff_groupings: maxCausalDiff(a.scores, b.scores, n),
          diff_model: maxCausalDiff(a.scores, modelScores(r.hooks, l, s.head), n),
        },
      };
    }
    case 'anatomy': {
      const ids = idsOf(s.prompt, model);
      const hooks = model.config.hook_names.filter((n) => n !== 'logits');
      const r = await model.run([ids], { hooks });
      const shapes: Record<string, number[]> = { logits: [...r.logits!.shape] };
      for (const [k, v] of Object.entries(r.hooks)) shapes[k] = [...v.shape];
      return { state: s, numbers: { parameters: parameterCount(model.weights), shapes } };
    }
    case 'coordinate-stats': {
      const ids = idsOf(s.prompt, model);
      const r = await model.run([ids], { hooks: [s.hook], logits: false });
      const act = r.hooks[s.hook];
      const n = act.shape[2];
      const X = act.data.subarray((s.skipFirst ? 1 : 0) * n, ids.length * n);
      const k = coordinateKurtosis(X, n);
      const p = pca(X, n);
      const total = p.variances.reduce((a, b) => a + b, 0);
      return {
        state: s,
        numbers: {
          kurtosis: Array.from(k),
          top: topK(
            Float64Array.from(k, (v) => (Number.isFinite(v) ? v : -1)),
            5,
          ).map((t) => t.index),
          pca_top10: p.variances.slice(0, 10).reduce((a, b) => a + b, 0) / total,
          pca_dims: participationRatio(p.variances),
        },
      };
    }
    case 'subspaces': {
      const ids = idsOf(s.prompt, model);
      const [la, ha] = s.a.split('.').map(Number);
      const [lb, hb] = s.b.split('.').map(Number);
      const Ua = writeSubspace(model.weights, la, ha).basis;
      const Ub = writeSubspace(model.weights, lb, hb).basis;
      const hooks = [...new Set([la, lb])].map((l) => `blocks.${l}.attn.hook_result`);
      const r = await model.run([ids], { hooks, logits: false });
      const d = model.config.d_model;
      const out = (l: number, h: number, p: number) => {
        const at = (p * n_heads + h) * d;
        return r.hooks[`blocks.${l}.attn.hook_result`].data.subarray(at, at + d);
      };
      const outputCos = ids.map((_, p) => {
        const x = out(la, ha, p);
        const y = out(lb, hb, p);
        let xy = 0;
        let xx = 0;
        let yy = 0;
        for (let i = 0; i < d; i++) {
          xy += x[i] * y[i];
          xx += x[i] * x[i];
          yy += y[i] * y[i];
        }
        return xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
      });
      return {
        state: s,
        numbers: {
          cosines: principalCosines(Ua, Ub),
          overlap: subspaceOverlap(Ua, Ub),
          output_cos: outputCos,
        },
      };
    }
    case 'copying': {
      const heads = Array.from({ length: n_layers * n_heads }, (_, i) => ({
        l: Math.floor(i / n_heads),
        h: i % n_heads,
      }));
      const numbers: Record<string, number[]> = {
        copying: heads.map(({ l, h }) => copyingScoreOf(fullOvCircuit(model.weights, l, h))),
      };
      if (s.accuracy)
        numbers.accuracy = heads.map(({ l, h }) => copyingAccuracy(model.weights, l, h));
      return { state: s, numbers };
    }
    case 'path-expansion': {
      const ids = idsOf(s.prompt, model);
      const st = resolved(s, ids.length) as typeof s;
      const hooks = ['hook_embed', 'hook_pos_embed'];
      for (let l = 0; l < n_layers; l++) hooks.push(`blocks.${l}.attn.hook_pattern`);
      const r = await model.run([ids], { hooks });
      const row = logitsAt(r.logits!, st.pos);
      const next = tokenizer.encode(s.next);
      const target = next.length > 0 ? next[0] : topPredictions(row, 1)[0].id;
      const terms = pathExpansion(model.weights, r.hooks);
      const values = termLogitsAt(model.weights, terms, st.pos, target);
      const parts: Record<string, number> = {};
      terms.forEach((t, i) => (parts[t.name] = values[i]));
      parts.b_U = model.weights.b_U[target];
      return { state: st, numbers: { target, logit: row[target], parts } };
    }
    case 'k-circuit': {
      const shown = [...new Set(tokenizer.encode(s.tokens))].slice(0, 24);
      const numbers: Record<string, unknown> = { eigen: [], rows: [], columns: [] };
      for (let h = 0; h < n_heads; h++) {
        const fm = kCompositionCircuit(
          model.weights,
          { layer: 0, head: s.prev },
          { layer: 1, head: h },
        );
        const d = diagonalArgmax(fm);
        (numbers.eigen as number[]).push(copyingScoreOf(fm));
        (numbers.rows as number[]).push(d.rowAccuracy);
        (numbers.columns as number[]).push(d.columnAccuracy);
        if (h === s.ind) {
          const flat = submatrix(fm, shown, shown);
          numbers.sample = shown.map((_, i) =>
            Array.from(flat.subarray(i * shown.length, (i + 1) * shown.length)),
          );
        }
      }
      return { state: s, numbers };
    }
    case 'read-write': {
      const ids = idsOf(s.prompt, model);
      const hook = `blocks.${s.layer}.hook_resid_pre`;
      const r = await model.run([ids], { hooks: [hook], logits: false });
      const d = model.config.d_model;
      const x = r.hooks[hook].data;
      const kinds = ['Q', 'K', 'V'] as const;
      const subs = kinds.map((k) => readSubspace(model.weights, s.layer, s.head, k));
      const write = writeSubspace(model.weights, s.layer, s.head);
      return {
        state: s,
        numbers: {
          singular: {
            ...Object.fromEntries(kinds.map((k, i) => [k, subs[i].singularValues])),
            O: write.singularValues,
          },
          fractions: Object.fromEntries(
            kinds.map((k, i) => [
              k,
              ids.map((_, p) => projectionFraction(x.subarray(p * d, (p + 1) * d), subs[i].basis)),
            ]),
          ),
        },
      };
    }
    case 'residual-energy': {
      const writers = writerEnergies(model.weights);
      return {
        state: s,
        numbers: Object.fromEntries(writers.map((x) => [x.name, energyIn(x.energy, s.from, s.to)])),
      };
    }
    case 'rotation': {
      const ids = idsOf(s.prompt, model);
      const st = resolved(s, ids.length) as typeof s;
      const n = s.space === 'residual' ? model.config.d_model : model.config.d_mlp!;
      const R =
        s.mode === 'plane'
          ? planeRotation(n, s.i, s.j, (s.deg * Math.PI) / 180)
          : randomPermutation(n, s.seed);
      const weights =
        s.space === 'residual'
          ? rotateResidualStream(model.weights, R)
          : rotateMlpNeurons(model.weights, 0, R);
      const hook = `blocks.${n_layers - 1}.hook_resid_post`;
      const base = await model.run([ids], { hooks: [hook] });
      const rot = await model.run([ids], { hooks: [hook], weights });
      const d = model.config.d_model;
      const at = (x: Float32Array) => Array.from(x.subarray(st.pos * d, (st.pos + 1) * d));
      const numbers: Record<string, unknown> = {
        loss: [mean(perPositionLoss(base.logits!, ids)), mean(perPositionLoss(rot.logits!, ids))],
        max_diff: maxAbsDiff(rot.logits!.data, base.logits!.data),
      };
      if (s.space === 'residual') {
        numbers.stream = at(base.hooks[hook].data);
        numbers.rotated_stream = at(rot.hooks[hook].data);
      }
      return { state: st, numbers };
    }
    case 'composition': {
      const flat = compositionScores(model.weights, 0, n_layers - 1, s.composition);
      const scores = Array.from({ length: n_heads }, (_, i) =>
        Array.from(flat.subarray(i * n_heads, (i + 1) * n_heads)),
      );
      return { state: s, numbers: { scores } };
    }
  }
}

interface Fixture {
  kinds: string[];
  strings: { text: string; literal: string }[];
  snippets: { kind: string; state: SnippetState; code: string; expected: unknown }[];
}

/** Numbers equal within `tol`, everything else exactly; returns the first difference's path, or null. */
function firstDifference(a: unknown, b: unknown, tol: number, path = '$'): string | null {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= tol ? null : `${path}: ${a} vs ${b}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], tol, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join('\0') !== kb.join('\0')) return `${path}: keys ${ka} vs ${kb}`;
    for (const k of ka) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        tol,
        `${path}.${k}`,
      );
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

describe('pyStr writes a Python literal for any reader text', () => {
  it('shows printable text as itself and escapes what is invisible or reorders the source', () => {
    expect(pyStr('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"');
    expect(pyStr('a\nb\tc\r\0')).toBe('"a\\nb\\tc\\r\\x00"');
    expect(pyStr('café 🙂 שלום')).toBe('"café 🙂 שלום"');
    expect(pyStr('\u202e\u200d\u0301\u00a0\u2028')).toBe('"\\u202e\\u200d\\u0301\\xa0\\u2028"');
    expect(pyStr('\ud800\udc00 \ud83d \u{e0001}')).toBe('"\u{10000} \\ud83d \\U000e0001"');
  });

  it('never leaves a raw control, format or separator character in the literal', () => {
    for (const text of [...NASTY, ...randomStrings(300, 17)]) {
      expect(pyStr(text)).not.toMatch(/[\p{C}\p{Z}\p{M}](?<! )/u);
    }
  });
});

describe('every kind of Python snippet is pinned to what the runtime computes', () => {
  it('the committed fixture is what the code and the models give now', async () => {
    const snippets: Fixture['snippets'] = [];
    for (const s of STATES) {
      const { state, numbers } = await expected(s);
      snippets.push({ kind: s.kind, state, code: pythonSnippet(state), expected: numbers });
    }
    const strings = [...NASTY, QUOTED, SURROGATE, ...randomStrings(300, 17)].map((text) => ({
      text,
      literal: pyStr(text),
    }));
    const fresh: Fixture = { kinds: SNIPPET_KINDS, strings, snippets };
    // Every kind has at least one case.
    const kinds = new Set(snippets.map((s) => s.kind));
    expect([...kinds].sort()).toEqual([...SNIPPET_KINDS].sort());
    if (process.env.UPDATE_SNIPPETS === '1' || !existsSync(FIXTURE)) {
      writeFileSync(FIXTURE, `${JSON.stringify(fresh, null, 1)}\n`);
      if (process.env.UPDATE_SNIPPETS !== '1')
        throw new Error(`wrote ${FIXTURE}: commit it and rerun`);
      return;
    }
    const committed = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
    expect(committed.kinds).toEqual(fresh.kinds);
    expect(committed.strings).toEqual(fresh.strings);
    expect(committed.snippets.map((s) => [s.kind, s.state, s.code])).toEqual(
      fresh.snippets.map((s) => [s.kind, s.state, s.code]),
    );
    // Numbers: ORT on another CPU may differ in the last float bits; the Python side allows 1e-4.
    const diff = firstDifference(
      committed.snippets.map((s) => s.expected),
      fresh.snippets.map((s) => s.expected),
      1e-6,
    );
    expect(
      diff,
      'stale fixture: UPDATE_SNIPPETS=1 npx vitest run tests/unit/python-snippets.test.ts',
    ).toBeNull();
  });
});
