/**
 * What the chapter 5–6 figures share beyond the kit: the runtime module
 * (imported on demand), the models folder URL, and two models loaded in turn.
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

/**
 * The page's model loads, one at a time: figures of these chapters that load
 * different models at once would otherwise create two WebGPU sessions
 * together, which ORT refuses. (The registry is the right place for this; until
 * it serialises session creation, every figure here loads through this chain.)
 */
let loadChain: Promise<unknown> = Promise.resolve();

function inTurn<T>(load: () => Promise<T>): Promise<T> {
  const next = loadChain.then(load, load);
  loadChain = next.catch(() => undefined);
  return next;
}

/** One model through the page's load chain, with the kit's `useModel` shape. */
export function useSerialModel(id: string) {
  const m = useModelsInOrder([id]);
  return { ...m, model: m.models?.[0] };
}

/** Several models loaded one after another, and the shared tokenizer, behind one figure status. */
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
 * Loads `ids` one at a time through the page registry. ORT cannot create two
 * WebGPU sessions at once ("another WebGPU EP inference session is being
 * created"), so a figure that needs two models must not ask for both together.
 */
export function useModelsInOrder(ids: readonly string[]): FigureModels {
  const key = ids.join(',');
  const load = useCallback(
    async (report: (r: { what: string; fraction?: number }) => void) => {
      const { loadModel } = await import('../../model/registry');
      const out: HookedModel[] = [];
      for (const id of key.split(','))
        out.push(
          await inTurn(() =>
            loadModel(id, (p) =>
              report({
                what: `the model ${id}`,
                fraction: p.total ? p.loaded / p.total : undefined,
              }),
            ),
          ),
        );
      return out;
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
