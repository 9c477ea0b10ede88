/**
 * What the exercise checks share: refusing degenerate answers (nothing,
 * nonsense, one token over and over), telling natural text from noise by the
 * model's own surprise, and checking a number against a value the live model
 * computes, to a tolerance.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { CheckResult } from './Exercise';

/** The nonsense every check that wants text must refuse (issue 16's example). */
export const NONSENSE = 'qx zv 7k blorp '.repeat(5);

/**
 * Mean loss (nats) above which the text a reader wrote, where it is not
 * copying itself, reads to the model as noise: English prose sits at 4-5.5
 * nats a token on attn-only-2l, 'qx zv 7k blorp' at 6.9.
 */
export const NATURAL_LOSS = 6;

/** Least share of distinct tokens in an answer that must not be one token over and over. */
export const MIN_DISTINCT_SHARE = 0.4;

/**
 * Positions i whose next token copying could supply: token i occurred
 * before, and was followed then by the token that follows it now.
 */
export function copyablePositions(tokens: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i + 1 < tokens.length; i++) {
    for (let k = 0; k < i; k++)
      if (tokens[k] === tokens[i] && tokens[k + 1] === tokens[i + 1]) {
        out.push(i);
        break;
      }
  }
  return out;
}

/** The longest run of consecutive copyable positions plus one: the longest span said twice. */
export function longestRepeatedSpan(tokens: readonly number[]): number {
  const pos = copyablePositions(tokens);
  let longest = 0;
  let run = 0;
  for (let k = 0; k < pos.length; k++) {
    run = k > 0 && pos[k] === pos[k - 1] + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  return longest === 0 ? 0 : longest + 1;
}

/** Share of distinct tokens among `tokens` (1 when all differ). */
export function distinctShare(tokens: readonly number[]): number {
  return tokens.length === 0 ? 0 : new Set(tokens).size / tokens.length;
}

/**
 * Why `tokens` is not an answer worth checking, or undefined if it is one:
 * empty, shorter than `minTokens`, or mostly one token over and over.
 */
export function degenerateReason(tokens: readonly number[], minTokens = 2): string | undefined {
  if (tokens.length === 0) return 'Type an answer first.';
  if (tokens.length < minTokens) return `Write at least ${minTokens} tokens.`;
  if (tokens.length >= 5 && distinctShare(tokens) < MIN_DISTINCT_SHARE)
    return 'That is mostly the same few tokens over and over; write text with some variety.';
  return undefined;
}

/**
 * The model's mean loss (nats) on the positions of `tokens` that do not copy
 * an earlier span: how surprising the text is where it says something new.
 * Below NATURAL_LOSS it reads as text; above, as noise.
 */
export async function novelLoss(model: HookedModel, tokens: readonly number[]): Promise<number> {
  const { perPositionLoss } = await import('../../model/metrics');
  const r = await model.run([...tokens]);
  const loss = perPositionLoss(r.logits!, [...tokens]); // [pos - 1]: loss of token pos+1 at pos
  const copied = new Set(copyablePositions(tokens));
  const novel = Array.from(loss).filter((_, i) => !copied.has(i));
  return novel.length ? novel.reduce((a, b) => a + b, 0) / novel.length : Infinity;
}

/** A failing verdict if `tokens` reads as noise to `model`, otherwise undefined. */
export async function refuseNoise(
  model: HookedModel,
  tokens: readonly number[],
): Promise<CheckResult | undefined> {
  const loss = await novelLoss(model, tokens);
  return loss > NATURAL_LOSS
    ? {
        ok: false,
        message: `To the model your text reads as noise (${loss.toFixed(1)} nats a token where it is not repeating itself; English is 4-5.5). Use real words and sentences.`,
      }
    : undefined;
}

/** A number the reader typed: `1,234.5`, `-0.25`, `3e-4`, `12%` (as 0.12); undefined if none. */
export function parseAnswerNumber(text: string): number | undefined {
  const t = text.trim().replace(/,/g, '').replace(/−/g, '-');
  const pct = t.endsWith('%');
  const body = pct ? t.slice(0, -1).trim() : t;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(body)) return undefined;
  const v = Number(body);
  return Number.isFinite(v) ? (pct ? v / 100 : v) : undefined;
}

/**
 * Whether `answer` is within `tol` of `truth`: relative to |truth| when
 * `relative`, absolute otherwise. The message never states the true value
 * (the solution does, on request).
 */
export function checkNumber(
  answer: string,
  truth: number,
  tol: number,
  relative = true,
): CheckResult {
  const v = parseAnswerNumber(answer);
  if (v === undefined) return { ok: false, message: 'Type a number (for example 0.42).' };
  const err = Math.abs(v - truth);
  const ok = err <= (relative ? tol * Math.abs(truth) : tol);
  return ok
    ? { ok: true, message: `Right: ${v} is within the tolerance of the model’s value.` }
    : { ok: false, message: `${v} is not it (not within the tolerance).` };
}

/** One option of a predict-then-check exercise and the probability the model gives its first token. */
export interface OptionProbability {
  option: string;
  prob: number;
}

/**
 * The probability `model` gives, after `prompt`, to the first token of each
 * option: what a predict-then-check exercise shows beside the reader's
 * prediction once it is committed.
 */
export async function optionProbabilities(
  model: HookedModel,
  tokenizer: { encode(text: string): number[] },
  prompt: string,
  options: readonly string[],
): Promise<OptionProbability[]> {
  const { logitsAt, softmax } = await import('../../model/predictions');
  const ids = tokenizer.encode(prompt);
  const r = await model.run(ids);
  const probs = softmax(logitsAt(r.logits!, ids.length - 1));
  return options.map((option) => ({ option, prob: probs[tokenizer.encode(option)[0]] }));
}

/**
 * The verdict of a predict-then-check exercise: right when the reader's
 * option is the model's most likely one; either way the message shows both
 * the prediction and what the model did (the prediction is already committed).
 */
export function judgePrediction(
  picked: string,
  probs: readonly OptionProbability[],
  show: (option: string) => string = (o) => `“${o}”`,
): CheckResult {
  if (!probs.some((p) => p.option === picked))
    return { ok: false, message: 'Choose your prediction first.' };
  const best = probs.reduce((a, b) => (b.prob > a.prob ? b : a));
  const model = probs.map((p) => `${show(p.option)} ${(100 * p.prob).toPrecision(2)}%`).join(', ');
  return {
    ok: best.option === picked,
    message: `You predicted ${show(picked)}. The model gives ${model}.`,
  };
}

/** Python's repr() of a str, as a notebook prints a decoded token (quotes, backslashes, control characters). */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return quote + out + quote;
}
