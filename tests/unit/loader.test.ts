import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModelFiles, ModelLoadError, type LoadProgress } from '../../src/model/loader';
import { ModelRegistry } from '../../src/model/registry';
import { perPositionLoss } from '../../src/model/metrics';
import { findModelsDir, fixturesDir } from './paths';
import { ort } from './node-model';

const dir = findModelsDir();

/** A fetch that serves the models folder from disk, optionally corrupting one file. */
const diskFetch =
  (corrupt?: string, missing?: string): typeof fetch =>
  async (input) => {
    const rel = String(input).replace('https://book.test/models/', '');
    if (rel === missing) return new Response('not found', { status: 404 });
    const bytes = new Uint8Array(readFileSync(`${dir}/${rel}`));
    if (rel === corrupt) bytes[bytes.length >> 1] ^= 1;
    return new Response(bytes);
  };

const baseUrl = 'https://book.test/models/';

describe('loading a model', () => {
  it('reports byte progress up to the manifest total and verifies every file', async () => {
    const progress: LoadProgress[] = [];
    const files = await loadModelFiles('attn-only-2l', {
      baseUrl,
      fetch: diskFetch(),
      onProgress: (p) => progress.push(p),
    });
    expect(files.config.n_layers).toBe(2);
    expect(files.weights.get('embed.W_E')!.shape).toEqual([
      files.config.d_vocab,
      files.config.d_model,
    ]);
    const last = progress[progress.length - 1];
    expect(last.loaded).toBe(last.total);
    expect(progress.every((p, i) => i === 0 || p.loaded >= progress[i - 1].loaded)).toBe(true);
  });

  it('rejects a corrupt file with a clear error naming it', async () => {
    const err = await loadModelFiles('attn-only-2l', {
      baseUrl,
      fetch: diskFetch('attn-only-2l/weights.safetensors'),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err.kind).toBe('corrupt');
    expect(err.message).toMatch(/attn-only-2l\/weights\.safetensors: SHA-256/);
  });

  it('rejects a missing file, and loading again retries', async () => {
    let missing: string | undefined = 'attn-only-2l/model.onnx';
    const fetchOnce: typeof fetch = (input) => diskFetch(undefined, missing)(input);
    const registry = new ModelRegistry({
      baseUrl,
      fetch: fetchOnce,
      loadOrt: async () => ort,
      chooseBackend: async () => ({ backend: 'wasm', reason: 'test', forced: true }),
      executionProviders: { wasm: 'cpu' },
    });
    const err = await registry.get('attn-only-2l').catch((e) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err.kind).toBe('missing');
    expect(err.message).toMatch(/HTTP 404/);
    missing = undefined;
    const model = await registry.get('attn-only-2l');
    expect(model.config.model_name).toBe('attn-only-2l');
    // One session per model: asking again gives the same instance.
    expect(await registry.get('attn-only-2l')).toBe(model);
  });

  it('loads fp16 checkpoints and runs them through the same graph: the last beats the first', async () => {
    const registry = new ModelRegistry({
      baseUrl,
      fetch: diskFetch(),
      loadOrt: async () => ort,
      chooseBackend: async () => ({ backend: 'wasm', reason: 'test', forced: true }),
      executionProviders: { wasm: 'cpu' },
    });
    const index = await registry.checkpointIndex('attn-only-2l');
    expect(index.length, 'attn-only-2l ships checkpoints').toBeGreaterThan(2);
    expect(index.map((c) => c.step)).toEqual([...index.map((c) => c.step)].sort((a, b) => a - b));
    const model = await registry.get('attn-only-2l');
    // Real text: the tokenizer parity cases, joined.
    const cases = JSON.parse(readFileSync(`${fixturesDir}/tokenizer-cases.json`, 'utf8')) as Array<{
      text: string;
    }>;
    const text = cases.map((c) => c.text).join(' ');
    const { tokenizerFromJson } = await import('../../src/model/tokenizer');
    const tok = tokenizerFromJson(JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8')));
    const tokens = tok.encode(text).slice(0, 128);
    const meanLoss = async (file: string) => {
      const weights = await registry.checkpointWeights('attn-only-2l', file);
      const r = await model.run(tokens, { weights });
      const l = perPositionLoss(r.logits!, tokens);
      return l.reduce((a, b) => a + b, 0) / l.length;
    };
    const first = await meanLoss(index[0].file);
    const last = await meanLoss(index[index.length - 1].file);
    expect(last).toBeLessThan(first);
  });
});
