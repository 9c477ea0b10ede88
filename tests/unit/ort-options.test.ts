import { afterEach, describe, expect, it, vi } from 'vitest';
import { wasmProxy, webgpuBuild } from '../../src/model/ort';

describe('which ORT build and where it runs', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('runs WASM in the proxy worker in a page, unless ?proxy=0', () => {
    vi.stubGlobal('document', {});
    vi.stubGlobal('Worker', class {});
    expect(wasmProxy('')).toBe(true);
    expect(wasmProxy('?backend=wasm')).toBe(true);
    expect(wasmProxy('?proxy=0')).toBe(false);
  });

  it('never proxies outside a page (Node, a worker): there is no document or no Worker', () => {
    expect(wasmProxy('')).toBe(false);
    vi.stubGlobal('document', {});
    vi.stubGlobal('Worker', undefined);
    expect(wasmProxy('')).toBe(false);
  });

  it('takes the JSPI build where the browser has WebAssembly.Suspending, asyncify elsewhere or when asked', () => {
    expect(webgpuBuild('', { Suspending: function () {} })).toBe('jspi');
    expect(webgpuBuild('', {})).toBe('asyncify');
    expect(webgpuBuild('?ort=asyncify', { Suspending: function () {} })).toBe('asyncify');
  });
});
