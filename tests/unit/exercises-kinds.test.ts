/**
 * The predict-then-check and compute-by-hand exercises of every chapter
 * (issue 16 item 3), checked as the page checks them on the shipped models:
 * the right prediction or number passes, found here by an independent
 * computation; the starting state (nothing chosen, nothing typed), every
 * wrong option, words instead of a number and a wrong number fail.
 */
import { describe, expect, it } from 'vitest';
import * as ch1 from '../../src/components/ch1/exercises';
import * as ch2 from '../../src/components/ch2/exercises';
import * as ch3 from '../../src/components/ch3/exercises';
import * as ch4 from '../../src/components/ch4/exercises';
import * as ch5 from '../../src/components/ch5/exercises';
import * as ch6 from '../../src/components/ch6/exercises';
import type { CheckResult } from '../../src/components/kit/Exercise';
import { compositionScores, copyingScore } from '../../src/model/circuits';
import { inductionScores, repeatedTokens } from '../../src/model/metrics';
import { logitsAt, softmax } from '../../src/model/predictions';
import type { HookedModel } from '../../src/model/hooked-model';
import { expectAllFail, tokenizer } from './exercise-helpers';
import { loadNodeModel } from './node-model';

/** The option the model likes best, computed here from its softmax. */
async function favourite(m: HookedModel, prompt: string, options: readonly string[]) {
  const ids = tokenizer.encode(prompt);
  const p = softmax(logitsAt((await m.run(ids)).logits!, ids.length - 1));
  return options.reduce((a, b) => (p[tokenizer.encode(b)[0]] > p[tokenizer.encode(a)[0]] ? b : a));
}

/** The right option passes and shows both prediction and outcome; every other option and none fail. */
async function expectOnlyRight(
  check: (picked: string) => Promise<CheckResult>,
  options: readonly string[],
  right: string,
) {
  const pass = await check(right);
  expect(pass.ok, pass.message).toBe(true);
  expect(pass.message).toMatch(/^You predicted/);
  await expectAllFail(check, ['', ...options.filter((o) => o !== right)]);
}

/** The number passes; nothing, words and a number 10% off fail, saying nothing of the value. */
async function expectNumber(check: (answer: string) => Promise<CheckResult>, truth: number) {
  const pass = await check(truth.toPrecision(6));
  expect(pass.ok, pass.message).toBe(true);
  await expectAllFail(check, ['', 'qx zv 7k blorp', 'the answer', String(truth * 1.1 + 0.05)]);
  expect((await check(String(truth * 1.1 + 0.05))).message).not.toContain(truth.toFixed(3));
}

describe('predict, then check', () => {
  it('chapter 1: the model’s favourite continuation of the verse among four', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const right = await favourite(m, ch1.PREDICT_PROMPT, ch1.PREDICT_OPTIONS);
    expect(right).toBe(' no'); // what the solution's prose says: not the verse's own " light"
    await expectOnlyRight((p) => ch1.checkPredict(m, tokenizer, p), ch1.PREDICT_OPTIONS, right);
  });

  it('chapter 2: whether switching off head 0.3 changes the top prediction after “Thus saith the”', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const { truth } = await ch2.ablateOutcome(m, tokenizer);
    await expectOnlyRight(
      (p) => ch2.checkAblatePredict(m, tokenizer, p),
      ch2.ABLATE_OPTIONS,
      truth,
    );
  });

  it('chapter 3: a 1° rotation of two neurons leaves gelu-1l’s sure prediction in place', async () => {
    const m = await loadNodeModel('gelu-1l');
    const { truth } = await ch3.smallRotationOutcome(m, tokenizer);
    expect(truth).toBe('same'); // the hints argue so
    await expectOnlyRight((p) => ch3.checkSmallPredict(m, tokenizer, p), ch3.SMALL_OPTIONS, truth);
  });

  it('chapter 4: each layer-1 head’s strongest K-composition partner, by the composition grid', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const grid = compositionScores(m.weights, 0, 1, 'K');
    for (const reader of [2, 5]) {
      const col = Array.from({ length: 8 }, (_, a) => grid[a * 8 + reader]);
      const best = col.indexOf(Math.max(...col));
      expect((await ch4.checkComposition(m, tokenizer, reader, best)).ok).toBe(true);
    }
  });

  it('chapter 5: what attn-only-1l expects after a name is begun again', async () => {
    const m = await loadNodeModel('attn-only-1l');
    const right = await favourite(m, ch5.NAME_PROMPT, ch5.NAME_OPTIONS);
    await expectOnlyRight((p) => ch5.checkNamePredict(m, tokenizer, p), ch5.NAME_OPTIONS, right);
  });

  it('chapter 6: a one-layer model gains little from a repeated random sequence', async () => {
    const m = await loadNodeModel('attn-only-1l');
    const { truth, first, second } = await ch6.dropOutcome(m);
    expect(truth).toBe('little'); // as the chapter's prose says of its own random sequences
    expect(second).toBeLessThan(first);
    await expectOnlyRight((p) => ch6.checkDropPredict(m, p), ch6.DROP_OPTIONS, truth);
  });
});

describe('compute by hand', () => {
  it('chapter 1: the parameter count from the tensors’ TransformerLens shapes', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const { d_vocab, d_model, n_ctx, n_layers, n_heads, d_head } = m.config;
    const perLayer = 4 * n_heads * d_model * d_head + 3 * n_heads * d_head + d_model;
    const byShape = 2 * d_vocab * d_model + n_ctx * d_model + d_vocab + n_layers * perLayer;
    expect(ch1.parameterCount(m)).toBe(byShape);
    await expectNumber((a) => ch1.checkParams(m, a), byShape);
    expect((await ch1.checkParams(m, String(byShape + 1))).ok).toBe(false);
  });

  it('chapter 2: a head’s direct contribution is the logit minus every other term', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const { logit, terms } = await ch2.sumTerms(m, tokenizer);
    const others = terms.filter((t) => t.component !== ch2.HIDDEN_HEAD);
    const byHand = logit - others.reduce((a, t) => a + Number(t.value.toFixed(3)), 0);
    await expectNumber((a) => ch2.checkSum(m, tokenizer, a), byHand);
  });

  it('chapter 3: what a sign flip changes a neuron’s output by, x·erf(x/√2)', async () => {
    const m = await loadNodeModel('gelu-1l');
    const x = await ch3.neuronPre(m, tokenizer);
    expect(ch3.gelu(1)).toBeCloseTo(0.841345, 5); // F.gelu(1.0)
    const byHand = x * ch3.erf(x / Math.SQRT2); // GELU(x) + GELU(-x) = x (2 Phi(x) - 1)
    await expectNumber((a) => ch3.checkFlip(m, tokenizer, a), byHand);
  });

  it('chapter 4: the K-composition score from three norms equals the grid’s', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const n = await ch4.handNorms(m);
    const grid = compositionScores(m.weights, 0, 1, 'K')[
      ch4.HAND_PAIR.writer * 8 + ch4.HAND_PAIR.reader
    ];
    expect(n.score).toBeCloseTo(grid, 6);
    await expectNumber(
      (a) => ch4.checkHandScore(m, a),
      Number((n.product / (n.ov * n.qk)).toFixed(4)),
    );
  });

  it('chapter 5: the copying score from the eigenvalue sums equals copyingScore', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const s = await ch5.eigenSums(m);
    expect(s.score).toBeCloseTo(
      copyingScore(m.weights, ch5.EIGEN_HEAD.layer, ch5.EIGEN_HEAD.head),
      6,
    );
    await expectNumber((a) => ch5.checkEigen(m, a), Number((s.re / s.abs).toFixed(3)));
  });

  it('chapter 6: the induction score by hand equals the mean of the stripe the runtime scores', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const v = await ch6.stripeValues(m);
    const hook = 'blocks.1.attn.hook_pattern';
    const tokens = repeatedTokens(ch6.STRIPE.period, 2, m.config.d_vocab, ch6.STRIPE.seed);
    const r = await m.run(tokens, { hooks: [hook], logits: false });
    const scores = inductionScores(r.hooks[hook], ch6.STRIPE.period);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean).toBeCloseTo(scores[ch6.STRIPE.head], 6);
    await expectNumber((a) => ch6.checkStripe(m, a), Number(mean.toFixed(3)));
  });
});

describe('per-student variants (a student seed)', () => {
  const SEEDS = ['alice', 'bob-2', 'S1234567', 'zed_9'];

  it('without a seed every variant is the book’s default; a seed picks one and always the same one', () => {
    expect(ch2.sumVariant('')).toBe(ch2.HIDDEN_HEAD);
    expect(ch3.flipVariant('')).toBe(0);
    expect(ch4.handVariant('')).toEqual(ch4.HAND_PAIR);
    expect(ch5.eigenVariant('')).toEqual(ch5.EIGEN_HEAD);
    expect(ch6.stripeVariant('')).toEqual(ch6.STRIPE);
    for (const s of SEEDS) expect(ch4.handVariant(s)).toEqual(ch4.handVariant(s));
    // seeds spread over the variants
    expect(new Set(SEEDS.map((s) => ch2.sumVariant(s))).size).toBeGreaterThan(1);
    expect(new Set(SEEDS.map((s) => ch3.flipVariant(s))).size).toBeGreaterThan(1);
    expect(new Set(SEEDS.map((s) => JSON.stringify(ch6.stripeVariant(s)))).size).toBe(SEEDS.length);
  });

  it('each seeded check accepts its own variant’s answer and, where it differs, refuses the default’s', async () => {
    const two = await loadNodeModel('attn-only-2l');
    const gelu1 = await loadNodeModel('gelu-1l');
    const { terms } = await ch2.sumTerms(two, tokenizer);
    const term = (c: string) => terms.find((t) => t.component === c)!.value.toFixed(3);
    for (const s of SEEDS) {
      const hidden = ch2.sumVariant(s);
      expect((await ch2.checkSum(two, tokenizer, term(hidden), hidden)).ok).toBe(true);
      if (Math.abs(Number(term(hidden)) - Number(term(ch2.HIDDEN_HEAD))) > 0.05)
        expect((await ch2.checkSum(two, tokenizer, term(ch2.HIDDEN_HEAD), hidden)).ok).toBe(false);

      const neuron = ch3.flipVariant(s);
      const x = await ch3.neuronPre(gelu1, tokenizer, neuron);
      expect(
        (await ch3.checkFlip(gelu1, tokenizer, String(x * ch3.erf(x / Math.SQRT2)), neuron)).ok,
      ).toBe(true);

      const pair = ch4.handVariant(s);
      const grid = compositionScores(two.weights, 0, 1, 'K');
      expect(
        (await ch4.checkHandScore(two, String(grid[pair.writer * 8 + pair.reader]), pair)).ok,
      ).toBe(true);

      const head = ch5.eigenVariant(s);
      expect(
        (await ch5.checkEigen(two, String(copyingScore(two.weights, head.layer, head.head)), head))
          .ok,
      ).toBe(true);

      const sv = ch6.stripeVariant(s);
      const v = await ch6.stripeValues(two, sv);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      expect((await ch6.checkStripe(two, mean.toFixed(4), sv)).ok).toBe(true);
      const byDefault = await ch6.stripeValues(two);
      const meanDefault = byDefault.reduce((a, b) => a + b, 0) / byDefault.length;
      if (Math.abs(mean - meanDefault) > 0.01)
        expect((await ch6.checkStripe(two, meanDefault.toFixed(4), sv)).ok).toBe(false);
    }
  });
});
