/**
 * The one door to onnxruntime: the runtime never imports ORT at module top
 * level, so pages that never show a figure never download its ~27 MB of wasm,
 * and Node tests can inject onnxruntime-node (same API) instead.
 */
import type * as OrtModule from 'onnxruntime-web';
import { parseUrlOptions } from './backend';

/** The ORT API the runtime uses (onnxruntime-web and onnxruntime-node both provide it). */
export type Ort = typeof OrtModule;
/** An ORT tensor. */
export type OrtTensor = OrtModule.Tensor;
/** An ORT inference session. */
export type OrtSession = OrtModule.InferenceSession;

let browserOrt: Promise<Ort> | undefined;

/**
 * Loads `onnxruntime-web/webgpu` once per page (the WebGPU EP with the WASM
 * EP beside it) and points it at the self-hosted wasm that Vite bundled under
 * the site's base, so no request leaves the origin. `threads` (default
 * `?threads=` in the page URL, else up to 4) sets the WASM thread count, used
 * only where the page is cross-origin isolated.
 */
export function loadBrowserOrt(threads?: number): Promise<Ort> {
  browserOrt ??= (async () => {
    const [ort, wasm] = await Promise.all([
      import('onnxruntime-web/webgpu'),
      // The asyncify build is the one ort.webgpu.bundle.min.mjs instantiates.
      import('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url'),
    ]);
    const mod = ort as unknown as Ort;
    // ORT prints warnings (e.g. shape ops placed on CPU, which is by design)
    // through console.error; a reader's console should only show real errors.
    mod.env.logLevel = 'error';
    mod.env.wasm.wasmPaths = { wasm: new URL(wasm.default, location.href).href };
    // Threads only where the page is cross-origin isolated (COOP/COEP);
    // elsewhere ORT would warn and fall back to one thread anyway.
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    threads ??= parseUrlOptions(location.search).threads;
    mod.env.wasm.numThreads = isolated
      ? (threads ?? Math.min(4, navigator.hardwareConcurrency || 1))
      : 1;
    return mod;
  })();
  browserOrt.catch(() => {
    browserOrt = undefined; // a failed download can be retried
  });
  return browserOrt;
}
