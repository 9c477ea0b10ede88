/**
 * Which ORT execution provider runs the models on this page, and why.
 * WebGPU where the browser offers an adapter, WASM otherwise;
 * `?backend=wasm|webgpu` in the page URL forces one.
 */

/** The execution providers the runtime uses. */
export type BackendName = 'webgpu' | 'wasm';

/** The backend in use and the reason, for every figure to show. */
export interface BackendChoice {
  backend: BackendName;
  /** Why this backend: a sentence for the reader, e.g. "no WebGPU adapter; using WASM". */
  reason: string;
  /** True when `?backend=` chose it. */
  forced: boolean;
}

/** Options read from the page URL. */
export interface UrlOptions {
  /** `?backend=wasm|webgpu`. */
  backend?: BackendName;
  /** `?threads=N`: WASM threads (needs cross-origin isolation above 1). */
  threads?: number;
}

/** Reads `?backend=` and `?threads=` from a query string; ignores other values. */
export function parseUrlOptions(search: string): UrlOptions {
  const params = new URLSearchParams(search);
  const out: UrlOptions = {};
  const b = params.get('backend');
  if (b === 'wasm' || b === 'webgpu') out.backend = b;
  const t = Number(params.get('threads'));
  if (Number.isInteger(t) && t >= 1) out.threads = t;
  return out;
}

/** What the environment offers, injectable so tests can describe any browser. */
export interface BackendEnvironment {
  /** `navigator.gpu`, when present. */
  gpu?: { requestAdapter(): Promise<unknown | null> };
  /** `isSecureContext`: WebGPU exists only in secure contexts. */
  secure: boolean;
  /** The forced backend, from `?backend=`. */
  forced?: BackendName;
}

/** The current page's environment (browser only). */
export function browserEnvironment(): BackendEnvironment {
  const nav = globalThis.navigator as Navigator | undefined;
  return {
    gpu: nav && 'gpu' in nav ? (nav.gpu as BackendEnvironment['gpu']) : undefined,
    secure: globalThis.isSecureContext ?? false,
    forced: parseUrlOptions(globalThis.location?.search ?? '').backend,
  };
}

/**
 * Picks the backend. A forced WebGPU without an adapter is an error (the
 * reader or test asked for something this browser cannot do); an unforced one
 * falls back to WASM with the reason.
 */
export async function chooseBackend(env: BackendEnvironment): Promise<BackendChoice> {
  if (env.forced === 'wasm')
    return { backend: 'wasm', reason: 'WASM forced by ?backend=wasm', forced: true };
  let missing: string | undefined;
  if (!env.gpu)
    missing = env.secure
      ? 'this browser does not offer WebGPU'
      : 'WebGPU needs a secure context (https or localhost)';
  else {
    try {
      if (!(await env.gpu.requestAdapter())) missing = 'the browser found no WebGPU adapter';
    } catch (e) {
      missing = `requesting a WebGPU adapter failed: ${(e as Error).message}`;
    }
  }
  if (env.forced === 'webgpu') {
    if (missing) throw new Error(`?backend=webgpu was asked for, but ${missing}`);
    return { backend: 'webgpu', reason: 'WebGPU forced by ?backend=webgpu', forced: true };
  }
  if (missing)
    return { backend: 'wasm', reason: `${missing}; running on WASM (CPU)`, forced: false };
  return { backend: 'webgpu', reason: 'WebGPU adapter available', forced: false };
}
