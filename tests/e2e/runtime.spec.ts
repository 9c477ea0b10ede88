import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The model runtime in a real Chromium, through the diagnostics page: parity
 * with PyTorch on WebGPU (SwiftShader's software adapter) and on WASM, the
 * backend reported being the one used; latest-wins under a burst of edits;
 * no leaks over 500 runs; recovery from a lost GPU device.
 */

/** Model runs on a software adapter with 2 shared cores are slow: give them room. */
test.describe.configure({ timeout: 240_000 });

/** Opens the diagnostics page on a forced backend and waits for it to choose. */
async function openDiagnostics(page: Page, backend: 'webgpu' | 'wasm', query = '') {
  await page.goto(`diagnostics/?backend=${backend}${query}`);
  await expect(page.getByTestId('environment')).toHaveAttribute('data-backend', backend, {
    timeout: 60_000,
  });
}

// WebGPU twice: with ORT's JSPI build, which this Chromium supports and so
// gets by default, and with the asyncify build (`?ort=asyncify`), which
// browsers without JavaScript Promise Integration get.
for (const [backend, build] of [
  ['webgpu', 'jspi'],
  ['webgpu', 'asyncify'],
  ['wasm', 'plain'],
] as const) {
  test(`every model matches its PyTorch reference on ${backend} (${build} build), and ${backend} is the backend used`, async ({
    page,
  }) => {
    const wasmFiles: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('.wasm')) wasmFiles.push(new URL(r.url()).pathname);
    });
    await openDiagnostics(page, backend, build === 'asyncify' ? '&ort=asyncify' : '');
    const rows = page.locator('[data-parity-model]');
    await expect(rows.first()).toBeVisible({ timeout: 60_000 });
    await expect(page.locator('[data-parity-model][data-state="running"]')).toHaveCount(0, {
      timeout: 180_000,
    });
    const n = await rows.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) {
      const row = rows.nth(i);
      const id = await row.getAttribute('data-parity-model');
      await expect(row, `${id}: ${await row.textContent()}`).toHaveAttribute('data-state', 'done');
      await expect(row, `${id} ran on ${backend}`).toHaveAttribute('data-backend', backend);
      expect(Number(await row.getAttribute('data-hooks')), id ?? '').toBeGreaterThan(20);
      const diff = Number(await row.getAttribute('data-max-diff'));
      expect(diff, `${id} max |browser - PyTorch|`).toBeLessThanOrEqual(1e-4);
      await expect(row).toHaveAttribute('data-pass', 'true');
    }
    // The build it ran on: the one wasm file of that build, and no other.
    const name = {
      jspi: /\.jspi\./,
      asyncify: /\.asyncify\./,
      plain: /ort-wasm-simd-threaded\.[\w-]+\.wasm$/,
    }[build];
    // Asked for twice (kit/ort.ts starts the download early; ORT's own request
    // is then a cache hit), but one file.
    const files = [...new Set(wasmFiles)];
    expect(files.length, files.join(', ')).toBe(1);
    expect(files[0]).toMatch(name);
  });
}

test('a burst of 200 edits ends with the output for the final prompt and no error', async ({
  page,
}) => {
  await openDiagnostics(page, 'wasm');
  const prompt = page.getByTestId('live-prompt');
  await expect(page.getByTestId('live-result')).toBeVisible({ timeout: 60_000 });
  const base = 'When Mary and John went to the store, John gave a drink to';
  let last = '';
  for (let i = 0; i < 200; i++) {
    // Grow and shrink the prompt so lengths cross bucket boundaries too.
    last = `${base} ${'the store '.repeat(i % 12)}${i}`;
    await prompt.fill(last);
  }
  const result = page.getByTestId('live-result');
  await expect(result).toHaveAttribute('data-prompt', last, { timeout: 60_000 });
  await expect(page.getByTestId('live-error')).toHaveCount(0);
  // The shown prediction is the model's for that prompt, computed afresh.
  const top = await page.evaluate(async (text) => {
    const api = (window as unknown as { circuitsDiagnostics: DiagnosticsApi }).circuitsDiagnostics;
    const [model, tok] = await Promise.all([api.model('attn-only-2l'), api.tokenizer()]);
    const ids = tok.encode(text);
    const r = await model.run(ids);
    const d = model.config.d_vocab;
    const row = r.logits!.data.subarray((ids.length - 1) * d, ids.length * d);
    let best = 0;
    for (let i = 1; i < d; i++) if (row[i] > row[best]) best = i;
    return tok.tokenStrings([best])[0];
  }, last);
  await expect(result).toHaveAttribute('data-top', top);
  await expect(page.getByTestId('live-tensors')).toHaveText(/: 0$/);
});

test('500 runs leave the JS heap flat and no live ORT tensors', async ({ page }) => {
  await openDiagnostics(page, 'wasm');
  await expect(page.getByTestId('live-result')).toBeVisible({ timeout: 60_000 });
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const runMany = (n: number) =>
    page.evaluate(
      (n) =>
        (window as unknown as { circuitsDiagnostics: DiagnosticsApi }).circuitsDiagnostics.runMany(
          'attn-only-2l',
          n,
        ),
      n,
    );
  await runMany(50); // warm-up: every bucket compiled, caches filled
  const before = await heap();
  const { liveTensors } = await runMany(500);
  const after = await heap();
  expect(liveTensors).toBe(0);
  // Flat: a leak of one activation per run (≥ 16 KB) would add ≥ 8 MB.
  expect(after - before, `heap ${before} -> ${after} bytes`).toBeLessThan(2 * 1024 * 1024);
});

test.describe('a lost WebGPU device', () => {
  // Destroying the device makes Chromium and ORT log the loss; that is the point here.
  test.use({ allowedConsoleErrors: [/device|destroyed|lost|GPU/i] });

  test('falls back to WASM and the figure on screen recovers', async ({ page }) => {
    // The page checks every model's parity on the software adapter first; on a
    // loaded 2-core machine that alone can take minutes.
    test.setTimeout(600_000);
    await openDiagnostics(page, 'webgpu');
    const result = page.getByTestId('live-result');
    await expect(result).toHaveAttribute('data-backend', 'webgpu', { timeout: 400_000 });
    await page.getByTestId('lose-device').click();
    await expect(result).toHaveAttribute('data-backend', 'wasm', { timeout: 300_000 });
    await expect(page.locator('[data-widget="diagnostics-live"] .widget-badge')).toHaveText(/WASM/);
    await expect(page.getByTestId('live-error')).toHaveCount(0);
    // And it keeps working: a new prompt gets its result on WASM.
    await page.getByTestId('live-prompt').fill('After the loss, the model still runs');
    await expect(result).toHaveAttribute('data-prompt', 'After the loss, the model still runs');
  });
});

/** The slice of the diagnostics page's test API these tests use. */
interface DiagnosticsApi {
  model(id: string): Promise<{
    config: { d_vocab: number };
    run(tokens: number[]): Promise<{ logits?: { data: Float32Array } }>;
  }>;
  tokenizer(): Promise<{ encode(text: string): number[]; tokenStrings(ids: number[]): string[] }>;
  runMany(id: string, n: number): Promise<{ liveTensors: number }>;
}
