/**
 * A loaded model on one ORT session: `run(tokens, { hooks, headMask, patch,
 * weights })` returns logits and the requested activations under their
 * TransformerLens names, as typed arrays with shapes.
 *
 * Guarantees: no two calls into ORT ever overlap on the page (session
 * creation, runs, tensor reads and disposal, release and backend fallback all
 * run as jobs of the page's one `OrtExecutor`); if the WebGPU module crashes,
 * hangs or loses its device, every model of the page moves to WASM and the
 * interrupted run is redone there; prompts are right-padded to length buckets
 * and every output is trimmed back to the real length; every tensor ORT hands
 * out is disposed before `run` resolves (`liveTensors` counts what is still
 * alive, 0 between runs).
 */
import type { BackendChoice, BackendName } from './backend';
import type { ModelConfig } from './config';
import { type DimName, hookDims } from './hooks';
import type { Ort, OrtSession, OrtTensor } from './ort';
import { isRuntimeCrash, OrtExecutor, pageExecutor, STALE } from './executor';
import { bucketFor, defaultBuckets, trimPositions } from './padding';
import type { ModelWeights } from './weights';

/** One activation: row-major data, its shape and TransformerLens dimension names. */
export interface Activation {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  readonly dims: readonly DimName[];
}

/** Activation patching inputs, at the real (unpadded) prompt length. */
export interface Patch {
  /** `[batch, n_layers, pos, n_heads]`: 1 where `hook_z` is replaced. */
  mask: Float32Array;
  /** `[batch, n_layers, pos, n_heads, d_head]`: the values patched in. */
  z: Float32Array;
}

/** What to run besides the tokens. */
export interface RunOptions {
  /** Hook names to read back (e.g. `blocks.0.attn.hook_pattern`); `logits` is always read unless `logits: false`. */
  hooks?: readonly string[];
  /** Read back `logits` (default true). A sweep that only needs hooks can skip the largest output. */
  logits?: boolean;
  /** `[batch, n_layers, n_heads]`, multiplies each head's `hook_z`; default all ones. */
  headMask?: Float32Array;
  /** Replace `hook_z` entries (activation patching); default none. */
  patch?: Patch;
  /** Other weights through the same graph (a checkpoint, a rotation, an edit); default the model's own. */
  weights?: ModelWeights;
}

/** The result of one run, every positional axis trimmed to `length`. */
export interface RunResult {
  /** Prompt length (the longest row of the batch). */
  length: number;
  /** The bucket the run was padded to. */
  bucket: number;
  batch: number;
  /** `[batch, pos, d_vocab]`, unless `logits: false` was asked. */
  logits?: Activation;
  /** The requested hooks by name. */
  hooks: Record<string, Activation>;
  /** The backend that ran it. */
  backend: BackendName;
  /** Wall time of the ORT call and the read-back, ms. */
  ms: number;
}

/** Everything needed to build a model on an ORT module. */
export interface HookedModelInit {
  /** The ORT module for `backend`. */
  ort: Ort;
  /**
   * The ORT module for WASM, loaded when a WebGPU model falls back (session
   * failure or lost device); default `ort` itself (whose builds carry both EPs).
   */
  loadWasmOrt?: () => Promise<Ort>;
  config: ModelConfig;
  /** `model.onnx` bytes (the graph; no weights inside). */
  graph: Uint8Array;
  weights: ModelWeights;
  backend: BackendChoice;
  /** Length buckets; default 16, 32, 64, ... n_ctx. */
  buckets?: number[];
  /**
   * The lock every ORT call of this model takes: no two calls into ORT may
   * overlap on a page (see executor.ts); default the page's executor.
   */
  executor?: OrtExecutor;
  /**
   * The ORT execution provider for each backend; default the backend's name.
   * onnxruntime-node (unit tests) calls its CPU provider `cpu`.
   */
  executionProviders?: Partial<Record<BackendName, string>>;
}

/** Listener for backend changes (e.g. WebGPU device lost -> WASM). */
export type BackendListener = (choice: BackendChoice) => void;

/** A model on one ORT session, shared by every widget on the page. */
export class HookedModel {
  readonly config: ModelConfig;
  /** The model's own weights (as shipped). */
  readonly weights: ModelWeights;
  readonly buckets: readonly number[];
  private ort: Ort;
  private readonly loadWasmOrt: () => Promise<Ort>;
  private readonly graph: Uint8Array;
  private readonly providers: Partial<Record<BackendName, string>>;
  private session!: OrtSession;
  private choice: BackendChoice;
  private readonly exec: OrtExecutor;
  private readonly listeners = new Set<BackendListener>();
  private weightFeeds = new WeakMap<ModelWeights, Record<string, OrtTensor>>();
  private live = 0;
  private runs = 0;

  private constructor(init: HookedModelInit) {
    this.ort = init.ort;
    this.loadWasmOrt = init.loadWasmOrt ?? (async () => init.ort);
    this.config = init.config;
    this.graph = init.graph;
    this.weights = init.weights;
    this.choice = init.backend;
    this.buckets = init.buckets ?? defaultBuckets(init.config.n_ctx);
    this.providers = init.executionProviders ?? {};
    this.exec = init.executor ?? pageExecutor();
  }

  /**
   * Creates the ORT session on the chosen backend, as one job of the page's
   * executor. WebGPU falls back to WASM (saying why in `backend.reason`) when
   * it is already broken on this page, when its module crashes while creating
   * the session, or, unless `?backend=webgpu` forced it, when the session
   * cannot be created there for any other reason.
   */
  static async create(init: HookedModelInit): Promise<HookedModel> {
    const model = new HookedModel(init);
    // After a crash anywhere on the page, this model leaves WebGPU too, and its figures re-run.
    model.exec.onBroken((backend, reason) => {
      if (backend === 'webgpu' && model.choice.backend === 'webgpu')
        void model.fallBackToWasm(reason).catch(() => undefined);
    });
    await model.exec.exclusive(() => model.openFirstSession(init.backend), {
      what: `creating the session of ${init.config.model_name}`,
      backend: init.backend.backend,
    });
    return model;
  }

  private async openFirstSession(choice: BackendChoice): Promise<void> {
    if (choice.backend !== 'webgpu') return this.openSession('wasm');
    const broken = this.exec.brokenReason('webgpu');
    if (!broken) {
      try {
        return await this.openSession('webgpu');
      } catch (e) {
        const crashed = isRuntimeCrash(e);
        if (crashed) this.exec.markBroken('webgpu', `WebGPU crashed (${(e as Error).message})`);
        if (choice.forced && !crashed) throw e;
        this.choice = {
          backend: 'wasm',
          reason: `WebGPU session failed (${(e as Error).message}); running on WASM`,
          forced: false,
        };
      }
    } else {
      this.choice = { backend: 'wasm', reason: `${broken}; running on WASM`, forced: false };
    }
    await this.useWasmOrt();
    await this.openSession('wasm');
  }

  /** The backend in use and why. */
  get backend(): BackendChoice {
    return this.choice;
  }

  /** ORT tensors created by this model and not yet disposed (0 between runs). */
  get liveTensors(): number {
    return this.live;
  }

  /** Runs completed on this model. */
  get runCount(): number {
    return this.runs;
  }

  /** Subscribes to backend changes; returns the unsubscribe function. */
  onBackendChange(listener: BackendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs a prompt (or a batch of prompts), after every run queued before it. */
  run(
    tokens: readonly number[] | readonly (readonly number[])[],
    options: RunOptions = {},
  ): Promise<RunResult> {
    const rows = toRows(tokens);
    return this.exec.exclusive(() => this.runWithRecovery(rows, options), this.jobOptions('a run'));
  }

  /**
   * Runs on a latest-wins `channel` (one per widget): resolves to `null` when
   * a newer request on the same channel overtook this one, so a figure only
   * ever draws the result for the prompt now on screen.
   */
  async runLatest(
    channel: string,
    tokens: readonly number[] | readonly (readonly number[])[],
    options: RunOptions = {},
  ): Promise<RunResult | null> {
    const rows = toRows(tokens);
    // Channels are per model: the page's executor is shared by every model.
    const r = await this.exec.latest(
      `${this.config.model_name}: ${channel}`,
      () => this.runWithRecovery(rows, options),
      this.jobOptions('a run'),
    );
    return r === STALE ? null : r;
  }

  /**
   * Moves to WASM now (what a lost WebGPU device triggers), then tells every
   * listener so figures re-run. Safe to call more than once.
   */
  fallBackToWasm(reason: string): Promise<void> {
    return this.exec.exclusive(() => this.switchToWasm(reason), {
      what: `moving ${this.config.model_name} to WASM`,
      backend: 'wasm',
    });
  }

  /** Frees the ORT session (as an executor job); the model cannot run after it. */
  release(): Promise<void> {
    return this.exec.exclusive(() => this.session.release(), this.jobOptions('releasing'));
  }

  /**
   * Runs one prompt per length bucket, one after the other (so it never
   * delays a figure's own request by more than one run), so WebGPU
   * compiles every bucket's shaders once and typing later never recompiles.
   * Cheap on WASM, where it only primes allocations.
   */
  async warmUp(hooks: readonly string[] = []): Promise<void> {
    for (const b of this.buckets) {
      await this.exec.latest(
        `${this.config.model_name}: warm-up ${b}`,
        () => this.runWithRecovery([new Array<number>(b).fill(0)], { hooks }),
        this.jobOptions('a warm-up run'),
      );
    }
  }

  /**
   * Destroys the WebGPU device under the session, exactly as a driver reset
   * would lose it (for the diagnostics page and tests); resolves once the
   * model runs on WASM.
   */
  async loseDeviceForTesting(): Promise<void> {
    if (this.choice.backend !== 'webgpu') return;
    const device = (await this.ort.env.webgpu.device) as GPUDevice;
    device.destroy();
    await new Promise<void>((resolve) => {
      const off = this.onBackendChange(() => {
        off();
        resolve();
      });
    });
  }

  private jobOptions(what: string): { what: string; backend: BackendName } {
    return { what: `${what} of ${this.config.model_name}`, backend: this.choice.backend };
  }

  /** Opens a session on `backend`; call only inside an executor job. */
  private async openSession(backend: BackendName): Promise<void> {
    // In ORT's proxy worker the graph's buffer is transferred (detached): give it a copy.
    const graph =
      backend === 'wasm' && this.ort.env.wasm?.proxy === true ? this.graph.slice() : this.graph;
    this.session = await this.ort.InferenceSession.create(graph, {
      executionProviders: [this.providers[backend] ?? backend],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3, // errors only: see ort.ts
    });
    if (backend === 'webgpu') {
      const device = (await this.ort.env.webgpu.device) as GPUDevice | undefined;
      // One device serves every model of the page: losing it breaks WebGPU for all.
      void device?.lost.then((info) => {
        if (info.reason === 'destroyed' && this.exec.brokenReason('webgpu')) return;
        this.exec.markBroken('webgpu', `WebGPU device lost (${info.message || info.reason})`);
      });
    }
  }

  /**
   * Moves to the WASM ORT module. Weight tensors belong to a module and a
   * device, so they are rebuilt on the next run.
   */
  private async useWasmOrt(): Promise<void> {
    this.ort = await this.loadWasmOrt();
    this.weightFeeds = new WeakMap();
  }

  /** Moves this model to WASM; call only inside an executor job. */
  private async switchToWasm(reason: string): Promise<void> {
    if (this.choice.backend === 'wasm') return;
    const old = this.session;
    await this.useWasmOrt();
    await this.openSession('wasm');
    // Only now: if WASM could not start, the model still says what it runs on.
    this.choice = {
      backend: 'wasm',
      reason: /running on WASM/.test(reason) ? reason : `${reason}; running on WASM`,
      forced: false,
    };
    // A crashed or stuck module is never entered again; a lost device's session is freed.
    if (!/crashed|stopped answering/.test(reason)) await old.release().catch(() => undefined);
    for (const l of this.listeners) l(this.choice);
  }

  /**
   * Runs on the current backend. If WebGPU is broken on the page (by this run
   * or another model's), moves to WASM first; if this run breaks it (a crash
   * or a lost device), moves and runs again there. Call only inside a job.
   */
  private async runWithRecovery(rows: number[][], options: RunOptions): Promise<RunResult> {
    const broken = this.exec.brokenReason(this.choice.backend);
    if (broken && this.choice.backend === 'webgpu') await this.switchToWasm(broken);
    else if (broken) throw new Error(`${broken}; reload the page to start the runtime again`);
    try {
      return await this.runNow(rows, options);
    } catch (e) {
      if (this.choice.backend !== 'webgpu') {
        if (isRuntimeCrash(e))
          this.exec.markBroken('wasm', `the WASM runtime crashed (${(e as Error).message})`);
        throw e;
      }
      let reason: string | undefined;
      if (isRuntimeCrash(e)) reason = `WebGPU crashed during a run (${(e as Error).message})`;
      else {
        // A run that fails because the device went away is retried on WASM;
        // any other error is the caller's to see.
        const device = (await this.ort.env.webgpu.device.catch(() => undefined)) as
          GPUDevice | undefined;
        const lost = await Promise.race([
          device?.lost.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 50)),
        ]);
        if (lost) reason = `WebGPU device lost during a run (${(e as Error).message})`;
      }
      if (!reason) throw e;
      this.exec.markBroken('webgpu', reason);
      await this.switchToWasm(this.exec.brokenReason('webgpu') ?? reason);
      return this.runNow(rows, options);
    }
  }

  private async runNow(rows: number[][], options: RunOptions): Promise<RunResult> {
    const { n_layers, n_heads, d_head, d_vocab } = this.config;
    const batch = rows.length;
    const length = Math.max(...rows.map((r) => r.length));
    if (length === 0) throw new Error('run: empty prompt');
    const bucket = bucketFor(length, this.buckets);
    for (const r of rows) {
      for (const t of r) {
        if (!Number.isInteger(t) || t < 0 || t >= d_vocab)
          throw new Error(`run: token ${t} outside [0, ${d_vocab})`);
      }
    }

    const fetches = [...(options.hooks ?? [])];
    if (options.logits !== false && !fetches.includes('logits')) fetches.push('logits');
    for (const name of fetches) {
      if (!this.config.hook_names.includes(name)) {
        throw new Error(
          `run: ${name} is not an output of ${this.config.model_name} (see config.json hook_names)`,
        );
      }
    }
    const tokens = new BigInt64Array(batch * bucket);
    rows.forEach((r, b) => r.forEach((t, p) => (tokens[b * bucket + p] = BigInt(t))));
    const headMask = options.headMask ?? ones(batch * n_layers * n_heads);
    expectLength('headMask', headMask, [batch, n_layers, n_heads]);
    const patch = options.patch
      ? padPatch(options.patch, batch, n_layers, length, bucket, n_heads, d_head)
      : undefined;

    const inputs: Record<string, OrtTensor> = {
      tokens: this.track(new this.ort.Tensor('int64', tokens, [batch, bucket])),
      head_mask: this.track(new this.ort.Tensor('float32', headMask, [batch, n_layers, n_heads])),
      patch_mask: this.track(
        new this.ort.Tensor('float32', patch?.mask ?? zeros(batch * n_layers * bucket * n_heads), [
          batch,
          n_layers,
          bucket,
          n_heads,
        ]),
      ),
      patch_z: this.track(
        new this.ort.Tensor(
          'float32',
          patch?.z ?? zeros(batch * n_layers * bucket * n_heads * d_head),
          [batch, n_layers, bucket, n_heads, d_head],
        ),
      ),
    };
    const feeds: Record<string, OrtTensor> = {
      ...(await this.weightTensors(options.weights ?? this.weights)),
    };
    for (const name of this.session.inputNames) if (name in inputs) feeds[name] = inputs[name];
    // ORT's proxy worker takes the inputs' buffers (transfers them): send copies,
    // so the weights and the caller's masks stay usable here.
    if (this.proxied)
      for (const [name, t] of Object.entries(feeds))
        feeds[name] = new this.ort.Tensor(t.type, (t.data as Float32Array).slice(), t.dims);

    const t0 = performance.now();
    let outputs: Record<string, OrtTensor> = {};
    try {
      outputs = (await this.session.run(feeds, fetches)) as Record<string, OrtTensor>;
      this.live += Object.keys(outputs).length;
      const hooks: Record<string, Activation> = {};
      for (const name of fetches) {
        const t = outputs[name];
        const data = (await t.getData()) as Float32Array;
        const dims = hookDims(name);
        const trimmed = trimPositions(data, t.dims, dims, length);
        hooks[name] = { data: trimmed.data, shape: trimmed.shape, dims };
      }
      const { logits, ...rest } = hooks;
      this.runs++;
      return {
        length,
        bucket,
        batch,
        logits,
        hooks: rest,
        backend: this.choice.backend,
        ms: performance.now() - t0,
      };
    } finally {
      for (const t of Object.values(outputs)) this.dispose(t);
      for (const t of Object.values(inputs)) this.dispose(t);
    }
  }

  /**
   * The weights as ORT inputs, made once per weight set and backend. On WASM,
   * CPU tensors wrap the arrays without copying. On WebGPU the weights are
   * uploaded once into GPU buffers on ORT's device, so a run uploads only the
   * tokens and masks. Neither kind is counted as transient: they live as long
   * as the weights (a lost device frees the GPU ones with it).
   */
  private async weightTensors(w: ModelWeights): Promise<Record<string, OrtTensor>> {
    let feeds = this.weightFeeds.get(w);
    if (!feeds) {
      feeds = {};
      const device =
        this.choice.backend === 'webgpu'
          ? ((await this.ort.env.webgpu.device) as GPUDevice)
          : undefined;
      for (const name of this.config.weight_names) {
        const t = w.get(name);
        if (device) {
          const buffer = device.createBuffer({
            size: Math.ceil(t.data.byteLength / 16) * 16,
            usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
          });
          device.queue.writeBuffer(buffer, 0, t.data.buffer, t.data.byteOffset, t.data.byteLength);
          feeds[name] = this.ort.Tensor.fromGpuBuffer(buffer, {
            dataType: 'float32',
            dims: [...t.shape],
          });
        } else {
          feeds[name] = new this.ort.Tensor('float32', t.data, [...t.shape]);
        }
      }
      this.weightFeeds.set(w, feeds);
    }
    return feeds;
  }

  /** True when ORT runs this model in its proxy worker (WASM in a browser page). */
  private get proxied(): boolean {
    return this.choice.backend === 'wasm' && this.ort.env.wasm?.proxy === true;
  }

  private track(t: OrtTensor): OrtTensor {
    this.live++;
    return t;
  }

  private dispose(t: OrtTensor): void {
    t.dispose();
    this.live--;
  }
}

function toRows(tokens: readonly number[] | readonly (readonly number[])[]): number[][] {
  if (tokens.length === 0) throw new Error('run: no tokens');
  return typeof tokens[0] === 'number'
    ? [[...(tokens as number[])]]
    : (tokens as number[][]).map((r) => [...r]);
}

function expectLength(what: string, a: Float32Array, shape: number[]): void {
  const n = shape.reduce((x, y) => x * y, 1);
  if (a.length !== n)
    throw new Error(`run: ${what} has ${a.length} values, expected [${shape.join(', ')}] = ${n}`);
}

function ones(n: number): Float32Array {
  return new Float32Array(n).fill(1);
}

function zeros(n: number): Float32Array {
  return new Float32Array(n);
}

/** Right-pads patch arrays from `length` to `bucket` positions (padding is never patched). */
function padPatch(
  p: Patch,
  batch: number,
  n_layers: number,
  length: number,
  bucket: number,
  n_heads: number,
  d_head: number,
): Patch {
  expectLength('patch.mask', p.mask, [batch, n_layers, length, n_heads]);
  expectLength('patch.z', p.z, [batch, n_layers, length, n_heads, d_head]);
  if (length === bucket) return p;
  const mask = new Float32Array(batch * n_layers * bucket * n_heads);
  const z = new Float32Array(batch * n_layers * bucket * n_heads * d_head);
  for (let bl = 0; bl < batch * n_layers; bl++) {
    mask.set(
      p.mask.subarray(bl * length * n_heads, (bl + 1) * length * n_heads),
      bl * bucket * n_heads,
    );
    z.set(
      p.z.subarray(bl * length * n_heads * d_head, (bl + 1) * length * n_heads * d_head),
      bl * bucket * n_heads * d_head,
    );
  }
  return { mask, z };
}
