import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import { parseConfig } from '../../src/model/config';
import { HookedModel } from '../../src/model/hooked-model';
import type { Ort } from '../../src/model/ort';
import { parseSafetensors } from '../../src/model/safetensors';
import { ModelWeights } from '../../src/model/weights';
import { findModelDir } from './paths';

/** onnxruntime-node has onnxruntime-web's API; the runtime takes it injected. */
export const ort = ortNode as unknown as Ort;

const cache = new Map<string, Promise<HookedModel>>();

/**
 * A model from disk on onnxruntime-node's CPU EP (the runtime's 'wasm' backend
 * maps to ORT's 'cpu' provider here), optionally with other length buckets.
 */
export function loadNodeModel(id: string, buckets?: number[]): Promise<HookedModel> {
  const key = `${id} ${buckets?.join(',') ?? ''}`;
  let m = cache.get(key);
  if (!m) {
    const dir = findModelDir(id);
    const config = parseConfig(JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')));
    const bytes = readFileSync(`${dir}/weights.safetensors`);
    const weights = new ModelWeights(
      config,
      parseSafetensors(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      ),
    );
    m = HookedModel.create({
      ort,
      config,
      graph: new Uint8Array(readFileSync(`${dir}/model.onnx`)),
      weights,
      backend: { backend: 'wasm', reason: 'onnxruntime-node (CPU) in unit tests', forced: true },
      executionProviders: { wasm: 'cpu' },
      buckets,
    });
    cache.set(key, m);
  }
  return m;
}
