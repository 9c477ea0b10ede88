/**
 * Where in the residual stream's standard basis a writer puts its weight:
 * the share of a matrix's squared Frobenius norm that falls on each residual
 * coordinate (Elhage et al., 2021, on basis alignment). The stream has no
 * privileged basis, so a writer is spread evenly over coordinates unless
 * something broke the symmetry; in our models that is the initialisation,
 * which started `W_pos` as sinusoids in the last `POS_INIT_DIMS` coordinates
 * and `W_E` in the others (training/model.py, `pos_init_dims`).
 */
import type { Matrix } from 'ml-matrix';
import type { ModelWeights } from './weights';

/**
 * How many of the last residual coordinates training started `W_pos` in (as
 * sinusoids; `W_E` started in the other d_model - 32). A training setting that
 * config.json does not carry: keep it equal to training/model.py's
 * `pos_init_dims` (the model cards say it too).
 */
export const POS_INIT_DIMS = 32;

/**
 * Share of `M`'s squared Frobenius norm on each residual coordinate:
 * `e[j] = Σ_i M[i, j]^2 / Σ_ij M[i, j]^2` for a writer whose rows are vectors
 * in the stream (`W_E [d_vocab, d_model]`, `W_pos`, `W_O [d_head, d_model]`).
 * Sums to 1 (all zeros for a zero matrix).
 */
export function coordinateEnergy(M: Matrix): Float64Array {
  const out = new Float64Array(M.columns);
  let total = 0;
  for (let i = 0; i < M.rows; i++)
    for (let j = 0; j < M.columns; j++) {
      const x = M.get(i, j) ** 2;
      out[j] += x;
      total += x;
    }
  if (total > 0) for (let j = 0; j < out.length; j++) out[j] /= total;
  return out;
}

/** `Σ energy[from..to]` (both ends included): the share in a block of coordinates. */
export function energyIn(energy: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let j = Math.max(0, from); j <= Math.min(energy.length - 1, to); j++) s += energy[j];
  return s;
}

/**
 * Energy summed over consecutive blocks of `size` coordinates (the last block
 * may be shorter): `[ceil(d_model / size)]`, still summing to 1.
 */
export function groupEnergy(energy: ArrayLike<number>, size: number): Float64Array {
  if (!(size >= 1)) throw new Error(`groupEnergy: block size ${size} is not a positive integer`);
  const out = new Float64Array(Math.ceil(energy.length / size));
  for (let j = 0; j < energy.length; j++) out[Math.floor(j / size)] += energy[j];
  return out;
}

/** One writer into the stream and its energy per coordinate. */
export interface WriterEnergy {
  /** `W_E`, `W_pos`, `W_O 0.3`... */
  name: string;
  /** `[d_model]`, sums to 1. */
  energy: Float64Array;
}

/**
 * Energy per residual coordinate of every writer of an attention model:
 * `W_E`, `W_pos`, then each head's `W_O` in layer order (MLP writers are left
 * out). `[2 + n_layers * n_heads]` entries.
 */
export function writerEnergies(w: ModelWeights): WriterEnergy[] {
  const { n_layers, n_heads } = w.config;
  const out: WriterEnergy[] = [
    { name: 'W_E', energy: coordinateEnergy(w.W_E) },
    { name: 'W_pos', energy: coordinateEnergy(w.W_pos) },
  ];
  for (let l = 0; l < n_layers; l++)
    for (let h = 0; h < n_heads; h++)
      out.push({ name: `W_O ${l}.${h}`, energy: coordinateEnergy(w.W_O(l, h)) });
  return out;
}

/** The block training started `W_pos` in: `[d_model - POS_INIT_DIMS, d_model - 1]`. */
export function positionBlock(d_model: number): { from: number; to: number } {
  return { from: Math.max(0, d_model - POS_INIT_DIMS), to: d_model - 1 };
}
