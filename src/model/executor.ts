/**
 * The page's one door into onnxruntime: every call into ORT (session
 * creation, run, reading and disposing tensors, release, backend fallback)
 * runs as a job of one executor, one job at a time.
 *
 * Why: ORT's WebGPU build is asyncify wasm, which must never be entered while
 * a call into it is suspended (awaiting the GPU). Two figures creating or
 * running sessions at overlapping times throw `RuntimeError: memory access out
 * of bounds` and leave the module unusable. Serialising only session creation,
 * or only runs, is not enough: a creation overlapping another model's run
 * crashes too. So nothing touches ORT except inside `exclusive`.
 *
 * On top of the lock:
 * - latest-wins channels (`latest`): a request overtaken by a newer one on the
 *   same channel before its turn never runs, and one overtaken during its run
 *   resolves to `STALE`;
 * - a deadline per job: a WebGPU call that never returns marks WebGPU broken
 *   for the page and frees the lock (nothing calls that wasm module again, so
 *   nothing can overlap with the stuck call); a WASM call that overruns only
 *   rejects its caller, and the lock waits for the call to end;
 * - a page-wide record of broken backends, so that after one crash every
 *   model leaves the crashed module, not just the one that saw the error.
 */
import type { BackendName } from './backend';

/** What a request overtaken on its channel resolves to. */
export const STALE: unique symbol = Symbol('stale');

/** How long one job may hold ORT before it is declared stuck, ms. */
export const ORT_CALL_DEADLINE_MS = 40_000;

/** A job that ran past the executor's deadline. */
export class OrtTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} got no answer from the runtime in ${Math.round(ms / 1000)} s`);
    this.name = 'OrtTimeoutError';
  }
}

/** How to run one job. */
export interface JobOptions {
  /** What the job is, for errors ("a run of attn-only-2l"). */
  what?: string;
  /** The ORT module the job calls into; a stuck WebGPU job marks WebGPU broken. */
  backend?: BackendName;
}

/** Told when a backend is declared broken for the page. */
export type BrokenListener = (backend: BackendName, reason: string) => void;

/**
 * True when `e` is the wasm module itself failing (a trap), not an error ORT
 * reports cleanly: after it, that module's state cannot be trusted.
 */
export function isRuntimeCrash(e: unknown): boolean {
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return /RuntimeError|memory access out of bounds|unreachable|table index is out of bounds|null function|Aborted\(/i.test(
    message,
  );
}

/** One lock for every ORT call on the page, with latest-wins channels and deadlines. */
export class OrtExecutor {
  readonly deadlineMs: number;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly generation = new Map<string, number>();
  private readonly broken = new Map<BackendName, string>();
  private readonly brokenListeners = new Set<BrokenListener>();
  private running = 0;
  private waiting = 0;
  private done = 0;

  constructor(options: { deadlineMs?: number } = {}) {
    this.deadlineMs = options.deadlineMs ?? ORT_CALL_DEADLINE_MS;
  }

  /**
   * Runs `job` after every job queued before it; never two at once. A job
   * must not wait on another job of the same executor (it would wait forever).
   */
  exclusive<T>(job: () => Promise<T>, options: JobOptions = {}): Promise<T> {
    this.waiting++;
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const result = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.tail = this.tail.then(
      () =>
        new Promise<void>((release) => {
          this.waiting--;
          this.running++;
          let freed = false;
          const free = () => {
            if (freed) return;
            freed = true;
            this.running--;
            this.done++;
            release();
          };
          const timer = setTimeout(() => {
            const error = new OrtTimeoutError(options.what ?? 'a call', this.deadlineMs);
            reject(error);
            // A stuck WebGPU call is abandoned with its module; a WASM one keeps the lock.
            if (options.backend === 'webgpu') {
              this.markBroken('webgpu', `WebGPU stopped answering: ${error.message}`);
              free();
            }
          }, this.deadlineMs);
          let own: Promise<T>;
          try {
            own = job();
          } catch (e) {
            own = Promise.reject(e);
          }
          own.then(resolve, reject).finally(() => {
            clearTimeout(timer);
            free();
          });
        }),
    );
    return result;
  }

  /**
   * `exclusive` on a latest-wins `channel`: resolves to the job's value if no
   * newer request came on the channel before it finished, else to `STALE`
   * (and the job is skipped if it had not started).
   */
  latest<T>(
    channel: string,
    job: () => Promise<T>,
    options: JobOptions = {},
  ): Promise<T | typeof STALE> {
    const mine = (this.generation.get(channel) ?? 0) + 1;
    this.generation.set(channel, mine);
    const current = () => this.generation.get(channel) === mine;
    return this.exclusive(async () => {
      if (!current()) return STALE;
      const value = await job();
      return current() ? value : STALE;
    }, options);
  }

  /**
   * Declares `backend` unusable on this page (its wasm module crashed or hung,
   * or its GPU device was lost) and tells every listener, once.
   */
  markBroken(backend: BackendName, reason: string): void {
    if (this.broken.has(backend)) return;
    this.broken.set(backend, reason);
    for (const l of this.brokenListeners) l(backend, reason);
  }

  /** Why `backend` is broken on this page, or undefined while it works. */
  brokenReason(backend: BackendName): string | undefined {
    return this.broken.get(backend);
  }

  /** Subscribes to backends breaking; returns the unsubscribe function. */
  onBroken(listener: BrokenListener): () => void {
    this.brokenListeners.add(listener);
    return () => this.brokenListeners.delete(listener);
  }

  /** Jobs running now (0 or 1, except while a stuck WebGPU call is abandoned). */
  get active(): number {
    return this.running;
  }

  /** Jobs waiting for their turn. */
  get queued(): number {
    return this.waiting;
  }

  /** Jobs finished since the page loaded. */
  get completed(): number {
    return this.done;
  }
}

let page: OrtExecutor | undefined;

/** The page's executor: every model on a page shares it. */
export function pageExecutor(): OrtExecutor {
  page ??= new OrtExecutor();
  return page;
}
