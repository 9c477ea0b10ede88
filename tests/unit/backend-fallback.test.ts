import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/model/config';
import { HookedModel } from '../../src/model/hooked-model';
import type { Ort } from '../../src/model/ort';
import { parseSafetensors } from '../../src/model/safetensors';
import { ModelWeights } from '../../src/model/weights';
import { ort } from './node-model';
import { findModelDir } from './paths';

/**
 * onnxruntime-node standing in for a browser whose WebGPU session fails to
 * start (a blocklisted driver, say): creating a 'webgpu' session throws,
 * anything else runs on the real CPU provider.
 */
const brokenGpuOrt = {
  ...ort,
  InferenceSession: {
    create: async (graph: Uint8Array, options: { executionProviders: string[] }) => {
      if (options.executionProviders[0] === 'webgpu') throw new Error('no usable GPU device');
      return ort.InferenceSession.create(graph, { ...options, executionProviders: ['cpu'] });
    },
  },
} as unknown as Ort;

function init(forced: boolean) {
  const dir = findModelDir('attn-only-2l');
  const config = parseConfig(JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')));
  const bytes = readFileSync(`${dir}/weights.safetensors`);
  return {
    ort: brokenGpuOrt,
    config,
    graph: new Uint8Array(readFileSync(`${dir}/model.onnx`)),
    weights: new ModelWeights(
      config,
      parseSafetensors(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      ),
    ),
    backend: { backend: 'webgpu' as const, reason: 'WebGPU adapter available', forced },
  };
}

describe('backend fallback', () => {
  it('moves to WASM, saying why, when the WebGPU session cannot start', async () => {
    const model = await HookedModel.create(init(false));
    expect(model.backend.backend).toBe('wasm');
    expect(model.backend.reason).toMatch(/WebGPU session failed \(no usable GPU device\)/);
    const r = await model.run([1, 2, 3]);
    expect(r.backend).toBe('wasm');
    expect(r.logits!.shape).toEqual([1, 3, model.config.d_vocab]);
  });

  it('refuses to fall back when WebGPU was forced', async () => {
    await expect(HookedModel.create(init(true))).rejects.toThrow(/no usable GPU device/);
  });
});
