import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precacheList, precompress, PRECOMPRESSED } from '../../scripts/finish-build.mjs';
import { precompressed, serve } from '../../scripts/serve.mjs';

const text = 'function attention(q, k, v) { return softmax(q @ k.T) @ v; }\n'.repeat(400);
let dir: string;
let cache: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'circuits-precompress-'));
  cache = mkdtempSync(join(tmpdir(), 'circuits-precompress-cache-'));
  writeFileSync(join(dir, 'index.html'), `<!doctype html><p>${text}</p>`);
  writeFileSync(join(dir, 'a.js'), text);
  // Random bytes, as fp32 weights nearly are: they do not compress.
  writeFileSync(join(dir, 'model.onnx'), randomBytes(20_000));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

describe('the build precompresses what compresses', () => {
  it('writes .br and .gz copies that decompress to the file, and none for bytes that do not shrink', async () => {
    const totals = await precompress(dir, cache);
    expect(totals.files).toBe(2);
    const js = readFileSync(join(dir, 'a.js'));
    expect(brotliDecompressSync(readFileSync(join(dir, 'a.js.br')))).toEqual(js);
    expect(gunzipSync(readFileSync(join(dir, 'a.js.gz')))).toEqual(js);
    expect(() => readFileSync(join(dir, 'model.onnx.br'))).toThrow();
    // A second run reuses the cache and writes the same bytes.
    await precompress(dir, cache);
    expect(brotliDecompressSync(readFileSync(join(dir, 'a.js.br')))).toEqual(js);
  });

  it('keeps the copies out of the offline copy and the build hash', () => {
    const files = ['a.js', 'a.js.br', 'a.js.gz', 'index.html', 'index.html.br'];
    expect(files.filter((f) => PRECOMPRESSED.test(f))).toEqual([
      'a.js.br',
      'a.js.gz',
      'index.html.br',
    ]);
    const urls = precacheList(dir, ['a.js', 'a.js.br', 'a.js.gz', 'index.html']).map(
      (e: { url: string }) => e.url,
    );
    expect(urls).toEqual(['a.js', '']);
  });
});

/** GET `path` from the server with `Accept-Encoding: encoding`: status, headers, raw body. */
function get(port: number, path: string, encoding?: string) {
  return new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    request(
      { port, path, headers: encoding === undefined ? {} : { 'Accept-Encoding': encoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      },
    )
      .on('error', reject)
      .end();
  });
}

describe('scripts/serve.mjs sends the precompressed copies', () => {
  it('prefers brotli, then gzip, then the file itself, and says so in the headers', async () => {
    await precompress(dir, cache);
    const server = await serve({ mounts: [{ path: '/', dir }], port: 0 });
    const { port } = server.address() as AddressInfo;
    try {
      const js = readFileSync(join(dir, 'a.js'));
      const br = await get(port, '/a.js', 'gzip, deflate, br, zstd');
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['vary']).toBe('Accept-Encoding');
      expect(Number(br.headers['content-length'])).toBe(br.body.length);
      expect(brotliDecompressSync(br.body)).toEqual(js);
      const gz = await get(port, '/a.js', 'gzip');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body)).toEqual(js);
      const plain = await get(port, '/a.js', 'identity');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toEqual(js);
      expect((await get(port, '/a.js', 'br;q=0, gzip')).headers['content-encoding']).toBe('gzip');
      // A page (folder URL) too, with its own type.
      const page = await get(port, '/', 'br');
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-encoding']).toBe('br');
    } finally {
      server.close();
    }
  });

  it('answers a revalidation of an unchanged file with 304 and no body', async () => {
    const server = await serve({ mounts: [{ path: '/', dir }], port: 0 });
    const { port } = server.address() as AddressInfo;
    try {
      const first = await get(port, '/a.js', 'br');
      const etag = String(first.headers['etag']);
      expect(etag).toMatch(/^".+-br"$/);
      const again = await new Promise<{ status?: number; length: number }>((resolve) => {
        request(
          { port, path: '/a.js', headers: { 'Accept-Encoding': 'br', 'If-None-Match': etag } },
          (res) => {
            let length = 0;
            res.on('data', (c: Buffer) => (length += c.length));
            res.on('end', () => resolve({ status: res.statusCode, length }));
          },
        ).end();
      });
      expect(again).toEqual({ status: 304, length: 0 });
    } finally {
      server.close();
    }
  });

  it('ignores a copy older than its file (the file changed after the build)', async () => {
    await precompress(dir, cache);
    const file = join(dir, 'a.js');
    // Copied with its file in any order (cp -r): moments older, still good.
    const moments = new Date(statSync(file).mtimeMs - 2000);
    for (const copy of ['.br', '.gz']) utimesSync(file + copy, moments, moments);
    expect(precompressed(file, 'br, gzip')?.encoding).toBe('br');
    writeFileSync(file, `${text}// changed\n`);
    const earlier = new Date(Date.now() - 60_000);
    for (const copy of ['.br', '.gz']) utimesSync(file + copy, earlier, earlier);
    expect(precompressed(file, 'br, gzip')).toBeUndefined();
    await precompress(dir, cache);
    expect(precompressed(file, 'br, gzip')?.encoding).toBe('br');
  });
});
