/**
 * Head masks for ablation (`head_mask` input, `[batch, n_layers, n_heads]`,
 * 1 = head on, 0 = zero-ablated). See interventions.ts for the batched
 * every-head sweep.
 */
import type { HeadRef } from './circuits';
import type { ModelConfig } from './config';

/** One row `[1, n_layers, n_heads]` with the listed heads switched off (zero-ablated). */
export function headMaskWithout(config: ModelConfig, off: readonly HeadRef[]): Float32Array {
  const { n_layers, n_heads } = config;
  const mask = new Float32Array(n_layers * n_heads).fill(1);
  for (const { layer, head } of off) {
    if (layer < 0 || layer >= n_layers || head < 0 || head >= n_heads)
      throw new Error(`headMaskWithout: no head ${layer}.${head} in [${n_layers}, ${n_heads}]`);
    mask[layer * n_heads + head] = 0;
  }
  return mask;
}
