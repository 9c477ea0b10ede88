import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parameterCount } from '../../src/model/anatomy';
import { layerInput, scoresBilinearFirst, scoresQueriesFirst } from '../../src/model/grouping';
import { headMaskWithout } from '../../src/model/head-mask';
import type { HookedModel } from '../../src/model/hooked-model';
import { ablateEachHead } from '../../src/model/interventions';
import { directLogitAttribution, logitLens, perPositionLoss } from '../../src/model/metrics';
import { logitsAt, topPredictions } from '../../src/model/predictions';
import { residualTerms, streamStages } from '../../src/model/residual-terms';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { checkConfident, checkFluent, checkSizes } from '../../src/components/ch1/exercises';
import { checkBeat, checkKnock, checkLens } from '../../src/components/ch2/exercises';
import { loadNodeModel } from './node-model';
import { DEFAULT_PROMPT } from '../../src/components/kit/fields';
import { ABLATION_PROMPT } from './claim-texts';
import { findModelsDir } from './paths';
import { expectAsWritten, headOf, proseClaims } from './prose-claims';

/**
 * Every statement about *our* models in chapters 1 and 2
 * (src/content/chapters/01-transformers.mdx, 02-residual-stream.mdx),
 * asserted against the shipped models, so retraining cannot make the prose
 * lie. Each test names the sentence it checks. The numbers come from the
 * prose itself, where each is marked `<Claim id="…">` (tests/unit/prose-claims.ts).
 */

/** The numbers the chapters state, read from their MDX. */
const C = proseClaims();

const tokenizer = tokenizerFromJson(
  JSON.parse(
    readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
  ) as TokenizerJson,
);

/**
 * Ordinary English of the kinds the models were trained on (scripture,
 * fortunes, documentation), written out here so the measurements do not
 * depend on files outside the repository.
 */
export const PASSAGES = [
  'In the beginning God created the heaven and the earth. And the earth was without form, and void; and darkness was upon the face of the deep. And the Spirit of God moved upon the face of the waters. And God said, Let there be light: and there was light.',
  'And it came to pass, when men began to multiply on the face of the earth, and daughters were born unto them, that the sons of God saw the daughters of men that they were fair; and they took them wives of all which they chose.',
  'The Lord is my shepherd; I shall not want. He maketh me to lie down in green pastures: he leadeth me beside the still waters. He restoreth my soul: he leadeth me in the paths of righteousness for his name\u2019s sake.',
  'A journey of a thousand miles begins with a single step. You will be successful in your work, but do not forget your friends along the way. Never put off until tomorrow what you can do the day after tomorrow.',
  'This program is free software; you can redistribute it and/or modify it under the terms of the GNU General Public License as published by the Free Software Foundation; either version 2 of the License, or (at your option) any later version.',
  'The function returns a pointer to the first element of the list, or NULL if the list is empty. The caller is responsible for freeing the memory allocated for each element when it is no longer needed.',
];

const encode = (t: string) => tokenizer.encode(t);

const allHooks = (m: HookedModel) => {
  const out = ['hook_embed', 'hook_pos_embed', 'blocks.0.hook_resid_pre'];
  for (let l = 0; l < m.config.n_layers; l++) {
    out.push(`blocks.${l}.attn.hook_result`, `blocks.${l}.hook_resid_post`);
    if (!m.config.attn_only) out.push(`blocks.${l}.hook_mlp_out`);
  }
  return out;
};

describe('chapter 1: sizes of our models', () => {
  it('the vocabulary, d_model, heads, d_head, context, layers and neurons are as the prose and its table say; none has LayerNorm', async () => {
    const layers: Record<string, number> = {
      'attn-only-1l': C.value('ch1.layers.attnOnly1l'),
      'attn-only-2l': C.value('ch1.layers.attnOnly2l'),
      'gelu-1l': C.value('ch1.layers.gelu1l'),
    };
    for (const [id, n] of Object.entries(layers)) {
      const c = (await loadNodeModel(id)).config;
      expect([c.d_vocab, c.d_model, c.n_heads, c.d_head, c.n_ctx, c.n_layers], id).toEqual([
        C.value('ch1.vocab'),
        C.value('ch1.dModel'),
        C.value('ch1.heads'),
        C.value('ch1.dHead'),
        C.value('ch1.context'),
        n,
      ]);
      expect(c.normalization_type, id).toBeNull();
      // “Two of our three models have no MLPs at all.”
      expect(c.attn_only, id).toBe(id !== 'gelu-1l');
    }
    expect((await loadNodeModel('gelu-1l')).config.d_mlp).toBe(C.value('ch1.neurons'));
    expect(tokenizer.vocabSize).toBe(C.value('ch1.vocab'));
  });

  it('“the number of possible inputs is 2048^128, a number with more than 400 digits”', async () => {
    const c = (await loadNodeModel('attn-only-1l')).config;
    const digits = Math.floor(c.n_ctx * Math.log10(c.d_vocab)) + 1;
    expect(digits).toBeGreaterThan(C.value('ch1.inputDigits'));
  });

  it('“roughly 600,000 parameters, most of them in W_E and W_U (each 2048 × 128, about 262,000)”; “a layer of eight heads holds only about 66,000”', async () => {
    const m = await loadNodeModel('attn-only-1l');
    const total = parameterCount(m.weights);
    expectAsWritten(total, C.get('ch1.params1l'));
    const WE = m.weights.get('embed.W_E').data.length;
    const WU = m.weights.get('unembed.W_U').data.length;
    expect(WE).toBe(m.config.d_vocab * m.config.d_model);
    expect(WU).toBe(m.config.d_vocab * m.config.d_model);
    expectAsWritten(WE, C.get('ch1.embedParams'));
    expect((WE + WU) / total).toBeGreaterThan(0.5);
    let layer = 0;
    for (const n of m.config.weight_names)
      if (n.startsWith('blocks.0.attn.')) layer += m.weights.get(n).data.length;
    expectAsWritten(layer, C.get('ch1.layerParams'));
  });

  it('“on a prompt of 128 tokens, the attention patterns of one layer alone are 8 × 128 × 128 numbers, more than 130,000”', async () => {
    const m = await loadNodeModel('attn-only-1l');
    const ids = Array.from({ length: 128 }, (_, i) => encode(PASSAGES.join(' '))[i]);
    const r = await m.run(ids, { hooks: ['blocks.0.attn.hook_pattern'], logits: false });
    const n = r.hooks['blocks.0.attn.hook_pattern'].shape.reduce((a, b) => a * b, 1);
    expect(n).toBe(8 * 128 * 128);
    expect(n).toBeGreaterThan(C.value('ch1.patternNumbers'));
  });

  it('“" the" and "the" can be two different tokens”: each is one token, with different ids', () => {
    const a = encode(' the');
    const b = encode('the');
    expect(a.length).toBe(1);
    expect(b.length).toBe(1);
    expect(a[0]).not.toBe(b[0]);
  });

  it('“Common words usually become a single token … Rare words are split into several pieces”; which words have a token of their own reflects the corpus', () => {
    for (const w of [' the', ' and', ' of', ' is']) expect(encode(w).length, w).toBe(1);
    for (const w of [' antidisestablishmentarianism', ' photosynthesis'])
      expect(encode(w).length, w).toBeGreaterThan(2);
    // Words of the King James Bible and of software documentation, the corpus's big sources.
    for (const w of [' unto', ' hath', ' LORD', ' function']) expect(encode(w).length, w).toBe(1);
  });
});

describe('chapter 1: the two groupings of an attention score', () => {
  it('agree to about 1e-15 (float64 rounding) and both match the model’s own scores', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const ids = encode(PASSAGES[0]).slice(0, 40);
    const r = await m.run(ids, {
      hooks: [
        'blocks.0.hook_resid_pre',
        'blocks.1.hook_resid_pre',
        'blocks.0.attn.hook_attn_scores',
        'blocks.1.attn.hook_attn_scores',
      ],
      logits: false,
    });
    for (let l = 0; l < 2; l++)
      for (let h = 0; h < 8; h++) {
        const X = layerInput(r.hooks, l);
        const a = scoresQueriesFirst(m.weights, X, l, h).scores;
        const b = scoresBilinearFirst(m.weights, X, l, h).scores;
        const model = r.hooks[`blocks.${l}.attn.hook_attn_scores`].data;
        const n = ids.length;
        let dAB = 0;
        let dModel = 0;
        let scale = 0;
        for (let q = 0; q < n; q++)
          for (let k = 0; k <= q; k++) {
            dAB = Math.max(dAB, Math.abs(a[q * n + k] - b[q * n + k]));
            dModel = Math.max(dModel, Math.abs(a[q * n + k] - model[(h * n + q) * n + k]));
            scale = Math.max(scale, Math.abs(a[q * n + k]));
          }
        expect(dAB, `${l}.${h}`).toBeLessThan(1e-12 * Math.max(1, scale));
        expect(dModel / Math.max(1, scale), `${l}.${h}`).toBeLessThan(1e-5);
      }
  });

  it('“for a prompt of a few dozen tokens, forming the 129 × 129 matrix first takes several times more multiplications”, and the difference grows with length', async () => {
    const m = await loadNodeModel('attn-only-2l');
    let lastGap = 0;
    for (const n of [20, 30, 40, 60, 90, 128]) {
      const X = Array.from({ length: n }, () => new Float64Array(128));
      const a = scoresQueriesFirst(m.weights, X, 0, 0).multiplyAdds;
      const b = scoresBilinearFirst(m.weights, X, 0, 0).multiplyAdds;
      if (n <= 40) expect(b / a, `n = ${n}`).toBeGreaterThan(5);
      expect(b - a).toBeGreaterThan(lastGap);
      lastGap = b - a;
    }
  });
});

/** Per-token losses over PASSAGES, split by whether the token starts a word (begins with a space). */
async function lossesByWordStart(m: HookedModel) {
  const start: number[] = [];
  const inside: number[] = [];
  let confident = 0;
  let positions = 0;
  for (const text of PASSAGES) {
    const ids = encode(text).slice(0, m.config.n_ctx);
    const r = await m.run(ids);
    const loss = perPositionLoss(r.logits!, ids);
    const strings = tokenizer.tokenStrings(ids);
    for (let p = 0; p < loss.length; p++) {
      const next = strings[p + 1];
      // A word continues when the next token starts with a letter and the current one ends with one.
      if (/^·\p{L}/u.test(next)) start.push(loss[p]);
      else if (/^\p{L}/u.test(next) && /\p{L}$/u.test(strings[p])) inside.push(loss[p]);
      if (topPredictions(logitsAt(r.logits!, p), 1)[0].prob > 0.5) confident++;
      positions++;
    }
  }
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  return {
    wordStart: mean(start),
    inside: mean(inside),
    nStart: start.length,
    nInside: inside.length,
    confidentShare: confident / positions,
  };
}

/** Over PASSAGES at every position: final stream norm, largest single head write, and their ratio. */
async function streamVsWrites(m: HookedModel) {
  const ratios: number[] = [];
  const finals: number[] = [];
  const heads: number[] = [];
  for (const text of PASSAGES) {
    const ids = encode(text).slice(0, m.config.n_ctx);
    const r = await m.run(ids, { hooks: allHooks(m), logits: false });
    for (let p = 0; p < ids.length; p++) {
      const terms = residualTerms(m.weights, r.hooks, p);
      const stages = streamStages(m.weights, r.hooks, terms, p);
      const final = stages[stages.length - 1].norm;
      const head = Math.max(...terms.filter((t) => /^\d/.test(t.component)).map((t) => t.norm));
      finals.push(final);
      heads.push(head);
      ratios.push(final / head);
    }
  }
  const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
  return {
    medianFinal: median(finals),
    medianHead: median(heads),
    medianRatio: median(ratios),
    minRatio: Math.min(...ratios),
  };
}

/**
 * Test-only thresholds: the prose states these in words, not numbers, so they
 * are not read from the MDX.
 */
const THRESHOLDS = {
  /**
   * ch1: “a top prediction with more than half the probability is the
   * exception, not the rule”: the share of such positions is below this.
   */
  confidentShare: 0.25,
};

/** Change in mean loss over the prompt with each head alone switched off, by head name. */
async function sweepDeltas(m: HookedModel, text: string): Promise<Map<string, number>> {
  const ids = encode(text);
  const r = await ablateEachHead(m, ids);
  const mean = (row: number) => {
    const l = perPositionLoss(r.logits!, ids, row);
    return l.reduce((a, b) => a + b, 0) / l.length;
  };
  const clean = mean(0);
  const out = new Map<string, number>();
  for (let l = 0; l < m.config.n_layers; l++)
    for (let h = 0; h < m.config.n_heads; h++)
      out.set(`${l}.${h}`, mean(1 + l * m.config.n_heads + h) - clean);
  return out;
}

describe('chapter 1: what the model predicts on ordinary text', () => {
  it('“a top prediction with more than half the probability is the exception, not the rule”', async () => {
    const r = await lossesByWordStart(await loadNodeModel('attn-only-2l'));
    expect(r.confidentShare).toBeLessThan(THRESHOLDS.confidentShare);
  });
});

describe('chapter 2: a big stream and small edits', () => {
  it('over the six sample passages, the median final stream, the median largest head write, and their ratio are as stated', async () => {
    expect(PASSAGES.length).toBe(C.value('ch2.passages'));
    const r = await streamVsWrites(await loadNodeModel('attn-only-2l'));
    expectAsWritten(r.medianFinal, C.get('ch2.medianFinal'));
    expectAsWritten(r.medianHead, C.get('ch2.medianHead'));
    expectAsWritten(r.medianRatio, C.get('ch2.medianRatio'));
    // “So the stream is bigger than any one edit, but not by much”: at every position.
    expect(r.minRatio).toBeGreaterThan(1);
  });
});

describe('chapter 2: the default prompt shows the model’s limits', () => {
  it('on the default prompt the top guess is a line break and “·m”, the start of “·mat”, comes as written', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const ids = encode(DEFAULT_PROMPT);
    const r = await m.run(ids, {});
    const top = topPredictions(logitsAt(r.logits!, ids.length - 1), 10);
    expect(tokenizer.decode([top[0].id])).toBe('\n');
    expectAsWritten(100 * top[0].prob, C.get('ch2.defaultTopProb'));
    const mat = encode(' mat');
    expect(mat.length).toBe(2); // “the first of the two tokens”
    const rank = top.findIndex((p) => p.id === mat[0]) + 1;
    expect(rank).toBe(C.value('ch2.defaultMatRank'));
    expectAsWritten(100 * top[rank - 1].prob, C.get('ch2.defaultMatProb'));
    // “fewer than a million parameters”
    expect(parameterCount(m.weights)).toBeLessThan(1_000_000);
  });
});

describe('chapter 2: which paths matter', () => {
  it('on the ablation figure’s default prompt, the heads that matter most, next, and that help when switched off are as stated, by the stated amounts', async () => {
    const d = await sweepDeltas(await loadNodeModel('attn-only-2l'), ABLATION_PROMPT);
    const sorted = [...d.entries()].sort((a, b) => b[1] - a[1]);
    const top = C.get('ch2.ablationTop');
    expect(sorted[0][0]).toBe(top.text);
    expectAsWritten(sorted[0][1], C.get('ch2.ablationTopDelta'));
    // “Notice, too, that the most damaging head sits in layer 0.”
    expect(headOf(top).layer).toBe(C.value('ch2.ablationTopLayer'));
    // “… come next”, in the order written, at the amounts written.
    const next = C.group('ch2.ablationNext');
    const nextDelta = C.group('ch2.ablationNextDelta');
    expect(sorted.slice(1, 1 + next.length).map(([h]) => h)).toEqual(next.map((c) => c.text));
    next.forEach((c, i) => expectAsWritten(d.get(c.text)!, nextDelta[i]));
    // “At the other end, switching off head 0.6 *lowers* the loss, by 0.32 nats”: the heads
    // named are the ones whose removal lowers the loss most.
    const helpful = C.group('ch2.ablationHelpful');
    const helpfulDelta = C.group('ch2.ablationHelpfulDelta');
    expect(
      sorted
        .slice(-helpful.length)
        .map(([h]) => h)
        .sort(),
    ).toEqual(helpful.map((c) => c.text).sort());
    helpful.forEach((c, i) => {
      expect(d.get(c.text)!, c.text).toBeLessThan(0);
      expectAsWritten(-d.get(c.text)!, helpfulDelta[i]);
    });
  });
});

describe('chapter 2: the stream as a sum', () => {
  it('“That is 20 terms: two embeddings, sixteen heads and two biases. Their sum is the stream, exactly” (to float32 rounding), at every position, after every layer', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const ids = encode(PASSAGES[1]).slice(0, 64);
    const r = await m.run(ids, { hooks: allHooks(m), logits: false });
    for (let p = 0; p < ids.length; p++) {
      const terms = residualTerms(m.weights, r.hooks, p);
      expect(terms.length).toBe(C.value('ch2.streamTerms'));
      for (const s of streamStages(m.weights, r.hooks, terms, p))
        expect(s.maxError / Math.max(1, s.norm), `${s.label} at ${p}`).toBeLessThan(1e-5);
    }
  });

  it('direct logit attribution: “21 numbers in all” whose sum matches the model’s logit to about a millionth', async () => {
    const m = await loadNodeModel('attn-only-2l');
    for (const text of PASSAGES.slice(0, 3)) {
      const ids = encode(text).slice(0, 64);
      const r = await m.run(ids, { hooks: allHooks(m) });
      for (const p of [0, 10, ids.length - 1]) {
        const row = logitsAt(r.logits!, p);
        for (const c of [topPredictions(row, 1)[0].id, ids[Math.min(p + 1, ids.length - 1)]]) {
          const parts = directLogitAttribution(m.weights, r.hooks, p, c);
          expect(parts.length).toBe(C.value('ch2.dlaTerms'));
          const sum = parts.reduce((s, x) => s + x.value, 0);
          expect(Math.abs(sum - row[c]) / Math.max(1, Math.abs(row[c]))).toBeLessThan(1e-5);
        }
      }
    }
  });

  it('the logit lens after layer 0 is the model with layer 1 deleted: its heads switched off and its b_O removed', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const ids = encode(PASSAGES[2]).slice(0, 48);
    const hooks = [
      'blocks.0.hook_resid_pre',
      'blocks.0.hook_resid_post',
      'blocks.1.hook_resid_post',
    ];
    const full = await m.run(ids, { hooks });
    const cut = await m.run(ids, {
      headMask: headMaskWithout(
        m.config,
        Array.from({ length: 8 }, (_, h) => ({ layer: 1, head: h })),
      ),
    });
    const W_U = m.weights.get('unembed.W_U').data;
    const b_O = m.weights.b_O(1);
    const d_vocab = m.config.d_vocab;
    for (const p of [0, 20, ids.length - 1]) {
      const lens = logitLens(m.weights, full.hooks, p);
      const masked = logitsAt(cut.logits!, p);
      let d = 0;
      let scale = 0;
      for (let c = 0; c < d_vocab; c++) {
        let bias = 0;
        for (let i = 0; i < m.config.d_model; i++) bias += b_O[i] * W_U[i * d_vocab + c];
        d = Math.max(d, Math.abs(lens[1][c] + bias - masked[c]));
        scale = Math.max(scale, Math.abs(masked[c]));
      }
      expect(d / Math.max(1, scale)).toBeLessThan(1e-5);
      // “Switching off every head of the later layers comes close but is not quite the same run”:
      // the head-masked run still adds layer 1's b_O.
      let apart = 0;
      for (let c = 0; c < d_vocab; c++) apart = Math.max(apart, Math.abs(lens[1][c] - masked[c]));
      expect(apart).toBeGreaterThan(1e-3 * Math.max(1, scale));
      // And the last row is the model's own output.
      const out = logitsAt(full.logits ?? (await m.run(ids)).logits!, p);
      let e = 0;
      for (let c = 0; c < d_vocab; c++) e = Math.max(e, Math.abs(lens[2][c] - out[c]));
      expect(e / Math.max(1, scale)).toBeLessThan(1e-5);
    }
  });
});

/** Every prefix of the sample passages with at least `min` words, shortest first. */
function prefixes(min = 4): string[] {
  const out: string[] = [];
  for (const p of PASSAGES) {
    const words = p.split(' ');
    for (let n = min; n <= words.length; n += 3) out.push(words.slice(0, n).join(' '));
  }
  return out;
}

async function firstAccepted(
  check: (text: string) => Promise<{ ok: boolean }>,
  candidates: string[],
) {
  for (const c of candidates) if ((await check(c)).ok) return c;
  return undefined;
}

describe('every exercise has a solution the shipped model accepts (the same checks as the page)', () => {
  it('chapter 1, exercise 1: a prompt with a top prediction above 1/2', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const found = await firstAccepted(
      (t) => checkConfident(m, tokenizer, t),
      ['And God said, Let there be light: and there was light.', ...prefixes()],
    );
    expect(found).toBeDefined();
  });

  it('chapter 1, exercise 2: a passage of 12+ tokens with mean loss below 3 nats', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const found = await firstAccepted(
      (t) => checkFluent(m, tokenizer, t),
      [
        'And the LORD said unto Moses, Speak unto the children of Israel, and say unto them',
        ...prefixes(6),
      ],
    );
    expect(found).toBeDefined();
  });

  it('chapter 1, exercise 3: exactly the shortest prompt passes, one token fewer or more does not', async () => {
    const m = await loadNodeModel('attn-only-2l');
    let params = 0;
    for (const n of m.config.weight_names)
      if (n.startsWith('blocks.0.attn.')) params += m.weights.get(n).data.length;
    const shortest = Math.floor(Math.sqrt(params / m.config.n_heads)) + 1;
    expect(encode(' a'.repeat(shortest)).length).toBe(shortest);
    expect((await checkSizes(m, tokenizer, ' a'.repeat(shortest))).ok).toBe(true);
    expect((await checkSizes(m, tokenizer, ' a'.repeat(shortest - 1))).ok).toBe(false);
    expect((await checkSizes(m, tokenizer, ' a'.repeat(shortest + 1))).ok).toBe(false);
  });

  it('chapter 2, exercise 1: a prompt where a head’s direct effect beats the token embedding’s', async () => {
    const m = await loadNodeModel('attn-only-2l');
    expect(await firstAccepted((t) => checkBeat(m, tokenizer, t), prefixes())).toBeDefined();
  });

  it('chapter 2, exercise 2: a head and a prompt where switching the head off changes the answer', async () => {
    const m = await loadNodeModel('attn-only-2l');
    let found: string | undefined;
    for (let l = 0; l < m.config.n_layers && !found; l++)
      for (let h = 0; h < m.config.n_heads && !found; h++)
        found = await firstAccepted(
          (t) => checkKnock(m, tokenizer, t, { layer: l, head: h }),
          prefixes().slice(0, 12),
        );
    expect(found).toBeDefined();
  });

  it('chapter 2, exercise 3: a prompt whose final top prediction is outside the embedding’s top LENS_RANK', async () => {
    const m = await loadNodeModel('attn-only-2l');
    expect(await firstAccepted((t) => checkLens(m, tokenizer, t), prefixes())).toBeDefined();
  });
});
