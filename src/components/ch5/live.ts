/**
 * What the chapter 5–6 figures share beyond the kit: the runtime module
 * (imported on demand), the models folder URL, and figures that need several models.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { BackendBadge, FigureStatus } from '../Figure';
import { loadSharedTokenizer } from '../kit';
import { backendBadge } from '../runtime/backend-badge';
import { siteUrl } from '../site-root';
import { useLoader } from '../use-loader';

/** The runtime module, imported on demand so ORT stays out of first-load JavaScript. */
export function runtime(): Promise<typeof import('./runtime-api')> {
  return import('./runtime-api');
}

/** The models folder URL under the site's base. */
export function modelsUrl(): string {
  return siteUrl('models/');
}

/** One model through the page registry, with the kit's `useModel` shape. */
export function useSerialModel(id: string) {
  const m = useModelsInOrder([id]);
  return { ...m, model: m.models?.[0] };
}

/** Several models and the shared tokenizer, behind one figure status. */
export interface FigureModels {
  status: FigureStatus;
  /** In the order asked, once all are loaded. */
  models: HookedModel[] | undefined;
  tokenizer: Tokenizer | undefined;
  badge: BackendBadge | undefined;
  /** Bumps when any model's backend changes (a lost WebGPU device). */
  backendVersion: number;
  retry: () => void;
}

/**
 * Loads `ids` through the page registry (one session per model per page),
 * all at once: the registry creates ORT sessions one at a time page-wide,
 * which is what WebGPU needs ("another WebGPU EP inference session is being
 * created"), so the downloads can overlap.
 */
export function useModelsInOrder(ids: readonly string[]): FigureModels {
  const key = ids.join(',');
  const load = useCallback(
    async (report: (r: { what: string; fraction?: number }) => void) => {
      const { loadModel } = await import('../../model/registry');
      const list = key.split(',');
      const fractions = list.map(() => 0);
      return Promise.all(
        list.map((id, i) =>
          loadModel(id, (p) => {
            fractions[i] = p.total ? p.loaded / p.total : 0;
            report({
              what: `the model${list.length > 1 ? 's' : ''} ${list.join(' and ')}`,
              fraction: fractions.reduce((x, y) => x + y, 0) / list.length,
            });
          }),
        ),
      );
    },
    [key],
  );
  const m = useLoader(load, { what: `the models ${ids.join(' and ')}` });
  const t = useLoader(loadSharedTokenizer, { what: 'the tokenizer' });
  const [backendVersion, setBackendVersion] = useState(0);
  useEffect(() => {
    if (!m.value) return;
    const offs = m.value.map((model) =>
      model.onBackendChange(() => setBackendVersion((v) => v + 1)),
    );
    return () => offs.forEach((off) => off());
  }, [m.value]);
  const status: FigureStatus =
    m.status.kind !== 'ready' ? m.status : t.status.kind !== 'ready' ? t.status : m.status;
  const { retry: retryModels } = m;
  const { retry: retryTokenizer } = t;
  const retry = useCallback(() => {
    retryModels();
    retryTokenizer();
  }, [retryModels, retryTokenizer]);
  return {
    status,
    models: m.value,
    tokenizer: t.value,
    badge: m.value ? backendBadge(m.value[0].backend) : undefined,
    backendVersion,
    retry,
  };
}
