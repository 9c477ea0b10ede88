/**
 * Sequence-length buckets. WebGPU compiles shaders per input shape, so every
 * prompt is right-padded to one of a few lengths and typing never triggers a
 * recompile after warm-up. Causal attention makes right-padding exact: no
 * real position attends to a later (padded) one.
 */
import { type DimName, isPositional } from './hooks';

/** The default buckets for a context of `nCtx`: 16, 32, 64, 128, ... up to and including nCtx. */
export function defaultBuckets(nCtx: number): number[] {
  const out: number[] = [];
  for (let b = 16; b < nCtx; b *= 2) out.push(b);
  out.push(nCtx);
  return out;
}

/** The smallest bucket holding `length` tokens; throws past the largest. */
export function bucketFor(length: number, buckets: readonly number[]): number {
  for (const b of buckets) if (length <= b) return b;
  throw new Error(
    `a prompt of ${length} tokens is longer than the context (${buckets[buckets.length - 1]})`,
  );
}

/**
 * Cuts every positional axis of a row-major tensor from `padded` down to
 * `length`, e.g. a pattern `[batch, head_index, query_pos, key_pos]` from
 * `[b, h, 64, 64]` to `[b, h, n, n]`.
 */
export function trimPositions(
  data: Float32Array,
  shape: readonly number[],
  dims: readonly DimName[],
  length: number,
): { data: Float32Array; shape: number[] } {
  if (shape.length !== dims.length) {
    throw new Error(`trimPositions: shape [${shape.join(', ')}] vs dims [${dims.join(', ')}]`);
  }
  const outShape = shape.map((s, i) => (isPositional(dims[i]) ? Math.min(s, length) : s));
  if (outShape.every((s, i) => s === shape[i])) return { data, shape: [...shape] };
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  // Copy contiguous innermost runs: walk the outer index space of outShape.
  let inner = 1;
  let k = shape.length - 1;
  while (k >= 0 && outShape[k] === shape[k]) inner *= shape[k--];
  const runLen = inner * outShape[k];
  const outerDims = outShape.slice(0, k);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const idx = new Array(outerDims.length).fill(0);
  let dst = 0;
  const outerCount = outerDims.reduce((a, b) => a * b, 1);
  for (let n = 0; n < outerCount; n++) {
    let src = 0;
    for (let i = 0; i < idx.length; i++) src += idx[i] * strides[i];
    out.set(data.subarray(src, src + runLen), dst);
    dst += runLen;
    for (let i = idx.length - 1; i >= 0; i--) {
      if (++idx[i] < outerDims[i]) break;
      idx[i] = 0;
    }
  }
  return { data: out, shape: outShape };
}
