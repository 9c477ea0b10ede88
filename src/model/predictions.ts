/**
 * Next-token predictions read off logits: softmax probabilities and the top k
 * tokens at a position, for logits from a run (`[batch, pos, d_vocab]`) or a
 * single logit vector (e.g. one row of the logit lens). Pure functions.
 */
import type { Activation } from './hooked-model';
import { logSumExp } from './metrics';

/** One predicted token: its id, logit and softmax probability. */
export interface TokenPrediction {
  id: number;
  logit: number;
  prob: number;
}

/** The logit vector `[d_vocab]` of batch row `row` at position `pos` (a view, not a copy). */
export function logitsAt(logits: Activation, pos: number, row = 0): Float32Array {
  const [, n, d_vocab] = logits.shape;
  if (pos < 0 || pos >= n) throw new Error(`logitsAt: position ${pos} outside [0, ${n})`);
  return logits.data.subarray((row * n + pos) * d_vocab, (row * n + pos + 1) * d_vocab);
}

/**
 * The `k` most likely tokens of one logit vector, most likely first, with
 * probabilities from a stable softmax over the whole vector.
 * Ties keep the lower id first.
 */
export function topPredictions(logits: ArrayLike<number>, k: number): TokenPrediction[] {
  const lse = logSumExp(logits, 0, logits.length);
  const best: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    if (best.length < k || logits[i] > logits[best[best.length - 1]]) {
      let j = best.length < k ? best.length : best.length - 1;
      best[j] = i;
      while (j > 0 && logits[best[j]] > logits[best[j - 1]]) {
        [best[j], best[j - 1]] = [best[j - 1], best[j]];
        j--;
      }
    }
  }
  return best.map((id) => ({ id, logit: logits[id], prob: Math.exp(logits[id] - lse) }));
}

/** Softmax probability of token `id` under one logit vector. */
export function probabilityOf(logits: ArrayLike<number>, id: number): number {
  return Math.exp(logits[id] - logSumExp(logits, 0, logits.length));
}
