/**
 * One ORT runtime and one session per model per page, created lazily on the
 * first request and shared by every widget that asks for the same model.
 */
import { browserEnvironment, chooseBackend, type BackendChoice, type BackendName } from './backend';
import { OrtExecutor, pageExecutor } from './executor';
import { HookedModel } from './hooked-model';
import {
  loadCheckpointIndex,
  loadCheckpointWeights,
  loadModelFiles,
  type CheckpointInfo,
  type LoadOptions,
  type LoadProgress,
} from './loader';
import { loadBrowserOrt, type Ort } from './ort';
import { ModelWeights } from './weights';

/** How a registry finds ORT, the backend and the files. */
export interface RegistryOptions {
  /** Loads the ORT module for a backend (default: onnxruntime-web's build for it, self-hosted). */
  loadOrt?: (backend: BackendName) => Promise<Ort>;
  /** Chooses the backend (default: from the browser and `?backend=`). */
  chooseBackend?: () => Promise<BackendChoice>;
  /**
   * The models folder URL, ending in `/`. The runtime never works out where
   * the site is: the page passes it in (the kit's door gives the folder under
   * the book's root); default `models/` relative to the page.
   */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** ORT provider names per backend (onnxruntime-node calls its CPU provider `cpu`). */
  executionProviders?: Partial<Record<BackendName, string>>;
  /** The lock every ORT call takes (default the page's one executor). */
  executor?: OrtExecutor;
}

interface Entry {
  model: Promise<HookedModel>;
  progress: Set<(p: LoadProgress) => void>;
}

/** Caches models by id; a failed load is forgotten so asking again retries. */
export class ModelRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly checkpoints = new Map<string, Promise<ModelWeights>>();
  /** One lock for every ORT call of every model: see executor.ts. */
  readonly executor: OrtExecutor;
  private manifestOptions?: LoadOptions;
  private backend?: Promise<BackendChoice>;
  private readonly options: RegistryOptions;

  constructor(options: RegistryOptions = {}) {
    this.options = options;
    this.executor = options.executor ?? pageExecutor();
  }

  /**
   * The shared model `id`, loading it on first use. `onProgress` hears the
   * download of this load (late subscribers hear the rest of it).
   */
  get(id: string, onProgress?: (p: LoadProgress) => void): Promise<HookedModel> {
    let entry = this.entries.get(id);
    if (!entry) {
      const progress = new Set<(p: LoadProgress) => void>();
      const model = this.load(id, (p) => progress.forEach((l) => l(p)));
      entry = { model, progress };
      this.entries.set(id, entry);
      model.catch(() => this.entries.delete(id));
    }
    if (onProgress) {
      const e = entry;
      e.progress.add(onProgress);
      void e.model.finally(() => e.progress.delete(onProgress)).catch(() => undefined);
    }
    return entry.model;
  }

  /** The training checkpoints of model `id` (empty when it has none). */
  checkpointIndex(id: string): Promise<CheckpointInfo[]> {
    return loadCheckpointIndex(id, this.loadOptions());
  }

  /**
   * The weights of one checkpoint of model `id`, to run through the model's
   * own graph (`model.run(tokens, { weights })`). Cached; a failed load retries.
   */
  checkpointWeights(id: string, file: string): Promise<ModelWeights> {
    const key = `${id}/${file}`;
    let w = this.checkpoints.get(key);
    if (!w) {
      w = Promise.all([this.get(id), loadCheckpointWeights(id, file, this.loadOptions())]).then(
        ([model, tensors]) => new ModelWeights(model.config, tensors),
      );
      this.checkpoints.set(key, w);
      w.catch(() => this.checkpoints.delete(key));
    }
    return w;
  }

  /** The backend models on this page use (chosen once per page). */
  chosenBackend(): Promise<BackendChoice> {
    this.backend ??= (this.options.chooseBackend ?? (() => chooseBackend(browserEnvironment())))();
    return this.backend;
  }

  /** Models loaded so far (for diagnostics). */
  async loaded(): Promise<HookedModel[]> {
    const settled = await Promise.allSettled([...this.entries.values()].map((e) => e.model));
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  private loadOptions(): LoadOptions {
    this.manifestOptions ??= {
      baseUrl: this.options.baseUrl ?? 'models/',
      fetch: this.options.fetch,
    };
    return this.manifestOptions;
  }

  private async load(id: string, onProgress: (p: LoadProgress) => void): Promise<HookedModel> {
    const loadOrt = this.options.loadOrt ?? ((b: BackendName) => loadBrowserOrt(b));
    const load: LoadOptions = { ...this.loadOptions(), onProgress };
    // The runtime and the model files download in parallel.
    const [backend, ort, files] = await Promise.all([
      this.chosenBackend(),
      this.chosenBackend().then((b) => loadOrt(b.backend)),
      loadModelFiles(id, load),
    ]);
    return HookedModel.create({
      ort,
      config: files.config,
      graph: files.graph,
      weights: new ModelWeights(files.config, files.weights),
      backend,
      loadWasmOrt: () => loadOrt('wasm'),
      executor: this.executor,
      executionProviders: this.options.executionProviders,
    });
  }
}

let page: ModelRegistry | undefined;

/**
 * The page's registry: every widget on a page shares it (and so its
 * sessions). The first call's `options` make it; later calls get that one.
 */
export function pageRegistry(options?: RegistryOptions): ModelRegistry {
  page ??= new ModelRegistry(options);
  return page;
}

/**
 * Replaces the page's registry with one built from `options` (tests drive
 * figures against an injected ORT this way); returns it. Models loaded from
 * the old registry keep running on its executor.
 */
export function configurePageRegistry(options: RegistryOptions): ModelRegistry {
  page = new ModelRegistry(options);
  return page;
}
