/**
 * What the chapters say about which path a head works through, checked by
 * path patching (src/model/path-patching.ts) and by splitting a head's value
 * input by writer (src/model/value-writers.ts): chapter 2's most damaging
 * ablation, chapter 4's Q-composition, chapter 5's storage, chapter 6's
 * induction family.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { storageStats } from '../../src/model/attention-stats';
import { tokenizerFromJson } from '../../src/model/tokenizer';
import { ABLATION_PROMPT, claimTokens, STORAGE_TEXT, tokenizer } from './claim-texts';
import { loadNodeModel } from './node-model';
import { findModelsDir } from './paths';
import { expectAsWritten, headOf, proseClaims } from './prose-claims';

const C = proseClaims();

const SEEDS = Array.from({ length: C.value('ch6.sequences') }, (_, i) => i + 1);
const PERIOD = C.value('ch6.period');

describe('chapter 2: why switching off head 0.3 costs the most (path patching)', () => {
  it('on the ablation figure’s default prompt, head 0.3’s damage goes through layer 1’s keys, not its direct path', async () => {
    const { ablateOnPaths, meanLoss } = await import('../../src/model/path-patching');
    const m = await loadNodeModel('attn-only-2l');
    const ids = tokenizer.encode(ABLATION_PROMPT);
    const r = await m.run(ids, {
      hooks: ['blocks.0.attn.hook_result', 'blocks.1.hook_resid_pre'],
    });
    const { d_vocab } = m.config;
    const clean = meanLoss(Float64Array.from(r.logits!.data), ids, d_vocab);
    const top = headOf(C.get('ch2.ablationTop'));
    const delta = (paths: ('Q' | 'K' | 'V' | 'direct')[]) =>
      meanLoss(ablateOnPaths(m.weights, r.hooks, top, paths).logits, ids, d_vocab) - clean;
    const all = delta(['Q', 'K', 'V', 'direct']);
    // The recomputation with every path cut is the figure's own ablation.
    expectAsWritten(all, C.get('ch2.ablationTopDelta'));
    const keys = delta(['K']);
    expectAsWritten(keys, C.get('ch2.ablationTopKeyPath'));
    // “all of the ablation's effect and a little more”
    expect(keys).toBeGreaterThanOrEqual(all);
    expectAsWritten(Math.abs(delta(['direct'])), C.get('ch2.ablationTopDirect'));
    // And neither the queries nor the values carry it: each moves the loss less than the keys do by far.
    for (const p of ['Q', 'V'] as const) expect(Math.abs(delta([p])), p).toBeLessThan(keys / 4);
  });
});

describe('chapter 4: Q-composition scores against path patching', () => {
  /** Share of a head's attention that moves: mean over queries of half the L1 distance between two patterns. */
  const moved = (a: Float64Array, b: Float64Array, head: number, pos: number) => {
    let s = 0;
    for (let q = 0; q < pos; q++) {
      let d = 0;
      for (let k = 0; k <= q; k++)
        d += Math.abs(a[(head * pos + q) * pos + k] - b[(head * pos + q) * pos + k]);
      s += d / 2;
    }
    return s / pos;
  };

  it('on the opening of Genesis, the strongest Q pairs barely move their readers’ attention; head 0.3 into the induction heads’ keys moves it most', async () => {
    const { compositionBaseline, compositionScores } = await import('../../src/model/circuits');
    const { ablateOnPaths, recomputeLayer, rowOf } = await import('../../src/model/path-patching');
    const m = await loadNodeModel('attn-only-2l');
    const w = m.weights;
    const { d_model, d_head, n_heads } = m.config;
    const [, genesis] = claimTokens();
    const r = await m.run(genesis, {
      hooks: ['blocks.0.attn.hook_result', 'blocks.1.hook_resid_pre'],
      logits: false,
    });
    const pos = genesis.length;
    const x = rowOf(r.hooks['blocks.1.hook_resid_pre']);
    const clean = recomputeLayer(w, 1, x, x, x).pattern;
    // [writer * n_heads + reader]: attention moved when the writer is mean-ablated on one path.
    const qPath = new Float64Array(n_heads * n_heads);
    const kPath = new Float64Array(n_heads * n_heads);
    for (let a = 0; a < n_heads; a++) {
      const pq = ablateOnPaths(w, r.hooks, { layer: 0, head: a }, ['Q'], 'mean').pattern;
      const pk = ablateOnPaths(w, r.hooks, { layer: 0, head: a }, ['K'], 'mean').pattern;
      for (let b = 0; b < n_heads; b++) {
        qPath[a * n_heads + b] = moved(clean, pq, b, pos);
        kPath[a * n_heads + b] = moved(clean, pk, b, pos);
      }
    }
    const Q = compositionScores(w, 0, 1, 'Q');
    const argmax = (v: ArrayLike<number>) => Array.from(v).indexOf(Math.max(...Array.from(v)));
    const name = (i: number) => ({
      writer: `0.${Math.floor(i / n_heads)}`,
      reader: `1.${i % n_heads}`,
    });
    // The strongest Q pair, and how little its reader's attention moves.
    const topQ = argmax(Q);
    expect(name(topQ).writer).toBe(C.text('ch4.topQ.writer'));
    expect(name(topQ).reader).toBe(C.text('ch4.topQ.reader'));
    expectAsWritten(100 * qPath[topQ], C.get('ch4.qPath.top'));
    // “among all 25 pairs, the most is 7%”: the pairs above the baseline, as counted above.
    const b = compositionBaseline(d_model, d_head, 'Q', 64, 0);
    const strong = Array.from(Q.keys()).filter(
      (i) => Q[i] > b.mean + C.value('ch4.baselineSds') * b.std,
    );
    expect(strong.length).toBe(C.value('ch4.aboveBaseline.Q'));
    const maxStrong = Math.max(...strong.map((i) => qPath[i]));
    expectAsWritten(100 * maxStrong, C.get('ch4.qPath.max'));
    // The K test on the strongest K pair (0.3 → 1.5), an order of magnitude more.
    const kw = headOf(C.get('ch4.topK.writer')).head;
    const kr = headOf(C.get('ch4.topK.reader')).head;
    expectAsWritten(100 * kPath[kw * n_heads + kr], C.get('ch4.kPath.top'));
    // Head 0.3 Q-composes least with every layer-1 head …
    for (let rd = 0; rd < n_heads; rd++) {
      const col = Array.from({ length: n_heads }, (_, a) => Q[a * n_heads + rd]);
      expect(col.indexOf(Math.min(...col)), `reader 1.${rd}`).toBe(kw);
    }
    // … yet removing it from the queries moves attention most of all 64 pairs.
    const topMoved = argmax(qPath);
    expect(name(topMoved).writer).toBe(C.text('ch4.topK.writer'));
    expect(name(topMoved).reader).toBe(C.text('ch4.qPath.largestReader'));
    expectAsWritten(100 * qPath[topMoved], C.get('ch4.qPath.largest'));
    // “head 0.3 writes by far the most”: its mean output norm is over twice any other layer-0 head's.
    const res = r.hooks['blocks.0.attn.hook_result'].data; // [batch, pos, head_index, d_model]
    const norms = Array.from({ length: n_heads }, (_, a) => {
      let s = 0;
      for (let p = 0; p < pos; p++) {
        let t = 0;
        for (let d = 0; d < d_model; d++) t += res[(p * n_heads + a) * d_model + d] ** 2;
        s += Math.sqrt(t) / pos;
      }
      return s;
    });
    for (let a = 0; a < n_heads; a++) if (a !== kw) expect(norms[kw]).toBeGreaterThan(2 * norms[a]);
  });
});

describe('chapter 5: who wrote what the layer-1 head reads at punctuation', () => {
  it('what head 1.3 moves from punctuation splits exactly by writer, mostly the punctuation token’s own embedding', async () => {
    const { movedByWriter, sharesByKind } = await import('../../src/model/value-writers');
    const { storageQueries } = await import('../../src/model/attention-stats');
    const m = await loadNodeModel('attn-only-2l');
    const tok = tokenizerFromJson(
      JSON.parse(readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8')),
    );
    const ids = tok.encode(STORAGE_TEXT);
    const isT = tok.tokenStrings(ids).map((s) => /[.,;:!?]/.test(s));
    const r = await m.run(ids, {
      hooks: [
        'hook_embed',
        'hook_pos_embed',
        'blocks.0.attn.hook_result',
        'blocks.1.attn.hook_pattern',
        'blocks.1.attn.hook_v',
      ],
      logits: false,
    });
    const l1 = storageStats(
      m.weights,
      1,
      r.hooks['blocks.1.attn.hook_pattern'],
      r.hooks['blocks.1.attn.hook_v'],
      isT,
    );
    const h = headOf(C.get('ch5.storageLayer1Head')).head;
    const split = movedByWriter(m.weights, r.hooks, 1, h, storageQueries(isT), isT);
    // The split is exact: its total is the vector storageStats measures from hook_v.
    split.total.forEach((x, i) => expect(x).toBeCloseTo(l1.movedVector[h][i], 5));
    const kind = Object.fromEntries(sharesByKind(split).map((k) => [k.kind, k.share]));
    expectAsWritten(100 * kind.embed, C.get('ch5.storageEmbedShare'));
    expectAsWritten(100 * kind['heads 0'], C.get('ch5.storageHeadsShare'));
    // “points slightly against the total (−5%)”
    expect(kind.pos_embed).toBeLessThan(0);
    expectAsWritten(-100 * kind.pos_embed, C.get('ch5.storagePosShare'));
    expectAsWritten(100 * kind.biases, C.get('ch5.storageBiasShare'));
    // “the largest part from head 0.7”
    const heads = split.parts.filter((p) => /^0\.\d$/.test(p.writer));
    const top = heads.reduce((a, p) => (p.share > a.share ? p : a));
    expect(top.writer).toBe(C.text('ch5.storageTopWriter'));
    expectAsWritten(100 * top.share, C.get('ch5.storageTopWriterShare'));
    // “mostly picks up which punctuation mark stands there”: the embedding outweighs all of layer 0.
    expect(kind.embed).toBeGreaterThan(kind['heads 0']);
  });
});

describe('chapter 6: the induction family reads head 0.3 through its keys', () => {
  it('head 0.3 is the strongest K writer into exactly the three induction heads, and cutting it from layer 1’s keys alone erases their scores', async () => {
    const { compositionScores } = await import('../../src/model/circuits');
    const { ablateOnPaths, recomputeLayer, rowOf } = await import('../../src/model/path-patching');
    const { inductionScores } = await import('../../src/model/metrics');
    const { repeatSequence } = await import('../../src/model/repeats');
    const m = await loadNodeModel('attn-only-2l');
    const { n_heads, d_vocab } = m.config;
    const prev = headOf(C.get('ch6.prevTokenHead'));
    const family = [
      C.text('ch6.inductionHead'),
      ...C.group('ch6.otherInductionHeads').map((c) => c.text),
    ].map((t) => headOf(t).head);
    // Strongest K-composition writer per layer-1 head: head 0.3 for the family, another for the rest.
    const K = compositionScores(m.weights, 0, 1, 'K');
    const others: number[] = [];
    for (let rd = 0; rd < n_heads; rd++) {
      const col = Array.from({ length: n_heads }, (_, a) => K[a * n_heads + rd]);
      const best = col.indexOf(Math.max(...col));
      if (family.includes(rd)) expect(best, `reader 1.${rd}`).toBe(prev.head);
      else {
        expect(best, `reader 1.${rd}`).not.toBe(prev.head);
        others.push(rd);
      }
    }
    expect(others.length).toBe(C.value('ch6.familyOthers'));
    // Path patching on the chapter's random repeats: keys only, then queries only.
    const mean = (rows: Float64Array[]) =>
      family.map((h) => rows.reduce((s, r) => s + r[h], 0) / rows.length);
    const clean: Float64Array[] = [];
    const keys: Float64Array[] = [];
    const queries: Float64Array[] = [];
    for (const seed of SEEDS) {
      const tokens = repeatSequence(PERIOD, d_vocab, seed);
      const r = await m.run(tokens, {
        hooks: ['blocks.0.attn.hook_result', 'blocks.1.hook_resid_pre'],
        logits: false,
      });
      const n = tokens.length;
      const asPattern = (p: Float64Array) => ({
        data: Float32Array.from(p),
        shape: [1, n_heads, n, n],
        dims: ['batch', 'head_index', 'query_pos', 'key_pos'] as const,
      });
      const x = rowOf(r.hooks['blocks.1.hook_resid_pre']);
      clean.push(inductionScores(asPattern(recomputeLayer(m.weights, 1, x, x, x).pattern), PERIOD));
      keys.push(
        inductionScores(asPattern(ablateOnPaths(m.weights, r.hooks, prev, ['K']).pattern), PERIOD),
      );
      queries.push(
        inductionScores(asPattern(ablateOnPaths(m.weights, r.hooks, prev, ['Q']).pattern), PERIOD),
      );
    }
    const c = mean(clean);
    mean(keys).forEach((s) => expectAsWritten(s, C.get('ch6.familyKeyPath')));
    mean(queries).forEach((s, i) =>
      expect(Math.abs(s - c[i]), `1.${family[i]}`).toBeLessThan(C.value('ch6.familyQueryPath')),
    );
  });
});
