import { useCallback } from 'preact/hooks';
import type { BackendChoice } from '../../model/backend';
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { BackendBadge, FigureStatus } from '../Figure';
import { backendBadge } from '../runtime/backend-badge';
import { useModel as useRuntimeModel } from '../runtime/use-model';
import { siteUrl } from '../site-root';
import { useLoader } from '../use-loader';

/** A figure's model and tokenizer, with one status for `<Figure>`. */
export interface FigureModel {
  /**
   * Loading (with the model download's progress), ready once both the model
   * and the tokenizer are, or the first error of the two.
   */
  status: FigureStatus;
  model: HookedModel | undefined;
  tokenizer: Tokenizer | undefined;
  /** The backend in use and why, once the model is loaded. */
  backend: BackendChoice | undefined;
  /** The badge for `<Figure backend={...}>`. */
  badge: BackendBadge | undefined;
  /**
   * Bumps when the backend changes (a lost WebGPU device moves the model to
   * WASM): put it in the dependencies of the effect that runs the model, so
   * the figure re-runs on the new backend.
   */
  backendVersion: number;
  /** Retries whatever failed (for `<Figure onRetry>`). */
  retry: () => void;
}

let tokenizerPromise: Promise<Tokenizer> | undefined;

/**
 * The tokenizer every model shares (`models/tokenizer.json`), fetched once a
 * page; a failed fetch is forgotten so Retry fetches again.
 */
export function loadSharedTokenizer(): Promise<Tokenizer> {
  tokenizerPromise ??= import('../../model/tokenizer').then(({ loadTokenizer }) =>
    loadTokenizer(siteUrl('models/tokenizer.json')),
  );
  tokenizerPromise.catch(() => (tokenizerPromise = undefined));
  return tokenizerPromise;
}

/**
 * Loads model `id` (through the page's shared registry: one ORT session per
 * model per page) and the shared tokenizer, lazily (the runtime is imported
 * dynamically when the figure mounts, which `client:visible` delays until it
 * is on screen). Usage:
 *
 * ```tsx
 * const m = useModel('attn-only-2l');
 * return <Figure status={m.status} onRetry={m.retry} backend={m.badge} ...>
 * ```
 */
export function useModel(id: string): FigureModel {
  const runtime = useRuntimeModel(id);
  const tok = useLoader(loadSharedTokenizer, { what: 'the tokenizer' });
  const status: FigureStatus =
    runtime.status.kind === 'error'
      ? runtime.status
      : tok.status.kind === 'error'
        ? tok.status
        : runtime.status.kind === 'loading'
          ? runtime.status
          : tok.status;
  const { retry: retryModel } = runtime;
  const { retry: retryTokenizer } = tok;
  const modelFailed = runtime.status.kind === 'error';
  const tokFailed = tok.status.kind === 'error';
  const retry = useCallback(() => {
    if (modelFailed) retryModel();
    if (tokFailed) retryTokenizer();
  }, [modelFailed, tokFailed, retryModel, retryTokenizer]);
  return {
    status,
    model: runtime.model,
    tokenizer: tok.value,
    backend: runtime.backend,
    badge: runtime.backend && backendBadge(runtime.backend),
    backendVersion: runtime.backendVersion,
    retry,
  };
}
