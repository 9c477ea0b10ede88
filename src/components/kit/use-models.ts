import { useCallback, useEffect, useState } from 'preact/hooks';
import type { BackendChoice } from '../../model/backend';
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { BackendBadge, FigureStatus } from './Figure';
import { useLoader, type LoadReport } from './use-loader';
import { loadModels, loadTokenizer } from './runtime';

/** A figure's models and the shared tokenizer, behind one status for `<Figure>`. */
export interface FigureModels {
  /**
   * Loading (with the downloads' progress) until every model and the
   * tokenizer are ready, then ready; or the error that stopped them.
   */
  status: FigureStatus;
  /** The models in the order asked, once all are loaded. */
  models: HookedModel[] | undefined;
  /** The first model asked for (most figures ask for one). */
  model: HookedModel | undefined;
  tokenizer: Tokenizer | undefined;
  /** The first model's backend and why; changes when WebGPU is lost or crashes. */
  backend: BackendChoice | undefined;
  /** The badge for `<Figure backend={...}>`: every backend in use, with the reasons. */
  badge: BackendBadge | undefined;
  /**
   * Bumps when any model's backend changes (WebGPU lost or crashed, models
   * moved to WASM): put it in the dependencies of the computation that runs
   * the models, so the figure runs again on the new backend.
   */
  backendVersion: number;
  /** Loads again whatever failed (for `<Figure onRetry>`). */
  retry: () => void;
}

/**
 * The one model hook: loads models `ids` from the page's registry (through
 * the kit's runtime door) and the shared tokenizer, lazily (the runtime is
 * imported when the figure mounts, which `client:visible` delays until it is
 * on screen). Usage:
 *
 * ```tsx
 * const m = useModels(['attn-only-2l']);
 * return <Figure status={m.status} onRetry={m.retry} backend={m.badge} ...>
 * ```
 */
export function useModels(ids: readonly string[]): FigureModels {
  const key = ids.join(',');
  const load = useCallback(
    async (report: (r: LoadReport) => void) => {
      const list = key.split(',');
      const what = `the model${list.length > 1 ? 's' : ''} ${list.join(' and ')}`;
      const [models, tokenizer] = await Promise.all([
        loadModels(list, (fraction) => report({ what, fraction })),
        loadTokenizer(),
      ]);
      return { models, tokenizer };
    },
    [key],
  );
  const loaded = useLoader(load, {
    what: `the model${ids.length > 1 ? 's' : ''} ${ids.join(' and ')}`,
  });
  const models = loaded.value?.models;
  const [backendVersion, setBackendVersion] = useState(0);
  useEffect(() => {
    if (!models) return;
    const offs = models.map((m) => m.onBackendChange(() => setBackendVersion((v) => v + 1)));
    return () => offs.forEach((off) => off());
  }, [models]);
  // Read on every render: a backend change re-renders through backendVersion.
  const backends = models?.map((m) => m.backend);
  return {
    // While loading, the figure names its models (data-models), so the page's
    // HTML says which models to warm at idle (kit/prefetch.ts).
    status: loaded.status.kind === 'loading' ? { ...loaded.status, models: ids } : loaded.status,
    models,
    model: models?.[0],
    tokenizer: loaded.value?.tokenizer,
    backend: backends?.[0],
    badge: backends && combinedBadge(backends),
    backendVersion,
    retry: loaded.retry,
  };
}

/** A move to WASM because WebGPU failed on this page (not merely absent or not chosen). */
const FAILED = /WebGPU (crashed|device lost|stopped answering|session failed)/;

/**
 * The badge for a figure's backends: "WebGPU" or "WASM", or "WebGPU + WASM"
 * while its models differ, with every distinct reason on hover and for
 * screen readers; and, when WebGPU failed on the page, a notice saying so.
 */
export function combinedBadge(choices: readonly BackendChoice[]): BackendBadge {
  const label = (c: BackendChoice) => (c.backend === 'webgpu' ? 'WebGPU' : 'WASM');
  const labels = [...new Set(choices.map(label))];
  const reasons = [...new Set(choices.map((c) => c.reason))];
  const failures = [
    ...new Set(
      choices.filter((c) => c.backend === 'wasm' && FAILED.test(c.reason)).map((c) => c.reason),
    ),
  ];
  return {
    label: labels.join(' + '),
    reason: reasons.join('; '),
    notice: failures.length > 0 ? `${failures.join('; ')}.` : undefined,
  };
}
