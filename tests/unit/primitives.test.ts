import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chooseBackend, parseUrlOptions } from '../../src/model/backend';
import { bucketFor, defaultBuckets, trimPositions } from '../../src/model/padding';
import { OrtExecutor, STALE } from '../../src/model/executor';
import { halfToFloat, parseSafetensors, serializeSafetensors } from '../../src/model/safetensors';
import { sha256Hex, sha256Js } from '../../src/model/sha256';

describe('safetensors', () => {
  it('round-trips fp32 tensors with their shapes', () => {
    const tensors = new Map([
      ['embed.W_E', { data: Float32Array.from([1, -2.5, 3e-8, 4]), shape: [2, 2] }],
      ['unembed.b_U', { data: Float32Array.from([0.125, 7]), shape: [2] }],
    ]);
    const bytes = serializeSafetensors(tensors);
    const back = parseSafetensors(bytes.buffer as ArrayBuffer);
    expect([...back.keys()]).toEqual(['embed.W_E', 'unembed.b_U']);
    expect(Array.from(back.get('embed.W_E')!.data)).toEqual(
      Array.from(tensors.get('embed.W_E')!.data),
    );
    expect(back.get('embed.W_E')!.shape).toEqual([2, 2]);
  });

  it('widens fp16 to fp32 exactly, subnormals and infinities included', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.33325195, 8);
    // An F16 file: header then two halves.
    const header = JSON.stringify({ x: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } });
    const buf = new Uint8Array(8 + header.length + 4);
    new DataView(buf.buffer).setBigUint64(0, BigInt(header.length), true);
    buf.set(new TextEncoder().encode(header), 8);
    new DataView(buf.buffer).setUint16(8 + header.length, 0x3c00, true);
    new DataView(buf.buffer).setUint16(10 + header.length, 0xb800, true);
    expect(Array.from(parseSafetensors(buf.buffer).get('x')!.data)).toEqual([1, -0.5]);
  });

  it('rejects a truncated file with the tensor name and sizes', () => {
    const bytes = serializeSafetensors(
      new Map([['w', { data: new Float32Array(10), shape: [10] }]]),
    );
    expect(() => parseSafetensors(bytes.slice(0, bytes.length - 4).buffer)).toThrow(
      /w \[10\] F32 needs 40 bytes/,
    );
  });
});

describe('sha256', () => {
  it('matches node:crypto in WebCrypto and in the pure-JS fallback', async () => {
    for (const n of [0, 3, 55, 56, 64, 1000, 100_003]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);
      const want = createHash('sha256').update(bytes).digest('hex');
      expect(await sha256Hex(bytes)).toBe(want);
      expect(Buffer.from(sha256Js(bytes)).toString('hex')).toBe(want);
    }
  });
});

describe('length buckets', () => {
  it('pads to the smallest bucket that fits, up to the context', () => {
    expect(defaultBuckets(128)).toEqual([16, 32, 64, 128]);
    expect(bucketFor(1, [16, 32])).toBe(16);
    expect(bucketFor(17, [16, 32])).toBe(32);
    expect(() => bucketFor(33, [16, 32])).toThrow(/longer than the context/);
  });

  it('trims every positional axis and keeps the others', () => {
    // [batch=2, head_index=2, query_pos=4, key_pos=4], value = index.
    const data = Float32Array.from({ length: 64 }, (_, i) => i);
    const { data: out, shape } = trimPositions(
      data,
      [2, 2, 4, 4],
      ['batch', 'head_index', 'query_pos', 'key_pos'],
      3,
    );
    expect(shape).toEqual([2, 2, 3, 3]);
    const at = (b: number, h: number, q: number, k: number) => ((b * 2 + h) * 4 + q) * 4 + k;
    expect(out[((1 * 2 + 1) * 3 + 2) * 3 + 1]).toBe(at(1, 1, 2, 1));
    expect(out[0]).toBe(0);
    const z = trimPositions(
      Float32Array.from({ length: 2 * 4 * 3 }, (_, i) => i),
      [2, 4, 3],
      ['batch', 'pos', 'd_model'],
      2,
    );
    expect(Array.from(z.data)).toEqual([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17]);
  });
});

describe('OrtExecutor', () => {
  it('never runs two jobs at once', async () => {
    const q = new OrtExecutor();
    let inside = 0;
    let maxInside = 0;
    const job = async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await new Promise((r) => setTimeout(r, 2));
      inside--;
    };
    await Promise.all(Array.from({ length: 20 }, () => q.exclusive(job)));
    expect(maxInside).toBe(1);
  });

  it('lets the latest request on a channel win and skips overtaken ones', async () => {
    const q = new OrtExecutor();
    const ran: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        q.latest('prompt', async () => {
          ran.push(i);
          await new Promise((r) => setTimeout(r, 1));
          return i;
        }),
      ),
    );
    expect(results[199]).toBe(199);
    expect(results.slice(0, 199).every((r) => r === STALE)).toBe(true);
    // Only the first (already started) and the last ever reach the model.
    expect(ran.length).toBeLessThanOrEqual(2);
    expect(ran[ran.length - 1]).toBe(199);
  });

  it('keeps channels independent and survives a failing job', async () => {
    const q = new OrtExecutor();
    const bad = q.latest('a', async () => {
      throw new Error('boom');
    });
    const good = q.latest('b', async () => 'ok');
    await expect(bad).rejects.toThrow('boom');
    expect(await good).toBe('ok');
  });
});

describe('backend choice', () => {
  const adapter = { requestAdapter: async () => ({}) };
  const noAdapter = { requestAdapter: async () => null };

  it('prefers WebGPU when an adapter exists', async () => {
    expect(await chooseBackend({ gpu: adapter, secure: true })).toMatchObject({
      backend: 'webgpu',
      forced: false,
    });
  });

  it('falls back to WASM and says why', async () => {
    expect(await chooseBackend({ gpu: noAdapter, secure: true })).toMatchObject({
      backend: 'wasm',
      reason: expect.stringMatching(/no WebGPU adapter/),
    });
    expect((await chooseBackend({ secure: false })).reason).toMatch(/secure context/);
  });

  it('obeys ?backend= and refuses a forced WebGPU it cannot give', async () => {
    expect(parseUrlOptions('?backend=wasm&threads=2')).toEqual({ backend: 'wasm', threads: 2 });
    expect(parseUrlOptions('?backend=cuda')).toEqual({});
    expect(await chooseBackend({ gpu: adapter, secure: true, forced: 'wasm' })).toMatchObject({
      backend: 'wasm',
      forced: true,
    });
    await expect(chooseBackend({ gpu: noAdapter, secure: true, forced: 'webgpu' })).rejects.toThrow(
      /no WebGPU adapter/,
    );
  });
});
