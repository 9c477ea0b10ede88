import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { e2eOutDir } from '../../playwright.config';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { expect, test } from './fixtures';

/**
 * Robustness (issue 8, item 6), one test per item of the list, each
 * on a real figure of a real chapter: the prompt box and token strip of the
 * chapter 1 predictions figure and the chapter 5 attention explorer. What a
 * figure shows is checked against an independent computation: the ids it
 * ran on against the Node tokenizer reading the same `tokenizer.json`, and
 * the prediction after a burst of edits against a fresh page.
 */

/** Model runs on 2 shared cores (and SwiftShader for WebGPU) are slow: give them room. */
test.describe.configure({ timeout: 180_000 });

const CH1 = 'chapters/01-transformers/';
const CH5 = 'chapters/05-attention-heads/';
const N_CTX = 128;

/** The tokenizer the site serves, run in Node: an independent check of what the page ran on. */
const tokenizer = tokenizerFromJson(
  JSON.parse(readFileSync(`${e2eOutDir}/models/tokenizer.json`, 'utf8')) as TokenizerJson,
);

/** Opens chapter 1 and waits for the predictions figure to show its first result. */
async function openPredictions(page: Page, query = '?backend=wasm'): Promise<Locator> {
  await page.goto(`${CH1}${query}`);
  const figure = page.locator('[data-widget="ch1-predictions"]').first();
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await settled(figure);
  return figure;
}

/** The predictions figure's `data-output` (`ids|top id`) once no run is pending. */
async function settled(figure: Locator): Promise<string> {
  const out = figure.getByTestId('predictions');
  await expect(out).toBeVisible({ timeout: 120_000 });
  await expect(figure.locator('[data-pending="true"]')).toHaveCount(0, { timeout: 120_000 });
  return (await out.getAttribute('data-output')) ?? '';
}

/** Types `text` into the figure's prompt box and waits for the output for exactly those ids. */
async function runPrompt(figure: Locator, text: string): Promise<number[]> {
  await figure.getByRole('textbox', { name: 'Prompt' }).fill(text);
  const ids = tokenizer.encode(text).slice(0, N_CTX);
  await expect(figure.getByTestId('predictions')).toHaveAttribute(
    'data-output',
    new RegExp(`^${ids.join(',')}\\|\\d+$`),
    { timeout: 120_000 },
  );
  return ids;
}

/** The token strip's tokens as shown: text and id of each. */
async function shownTokens(figure: Locator): Promise<{ text: string; id: number }[]> {
  const strip = figure.locator('.kit-tokens').first();
  return strip.locator('.kit-token').evaluateAll((els) =>
    els.map((el) => ({
      text: el.querySelector('.kit-token-text')?.textContent ?? '',
      id: Number(el.querySelector('.kit-token-id')?.textContent),
    })),
  );
}

test('empty prompt: the figure asks for text, shows no stale output and no error, and typing brings it back live', async ({
  page,
}) => {
  const figure = await openPredictions(page);
  const box = figure.getByRole('textbox', { name: 'Prompt' });
  await box.fill('');
  await expect(figure).toContainText('Type something for the model to read.');
  await expect(figure).toContainText('0 tokens');
  // Nothing computed for a prompt that is no longer there.
  await expect(figure.getByTestId('predictions')).toHaveCount(0);
  await expect(figure.getByRole('alert')).toHaveCount(0);
  await expect(figure).toHaveAttribute('data-state', 'ready');
  await runPrompt(figure, 'And God said');
  await expect(figure.getByRole('alert')).toHaveCount(0);

  // The attention explorer too: no pattern, no query position to talk about, no error.
  await page.goto(`${CH5}?backend=wasm`);
  const explorer = page.locator('[data-widget="attention-explorer"]').first();
  await explorer.scrollIntoViewIfNeeded();
  await expect(explorer.getByTestId('attention-ready')).toBeVisible({ timeout: 120_000 });
  const text = explorer.getByRole('textbox', { name: 'Prompt' });
  await text.fill('');
  await expect(explorer).toContainText('Type something for the model to read.');
  await expect(explorer.getByTestId('attention-ready')).toHaveCount(0);
  await expect(explorer).not.toContainText('now -1');
  await expect(explorer.getByRole('alert')).toHaveCount(0);
  await text.fill('The cat sat.');
  await expect(explorer.getByTestId('attention-ready')).toHaveAttribute(
    'data-key',
    new RegExp(`:${tokenizer.encode('The cat sat.').join(',')}$`),
  );
});

test('one character: the figure runs on a one-token prompt, in the predictions and the attention figures', async ({
  page,
}) => {
  const figure = await openPredictions(page);
  const [id] = await runPrompt(figure, 'a');
  expect(await shownTokens(figure)).toEqual([{ text: 'a', id }]);
  await expect(figure.getByRole('alert')).toHaveCount(0);

  await page.goto(`${CH5}?backend=wasm`);
  const explorer = page.locator('[data-widget="attention-explorer"]').first();
  await explorer.scrollIntoViewIfNeeded();
  await expect(explorer).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await explorer.getByRole('textbox', { name: 'Prompt' }).fill('a');
  // One query and one key: every head attends fully to the only token.
  await expect(explorer.getByTestId('attention-ready')).toHaveAttribute('data-key', `1:0:${id}`, {
    timeout: 120_000,
  });
  await expect(explorer.getByRole('alert')).toHaveCount(0);
});

test('a prompt longer than the context: truncated to the first 128 tokens with a visible notice, never an error', async ({
  page,
}) => {
  const figure = await openPredictions(page);
  const text = Array.from({ length: 60 }, (_, i) => `Line ${i} of the long prompt.`).join(' ');
  const all = tokenizer.encode(text);
  expect(all.length).toBeGreaterThan(N_CTX);
  const ids = await runPrompt(figure, text);
  expect(ids).toHaveLength(N_CTX);
  const notice = figure.locator('.kit-warning');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(`only the first ${N_CTX} of your ${all.length} tokens`);
  // What was kept: the notice quotes where the model stops reading, and where the cut text starts.
  const kept = tokenizer.decode(ids);
  await expect(notice).toContainText(kept.slice(-16).trim());
  await expect(notice).toContainText(text.slice(kept.length, kept.length + 16).trim());
  expect((await shownTokens(figure)).map((t) => t.id)).toEqual(ids);
  await expect(figure.getByRole('alert')).toHaveCount(0);
  // The box keeps the whole text: nothing the reader typed is lost.
  const box = figure.getByRole('textbox', { name: 'Prompt' });
  await expect(box).toHaveValue(text);
  // Past the box's own limit (2,000 characters) the reader is told what was not kept.
  await box.fill('x'.repeat(2500));
  await expect(box).toHaveValue('x'.repeat(2000));
  await expect(figure).toContainText('The box holds at most 2,000 characters');
  await expect(figure.getByRole('alert')).toHaveCount(0);
});

/** Text a reader might paste, with the ids the Node tokenizer gives it. */
const ODD_TEXT = {
  emoji: 'Hi 😀 👍🏽 👨‍👩‍👧 🇫🇷!',
  cjk: '中文字符 日本語のテキスト 한국어',
  rtl: 'שלום עולם and مرحبا بالعالم',
  combining: 'e\u0301 n\u0303 a\u0308\u0304 Z\u0351\u0352\u0353',
  zeroWidth: 'zero\u200bwidth\u200cjoin\u200dword\ufeff\u2060end',
  /** A lone surrogate is not text at all: UTF-8 (and so the model) reads it as U+FFFD. */
  loneSurrogate: 'half \ud83d of an emoji',
  control: 'bell\u0007 esc\u001b[31m nul\u0000 del\u007f end',
};

test('emoji, CJK, right-to-left text, combining marks, zero-width and control characters run and show legibly in the token strip', async ({
  page,
}) => {
  const figure = await openPredictions(page);
  for (const [kind, text] of Object.entries(ODD_TEXT)) {
    const ids = await runPrompt(figure, text);
    const shown = await shownTokens(figure);
    expect(
      shown.map((t) => t.id),
      kind,
    ).toEqual(ids);
    expect(
      shown.map((t) => t.text),
      kind,
    ).toEqual(tokenizer.tokenStrings(ids));
    // Legible: no token is blank, no control or invisible character reaches the page as is,
    // and a piece of a character shows its byte rather than a bare U+FFFD.
    for (const t of shown) {
      expect(t.text.trim(), `${kind}: token ${t.id}`).not.toBe('');
      expect(t.text, `${kind}: token ${t.id}`).not.toMatch(/[\p{Cc}\p{Cf}\uFFFD]/u);
    }
    await expect(figure.getByRole('alert'), kind).toHaveCount(0);
    // The prompt box keeps the text as typed (a lone surrogate may arrive as U+FFFD).
    const kept = await figure.getByRole('textbox', { name: 'Prompt' }).inputValue();
    expect(kept === text || kept === text.replace(/[\ud800-\udfff]/g, '\uFFFD'), kind).toBe(true);
  }
  // The last prompt was the control characters: the strip shows their control pictures.
  const strip = (await shownTokens(figure)).map((t) => t.text).join('');
  for (const picture of ['␇', '␛', '␀', '␡']) expect(strip).toContain(picture);
});

test('text that looks like HTML or script is shown as text, never executed', async ({ page }) => {
  const payloads = [
    '<img src=x onerror="window.__pwned=1">',
    '<script>window.__pwned=1</script>',
    '</textarea><b>x</b><svg onload="window.__pwned=1">',
  ];
  // The first arrives in a shared link (the figure's URL state), the others are typed.
  const figure = await openPredictions(
    page,
    `?backend=wasm&tp.prompt=${encodeURIComponent(payloads[0])}`,
  );
  // Record every element added to the page from now on whose tag a payload names.
  await page.evaluate(() => {
    const w = window as unknown as { __injected: string[] };
    w.__injected = [];
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes)
          if (n instanceof Element)
            for (const el of [n, ...n.querySelectorAll('*')])
              if (/^(img|script|svg|b|iframe)$/i.test(el.tagName)) w.__injected.push(el.outerHTML);
    }).observe(document, { childList: true, subtree: true });
  });
  for (const [i, text] of payloads.entries()) {
    const ids = i === 0 ? tokenizer.encode(text) : await runPrompt(figure, text);
    await expect(figure.getByTestId('predictions')).toHaveAttribute(
      'data-output',
      new RegExp(`^${ids.join(',')}\\|`),
    );
    const shown = await shownTokens(figure);
    expect(shown.map((t) => t.id)).toEqual(ids);
    // The strip's text is the prompt itself, character for character (spaces shown as ·).
    expect(shown.map((t) => t.text).join('')).toBe(text.replace(/ /g, '·'));
    await expect(figure.getByRole('textbox', { name: 'Prompt' })).toHaveValue(text);
  }
  expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(
    await page.evaluate(() => (window as unknown as { __injected: string[] }).__injected),
  ).toEqual([]);
  await expect(figure.locator('img, script, b, svg')).toHaveCount(0);

  // The search box takes text from the URL too (`?q=`): it searches for it, as text.
  await page.goto(`search/?q=${encodeURIComponent(payloads[0])}`);
  await expect(page.locator('.pagefind-ui__search-input')).toHaveValue(payloads[0]);
  // Pagefind has searched and said so (no page of the book has this text).
  await expect(page.locator('.pagefind-ui__message')).toBeVisible();
  expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
});

test('200 rapid edits: the final state is that of a fresh run of the final prompt, with no error', async ({
  page,
  context,
}) => {
  const figure = await openPredictions(page);
  const base = 'And the LORD spake unto Moses, saying,';
  // Grow and shrink across the 16/32/64 length buckets, one edit a frame: faster than the model.
  const edits = Array.from(
    { length: 200 },
    (_, i) => `${base} ${'unto the children of Israel '.repeat(i % 9)}${i}`,
  );
  const last = edits[edits.length - 1];
  await figure
    .getByRole('textbox', { name: 'Prompt' })
    .evaluate(async (box: HTMLTextAreaElement, edits) => {
      for (const text of edits) {
        typeInto(box, text);
        await new Promise((r) => requestAnimationFrame(r));
      }
      function typeInto(el: HTMLTextAreaElement, text: string) {
        Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(
          el,
          text,
        );
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }
    }, edits);
  const ids = tokenizer.encode(last);
  await expect(figure.getByTestId('predictions')).toHaveAttribute(
    'data-output',
    new RegExp(`^${ids.join(',')}\\|`),
    { timeout: 120_000 },
  );
  const output = await settled(figure);
  const bars = await figure.locator('.kit-bars').textContent();
  await expect(figure.getByRole('textbox', { name: 'Prompt' })).toHaveValue(last);
  await expect(figure.getByRole('alert')).toHaveCount(0);

  // A fresh page on the same URL (the prompt is in it) computes the same.
  const fresh = await context.newPage();
  const again = await openPredictions(fresh, new URL(page.url()).search);
  await expect(again.getByRole('textbox', { name: 'Prompt' })).toHaveValue(last);
  expect(await settled(again)).toBe(output);
  expect(await again.locator('.kit-bars').textContent()).toBe(bars);
});

test.describe('a missing or corrupt model file', () => {
  test.use({ allowedConsoleErrors: [/Failed to load resource.*404/] });

  test('missing model file: a clear message naming the file, and Retry recovers', async ({
    page,
  }) => {
    let fail = true;
    await page.route('**/models/attn-only-2l/model.onnx', (route) =>
      fail ? route.fulfill({ status: 404, body: 'not here' }) : route.continue(),
    );
    await page.goto(`${CH1}?backend=wasm`);
    const figure = page.locator('[data-widget="ch1-predictions"]').first();
    await figure.scrollIntoViewIfNeeded();
    await expect(figure).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
    const alert = figure.getByRole('alert');
    await expect(alert).toContainText('attn-only-2l/model.onnx');
    await expect(alert).toContainText('404');
    fail = false;
    await figure.getByRole('button', { name: 'Retry' }).click();
    await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
    expect(await settled(figure)).not.toBe('');
  });

  test('corrupt model file: a clear message naming the file and the failed check, and Retry recovers', async ({
    page,
  }) => {
    let corrupt = true;
    await page.route('**/models/attn-only-2l/weights.safetensors', async (route) => {
      if (!corrupt) return route.continue();
      const res = await route.fetch();
      const body = Buffer.from(await res.body());
      body[body.length - 100] ^= 0xff; // one flipped byte deep in the weights
      await route.fulfill({ response: res, body });
    });
    await page.goto(`${CH1}?backend=wasm`);
    const figure = page.locator('[data-widget="ch1-predictions"]').first();
    await figure.scrollIntoViewIfNeeded();
    await expect(figure).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
    const alert = figure.getByRole('alert');
    await expect(alert).toContainText('attn-only-2l/weights.safetensors');
    await expect(alert).toContainText(/SHA-256.*does not match/);
    corrupt = false;
    await figure.getByRole('button', { name: 'Retry' }).click();
    await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
    expect(await settled(figure)).not.toBe('');
  });
});

/** Browsers without WebGPU, made from Chromium's before any page script runs. */
const noWebGpu = [
  {
    what: 'no navigator.gpu',
    reason: 'this browser does not offer WebGPU',
    init: () => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }),
  },
  {
    what: 'no adapter',
    reason: 'the browser found no WebGPU adapter',
    init: () => {
      if (typeof GPU !== 'undefined') GPU.prototype.requestAdapter = async () => null;
    },
  },
];

for (const { what, reason, init } of noWebGpu) {
  test(`no WebGPU (${what}): the figure runs on WASM and its badge says so, with the reason`, async ({
    page,
  }) => {
    await page.addInitScript(init);
    const figure = await openPredictions(page, '');
    const badge = figure.locator('.widget-badge');
    await expect(badge).toContainText('WASM');
    await expect(badge).toHaveAttribute('title', `${reason}; running on WASM (CPU)`);
    // The reason is part of the badge's text for screen readers too.
    await expect(badge).toContainText(reason);
    await runPrompt(figure, 'No GPU here, and the model still runs');
    await expect(figure.getByRole('alert')).toHaveCount(0);
  });
}

test.describe('a lost GPU device', () => {
  // Destroying the device makes Chromium and ORT log the loss; that is the point here.
  test.use({ allowedConsoleErrors: [/device|destroyed|lost|GPU/i] });

  test('a lost GPU device mid-session: the figure recovers on WASM and keeps running', async ({
    page,
  }) => {
    test.setTimeout(400_000);
    // Keep every WebGPU device the page creates, so the test can lose it as a driver reset would.
    await page.addInitScript(() => {
      const w = window as unknown as { __gpuDevices: GPUDevice[] };
      w.__gpuDevices = [];
      if (typeof GPUAdapter === 'undefined') return;
      const request = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, ...args) {
        const device = await request.apply(this, args);
        w.__gpuDevices.push(device);
        return device;
      };
    });
    const figure = await openPredictions(page, '?backend=webgpu');
    const badge = figure.locator('.widget-badge');
    await expect(badge).toContainText('WebGPU');
    const before = await settled(figure);
    const lost = await page.evaluate(() => {
      const devices = (window as unknown as { __gpuDevices: GPUDevice[] }).__gpuDevices;
      for (const d of devices) d.destroy();
      return devices.length;
    });
    expect(lost).toBeGreaterThan(0);
    await expect(badge).toContainText('WASM', { timeout: 120_000 });
    await expect(badge).toHaveAttribute('title', /lost/);
    // The figure re-ran on WASM: same prompt, same answer, no error.
    expect(await settled(figure)).toBe(before);
    await expect(figure.getByRole('alert')).toHaveCount(0);
    await runPrompt(figure, 'After the loss, the model still runs');
    await expect(figure.getByRole('alert')).toHaveCount(0);
  });
});

/**
 * Types each of `n` prompts into `box` in the page (as the reader's input
 * events would) and waits, after each, until `output`'s `attr` changes:
 * `n` consecutive runs of the figure, without a round trip to the test.
 */
function runsThroughPrompt(
  box: Locator,
  output: string,
  attr: string,
  from: number,
  n: number,
): Promise<void> {
  return box.evaluate(
    async (el: HTMLTextAreaElement, { output, attr, from, n }) => {
      const setValue = Object.getOwnPropertyDescriptor(
        HTMLTextAreaElement.prototype,
        'value',
      )!.set!;
      const current = () => document.querySelector(output)?.getAttribute(attr);
      for (let i = from; i < from + n; i++) {
        const before = current();
        setValue.call(el, `Run ${i}: the cat sat on ${i % 2 ? 'the mat' : 'a hat'}`);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        const t0 = performance.now();
        while (current() === before) {
          if (performance.now() - t0 > 30_000) throw new Error(`run ${i} never finished`);
          await new Promise((r) => setTimeout(r, 1));
        }
      }
    },
    { output, attr, from, n },
  );
}

test('500 consecutive runs: no growth in memory or live tensors', async ({ page }) => {
  test.setTimeout(240_000);
  /** After a forced GC: JS heap, array buffers (where ORT's outputs live on WASM) and DOM nodes. */
  const memory = async () => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = (await cdp.send('Runtime.getHeapUsage')) as {
      usedSize: number;
      backingStorageSize?: number;
    };
    const { nodes } = await cdp.send('Memory.getDOMCounters');
    await cdp.detach();
    return { heap: usage.usedSize, buffers: usage.backingStorageSize ?? 0, nodes };
  };
  const expectFlat = (
    at100: Awaited<ReturnType<typeof memory>>,
    at500: Awaited<ReturnType<typeof memory>>,
    where: string,
  ) => {
    test.info().annotations.push({
      type: 'memory',
      description: `${where}: run 100 ${JSON.stringify(at100)}, run 500 ${JSON.stringify(at500)}`,
    });
    // A leak of one logits tensor a run (≥ 16 KB) would add ≥ 6 MB over 400 runs.
    expect(
      at500.heap - at100.heap,
      `${where}: JS heap ${at100.heap} -> ${at500.heap}`,
    ).toBeLessThan(2 * 1024 * 1024);
    expect(
      at500.buffers - at100.buffers,
      `${where}: array buffers ${at100.buffers} -> ${at500.buffers}`,
    ).toBeLessThan(4 * 1024 * 1024);
    expect(
      at500.nodes - at100.nodes,
      `${where}: DOM nodes ${at100.nodes} -> ${at500.nodes}`,
    ).toBeLessThan(50);
  };

  // A chapter figure: 500 runs of the predictions figure through its prompt box. Both readings
  // are taken on the same prompt and after the page settles, so what the figure shows (its
  // rows depend on the text and the predictions) cannot differ between them; only a leak can.
  const figure = await openPredictions(page);
  const box = figure.getByRole('textbox', { name: 'Prompt' });
  const out = '[data-widget="ch1-predictions"] [data-testid="predictions"]';
  const settled = async () => {
    await runsThroughPrompt(box, out, 'data-output', -1, 1);
    await page.waitForTimeout(500);
    return memory();
  };
  await runsThroughPrompt(box, out, 'data-output', 0, 100);
  const figure100 = await settled();
  await runsThroughPrompt(box, out, 'data-output', 100, 400);
  const figure500 = await settled();
  expectFlat(figure100, figure500, 'chapter 1 predictions');
  await expect(figure.getByRole('alert')).toHaveCount(0);

  // The diagnostics page's live figure shows the runtime's count of live ORT tensors: 500 runs
  // through its prompt box leave it at 0 (its baseline) and memory flat.
  await page.goto('diagnostics/?backend=wasm');
  const live = page.getByTestId('live-prompt');
  await expect(page.getByTestId('live-result')).toBeVisible({ timeout: 120_000 });
  const tensors = page.getByTestId('live-tensors');
  await expect(tensors).toHaveText(/: 0$/);
  await runsThroughPrompt(live, '[data-testid="live-result"]', 'data-prompt', 0, 100);
  await expect(tensors).toHaveText(/: 0$/);
  const live100 = await memory();
  await runsThroughPrompt(live, '[data-testid="live-result"]', 'data-prompt', 100, 400);
  await expect(tensors).toHaveText(/: 0$/);
  const live500 = await memory();
  expectFlat(live100, live500, 'diagnostics live figure');
  await expect(page.getByTestId('live-error')).toHaveCount(0);
});
