/**
 * The one door to onnxruntime: the runtime never imports ORT at module top
 * level, so pages that never show a figure never download its wasm, and Node
 * tests can inject onnxruntime-node (same API) instead.
 */
import type * as OrtModule from 'onnxruntime-web';
import { parseUrlOptions, type BackendName } from './backend';

/** The ORT API the runtime uses (onnxruntime-web and onnxruntime-node both provide it). */
export type Ort = typeof OrtModule;
/** An ORT tensor. */
export type OrtTensor = OrtModule.Tensor;
/** An ORT inference session. */
export type OrtSession = OrtModule.InferenceSession;

const loaded = new Map<BackendName, Promise<Ort>>();

/**
 * Loads the ORT build for `backend` once per page and points it at the
 * self-hosted wasm that Vite bundled under the site's base, so no request
 * leaves the origin:
 * - `webgpu`: the native WebGPU EP. Where the browser has JavaScript Promise
 *   Integration (`WebAssembly.Suspending`, Chromium 137 and later),
 *   `onnxruntime-web/jspi`, whose wasm is 16.8 MB (2.6 MB brotli); elsewhere
 *   `onnxruntime-web/webgpu`, the asyncify build, 26.8 MB (4.4 MB brotli).
 *   `?ort=asyncify` in the page URL forces the asyncify build (see
 *   {@link webgpuBuild});
 * - `wasm`: `onnxruntime-web/wasm`, the plain SIMD build (~14 MB): smaller to
 *   download and faster on CPU than the asyncify build, which pays for the
 *   ability to await the GPU.
 * `threads` (default `?threads=` in the page URL, else up to 4) sets the WASM
 * thread count, used only where the page is cross-origin isolated.
 */
export function loadBrowserOrt(backend: BackendName, threads?: number): Promise<Ort> {
  let ort = loaded.get(backend);
  if (!ort) {
    ort = (async () => {
      const build = backend === 'webgpu' ? webgpuBuild() : 'wasm';
      const wasm = (
        build === 'jspi'
          ? import('onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url')
          : build === 'asyncify'
            ? import('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url')
            : import('onnxruntime-web/ort-wasm-simd-threaded.wasm?url')
      ).then((m) => {
        prefetchWasm(m.default);
        return m.default;
      });
      wasm.catch(() => undefined); // reported by the await below, never unhandled
      const mod =
        build === 'jspi'
          ? import('onnxruntime-web/jspi')
          : build === 'asyncify'
            ? import('onnxruntime-web/webgpu')
            : import('onnxruntime-web/wasm');
      return configure((await mod) as unknown as Ort, await wasm, threads, backend === 'wasm');
    })();
    loaded.set(backend, ort);
    ort.catch(() => loaded.delete(backend)); // a failed download can be retried
  }
  return ort;
}

/**
 * Starts downloading ORT's wasm as soon as the runtime is asked for. ORT
 * itself fetches it only when the first session is created, which waits for
 * the model's files: on a slow network the two downloads then ran one after
 * the other. This one fills the HTTP cache while the model downloads; ORT's
 * own request then finds it there (a 304 at most). Failures are ORT's to
 * report, so they are ignored here.
 */
function prefetchWasm(url: string): void {
  void fetch(new URL(url, location.href), { credentials: 'same-origin' })
    .then((r) => r.arrayBuffer())
    .catch(() => undefined);
}

/** Which WebGPU build of ORT's wasm a page gets. */
export type WebgpuBuild = 'jspi' | 'asyncify';

/**
 * The JSPI build where the browser supports JavaScript Promise Integration
 * (smaller: it needs no asyncify instrumentation to await the GPU), the
 * asyncify build elsewhere or with `?ort=asyncify` in the page URL.
 */
export function webgpuBuild(
  search = globalThis.location?.search ?? '',
  wasm: object = WebAssembly,
): WebgpuBuild {
  if (new URLSearchParams(search).get('ort') === 'asyncify') return 'asyncify';
  return typeof (wasm as { Suspending?: unknown }).Suspending === 'function' ? 'jspi' : 'asyncify';
}

/**
 * Whether the WASM build runs in ORT's proxy worker: yes in a browser page,
 * unless `?proxy=0`. Creating sessions and running them then happens off
 * the main thread, so scrolling and typing never wait for the model; inputs
 * are copied to the worker for each run (about 3 MB, a few ms).
 */
export function wasmProxy(search = globalThis.location?.search ?? ''): boolean {
  if (typeof document === 'undefined' || typeof Worker === 'undefined') return false;
  return new URLSearchParams(search).get('proxy') !== '0';
}

function configure(mod: Ort, wasmUrl: string, threads?: number, proxy = false): Ort {
  // ORT prints warnings (e.g. shape ops placed on CPU, which is by design)
  // through console.error; a reader's console should only show real errors.
  mod.env.logLevel = 'error';
  mod.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, location.href).href };
  // The WebGPU EP cannot be proxied; the plain WASM build can.
  mod.env.wasm.proxy = proxy && wasmProxy();
  // Threads only where the page is cross-origin isolated (COOP/COEP);
  // elsewhere ORT would warn and fall back to one thread anyway.
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  threads ??= parseUrlOptions(location.search).threads;
  mod.env.wasm.numThreads = isolated
    ? (threads ?? Math.min(4, navigator.hardwareConcurrency || 1))
    : 1;
  return mod;
}
