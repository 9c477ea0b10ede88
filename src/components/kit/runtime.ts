/**
 * The figures' one door to the runtime. Everything a figure needs from
 * `src/model` at run time comes through here: the page's models, the shared
 * tokenizer and the runtime's math. Each is imported on demand, so ORT,
 * ml-matrix and the model code stay out of the page's first-load JavaScript
 * until a figure is on screen.
 *
 * The guarantee that no two calls into ORT overlap lives in the runtime (every
 * model's calls are jobs of the page's one `OrtExecutor`, see
 * `src/model/executor.ts`); this door makes sure figures only ever get models
 * from the page's registry, so they cannot open a second way in. ESLint
 * refuses a figure that imports the runtime or onnxruntime-web any other way.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { ModelRegistry } from '../../model/registry';
import type { Tokenizer } from '../../model/tokenizer';
import { siteUrl } from '../../lib/site-root';

/** Everything `src/model` exports: the runtime's math, metrics and types. */
export type Runtime = typeof import('../../model');

/** The runtime module (math, metrics, interventions), loaded once on first use. */
export function loadRuntime(): Promise<Runtime> {
  return import('../../model');
}

/**
 * The page's model registry (one session per model per page), loaded on first
 * use, reading the models from the folder under the book's root.
 */
export async function modelRegistry(): Promise<ModelRegistry> {
  const { pageRegistry } = await import('../../model/registry');
  return pageRegistry({ baseUrl: modelsUrl() });
}

/** The models folder under the book's root, for loaders that take a base URL. */
export function modelsUrl(): string {
  return siteUrl('models/');
}

let tokenizer: Promise<Tokenizer> | undefined;

/**
 * The tokenizer every model shares (`models/tokenizer.json`), fetched once a
 * page; a failed fetch is forgotten so Retry fetches again.
 */
export function loadTokenizer(): Promise<Tokenizer> {
  if (!tokenizer) {
    const p = import('../../model/tokenizer').then(({ loadTokenizer: load }) =>
      load(siteUrl('models/tokenizer.json')),
    );
    tokenizer = p;
    p.catch(() => {
      if (tokenizer === p) tokenizer = undefined;
    });
  }
  return tokenizer;
}

/**
 * Models `ids` from the page's registry, loading the ones not loaded yet (in
 * parallel: their downloads overlap, their sessions are created one at a time
 * by the executor). `onProgress` hears the fraction of all their downloads.
 */
export async function loadModels(
  ids: readonly string[],
  onProgress?: (fraction: number | undefined) => void,
): Promise<HookedModel[]> {
  const registry = await modelRegistry();
  const fractions = ids.map(() => 0);
  return Promise.all(
    ids.map((id, i) =>
      registry.get(id, (p) => {
        fractions[i] = p.total ? p.loaded / p.total : 0;
        onProgress?.(fractions.reduce((x, y) => x + y, 0) / ids.length);
      }),
    ),
  );
}
