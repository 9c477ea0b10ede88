/**
 * Small pure helpers for what chapter 3's figures show.
 */
import type { Tokenizer } from '../../model/tokenizer';

/** The `k` largest entries of `row` (length n) at offset `at`: index and value, descending. */
export function topOf(
  data: ArrayLike<number>,
  at: number,
  n: number,
  k: number,
): { index: number; value: number }[] {
  const best: { index: number; value: number }[] = [];
  for (let i = 0; i < n; i++) {
    const v = data[at + i];
    if (best.length < k || v > best[best.length - 1].value) {
      best.push({ index: i, value: v });
      best.sort((a, b) => b.value - a.value);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

/** `softmax(x[at .. at + n])` in float64. */
export function softmaxAt(data: ArrayLike<number>, at: number, n: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, data[at + i]);
  const out = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += out[i] = Math.exp(data[at + i] - max);
  for (let i = 0; i < n; i++) out[i] /= s;
  return out;
}

/** KL(p || q) in nats for two distributions of the same length. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++)
    if (p[i] > 0) s += p[i] * Math.log(p[i] / Math.max(q[i], 1e-300));
  return s;
}

/** Token text for display: the tokenizer's string with spaces as ·. */
export function tokenText(tokenizer: Tokenizer, id: number): string {
  return tokenizer.tokenStrings([id])[0];
}
