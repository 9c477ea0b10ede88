import { useRef } from 'preact/hooks';
import type { HookedModel, RunResult } from '../../model/hooked-model';
import type { LogitComparison } from '../../model/predictions';
import type { ModelWeights } from '../../model/weights';
import type { RunInfo, Runtime } from '../kit';

/** How far a change of basis moved the logits, against float32 rounding: what both rotation figures report. */
export interface LogitChange extends LogitComparison, RunInfo {
  /** max |logits(changed) - logits(original)| over every position and token. */
  maxDiff: number;
  /** max |logits|, the scale float32 rounding is relative to. */
  scale: number;
  /** One float32 step at that scale. */
  epsilon: number;
}

/**
 * Runs `model` on `ids` twice, with its shipped weights and with `weights`
 * (channels `${channel}-original` and `${channel}-rotated`, reading `hooks`),
 * and compares the logits (KL, flips and the top 3 at every position, the
 * largest change against a float32 step). Null when a newer run overtook either.
 */
export async function runBothWays(
  L: Runtime,
  model: HookedModel,
  ids: readonly number[],
  channel: string,
  weights: ModelWeights,
  hooks: readonly string[] = [],
): Promise<{ base: RunResult; rot: RunResult; change: LogitChange } | null> {
  const base = await model.runLatest(`${channel}-original`, ids, { hooks });
  const rot = await model.runLatest(`${channel}-rotated`, ids, { hooks, weights });
  if (!base?.logits || !rot?.logits) return null;
  const scale = L.maxAbs(base.logits.data);
  const change: LogitChange = {
    ...L.compareLogits(base.logits.data, rot.logits.data, model.config.d_vocab, 3),
    maxDiff: L.maxAbsDiff(rot.logits.data, base.logits.data),
    scale,
    epsilon: L.FLOAT32_EPSILON * scale,
    backend: rot.backend,
  };
  return { base, rot, change };
}

/**
 * The changed weights of the last `key` a figure asked for: `get(key, make)`
 * calls `make` only when the key changes, so choosing another position or
 * editing the prompt does not rotate the weights again.
 */
export function useWeightsCache(): (key: string, make: () => ModelWeights) => ModelWeights {
  const cache = useRef<{ key: string; weights: ModelWeights } | undefined>(undefined);
  return (key, make) => {
    if (cache.current?.key !== key) cache.current = { key, weights: make() };
    return cache.current.weights;
  };
}
