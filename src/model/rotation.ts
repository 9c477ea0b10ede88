/**
 * Change of basis of a model's weights, run through the same graph.
 *
 * Residual stream (x -> x R with R orthogonal): every weight that writes the
 * stream is multiplied by R on the right, every weight that reads it by R^T
 * on the left. With no LayerNorm nothing else sees the basis, so the logits
 * are unchanged: the residual stream has no privileged basis.
 *
 * MLP neurons (h -> h P): W_in P, b_in P, P^T W_out. GELU acts on each neuron
 * separately, so unless P is a permutation the function changes: the neuron
 * basis is privileged.
 */
import type { Matrix } from 'ml-matrix';
import type { Float32Tensor, TensorMap } from './safetensors';
import type { ModelWeights } from './weights';

/**
 * `x` (trailing dim n) times R: each length-n row r becomes r R.
 * Works for any tensor whose last axis is the rotated one.
 */
function rightMultiply(t: Float32Tensor, R: Matrix): Float32Tensor {
  const n = R.rows;
  const last = t.shape[t.shape.length - 1];
  if (last !== n) throw new Error(`rotation: last axis of [${t.shape.join(', ')}] is not ${n}`);
  const rows = t.data.length / n;
  const r = R.to1DArray();
  const out = new Float32Array(t.data.length);
  const acc = new Float64Array(n);
  for (let i = 0; i < rows; i++) {
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const x = t.data[i * n + k];
      for (let j = 0; j < n; j++) acc[j] += x * r[k * n + j];
    }
    out.set(acc, i * n);
  }
  return { data: out, shape: t.shape };
}

/**
 * `R^T M` along an axis of length n that is second-to-last (per-head
 * matrices [n_heads, d_model, d_head] or a plain [d_model, k]).
 */
function leftMultiplyTransposed(t: Float32Tensor, R: Matrix): Float32Tensor {
  const n = R.rows;
  const dims = t.shape;
  const rowsAxis = dims[dims.length - 2];
  if (rowsAxis !== n) throw new Error(`rotation: axis -2 of [${dims.join(', ')}] is not ${n}`);
  const cols = dims[dims.length - 1];
  const blocks = t.data.length / (n * cols);
  const r = R.to1DArray();
  const out = new Float32Array(t.data.length);
  const acc = new Float64Array(n * cols);
  for (let b = 0; b < blocks; b++) {
    acc.fill(0);
    const base = b * n * cols;
    // (R^T M)[i, c] = Σ_k R[k, i] M[k, c]
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        const rki = r[k * n + i];
        if (rki === 0) continue;
        for (let c = 0; c < cols; c++) acc[i * cols + c] += rki * t.data[base + k * cols + c];
      }
    }
    out.set(acc, base);
  }
  return { data: out, shape: t.shape };
}

/**
 * The weights with the residual stream rotated by an orthogonal R
 * [d_model, d_model]: W_E, W_pos, W_O, b_O, W_out, b_out times R; W_Q, W_K,
 * W_V, W_in, W_U times R^T from the left. Identity kept: same logits.
 */
export function rotateResidualStream(w: ModelWeights, R: Matrix): ModelWeights {
  const { d_model, n_layers } = w.config;
  if (R.rows !== d_model || R.columns !== d_model) {
    throw new Error(
      `rotateResidualStream: R is [${R.rows}, ${R.columns}], expected [${d_model}, ${d_model}]`,
    );
  }
  const out: TensorMap = new Map();
  const writes = ['embed.W_E', 'pos_embed.W_pos'];
  const reads = ['unembed.W_U'];
  for (let l = 0; l < n_layers; l++) {
    writes.push(`blocks.${l}.attn.W_O`, `blocks.${l}.attn.b_O`);
    reads.push(`blocks.${l}.attn.W_Q`, `blocks.${l}.attn.W_K`, `blocks.${l}.attn.W_V`);
    if (w.has(`blocks.${l}.mlp.W_in`)) {
      writes.push(`blocks.${l}.mlp.W_out`, `blocks.${l}.mlp.b_out`);
      reads.push(`blocks.${l}.mlp.W_in`);
    }
  }
  for (const name of writes) out.set(name, rightMultiply(w.get(name), R));
  for (const name of reads) out.set(name, leftMultiplyTransposed(w.get(name), R));
  return w.with(out);
}

/**
 * The weights with layer `l`'s MLP neurons mixed by an orthogonal P
 * [d_mlp, d_mlp]: W_in P, b_in P, P^T W_out. Changes the logits (GELU is
 * elementwise) unless P is a permutation.
 */
export function rotateMlpNeurons(w: ModelWeights, l: number, P: Matrix): ModelWeights {
  const d_mlp = w.config.d_mlp;
  if (d_mlp === null) throw new Error(`rotateMlpNeurons: ${w.config.model_name} has no MLP`);
  if (P.rows !== d_mlp || P.columns !== d_mlp) {
    throw new Error(
      `rotateMlpNeurons: P is [${P.rows}, ${P.columns}], expected [${d_mlp}, ${d_mlp}]`,
    );
  }
  return w.with(
    new Map([
      [`blocks.${l}.mlp.W_in`, rightMultiply(w.get(`blocks.${l}.mlp.W_in`), P)],
      [`blocks.${l}.mlp.b_in`, rightMultiply(w.get(`blocks.${l}.mlp.b_in`), P)],
      [`blocks.${l}.mlp.W_out`, leftMultiplyTransposed(w.get(`blocks.${l}.mlp.W_out`), P)],
    ]),
  );
}
