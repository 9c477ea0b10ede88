import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { builtPages, expect, test } from './fixtures';

/**
 * Performance budgets, kept in CI. The numbers live in bench/budgets.json
 * (README's "Performance budgets" table shows the same ones; a unit test keeps
 * the two in step). JavaScript and CSS are counted uncompressed (each
 * response's decoded body); the first visit is counted as transferred, each
 * response's Content-Length as scripts/serve.mjs sends it: the build's
 * precompressed brotli copy where there is one (scripts/finish-build.mjs).
 *
 * - First-load JavaScript: every script, fetched or inline, that a page has
 *   before any figure is on screen (a short window, so no `client:visible`
 *   island hydrates). The ORT runtime (its `ort*` chunks and `.wasm`) and the
 *   models must not be among them: they load only when a figure needs them.
 * - CSS: every stylesheet the page loads, plus its inline `<style>` text.
 * - First visit: every byte a chapter transfers from navigation until its
 *   first figure is live (`data-live="true"` on the figure, see Figure.tsx),
 *   on WASM, compressed as sent: HTML, CSS, fonts, JavaScript, ORT's wasm,
 *   models, tokenizer.
 *   The service worker is blocked (playwright.config.ts), so the book's
 *   background precache for offline reading is not counted.
 *
 * Each test logs what it measured (`[budget] ...` lines), the numbers to
 * start from when a budget has to move.
 */
interface Budgets {
  /** Page groups, first match wins: `match` is a regex over the path under the base. */
  pages: Record<string, { match: string; budget: { jsKB: number; cssKB: number } }>;
  /** Per chapter path: the first visit's budget in MB (10^6 bytes). */
  firstVisit: Record<string, { budgetMB: number }>;
}
const budgets = JSON.parse(readFileSync('bench/budgets.json', 'utf8')) as Budgets;

/** The budget group of a page: its name and JS/CSS budget. */
function groupOf(path: string) {
  const found = Object.entries(budgets.pages).find(([, g]) => new RegExp(g.match).test(path));
  return found && { name: found[0], ...found[1].budget };
}

/** ORT's runtime files: its JS chunks (`ort.*`, `ort-wasm*`) and its wasm. */
const RUNTIME = /\/ort[.-][^/]*$|\.wasm$/;

/** A model's graph or weights (the model pages themselves live under `models/` too). */
const MODEL_FILE = /\/models\/.*\.(onnx|safetensors)$/;

/**
 * Records each response's URL, content type, bytes transferred (Content-Length,
 * compressed where the server compressed) and, for scripts and styles, the
 * uncompressed size of its body.
 */
function recordResponses(context: BrowserContext) {
  const responses: { url: string; type: string; bytes: number; decoded: Promise<number> }[] = [];
  context.on('response', (response) => {
    const headers = response.headers();
    const type = headers['content-type'] ?? '';
    responses.push({
      url: response.url(),
      type,
      bytes: Number(headers['content-length'] ?? 0),
      decoded:
        type.includes('javascript') || type.startsWith('text/css')
          ? response.body().then((b) => b.length)
          : Promise.resolve(0),
    });
  });
  return responses;
}

/** The uncompressed bytes of the recorded responses of content type `match`. */
async function decodedBytes(
  responses: ReturnType<typeof recordResponses>,
  match: (type: string) => boolean,
) {
  return sum(await Promise.all(responses.filter((r) => match(r.type)).map((r) => r.decoded)));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const kB = (bytes: number) => (bytes / 1000).toFixed(1);

/** Bytes of the page's inline elements matching `selector` (`style`, or scripts Astro inlines). */
function inlineBytes(page: Page, selector: string): Promise<number> {
  return page.evaluate(
    (selector) =>
      [...document.querySelectorAll(selector)].reduce(
        (n, s) => n + new TextEncoder().encode(s.textContent ?? '').length,
        0,
      ),
    selector,
  );
}

for (const path of builtPages()) {
  test.describe(`budgets of /${path}`, () => {
    const group = groupOf(path);
    const firstVisit = budgets.firstVisit[path];

    test('the page has a budget in bench/budgets.json', () => {
      expect(group, `no group of bench/budgets.json matches "${path}"`).toBeDefined();
      if (path.startsWith('chapters/'))
        expect(
          firstVisit,
          `add "${path}" to firstVisit in bench/budgets.json and README`,
        ).toBeDefined();
    });

    test('first-load JavaScript and CSS stay within budget, with no runtime or model', async ({
      page,
      context,
    }) => {
      // A page with no budget fails here (and in the test above), never skips.
      expect(group, `no group of bench/budgets.json matches "${path}"`).toBeDefined();
      const responses = recordResponses(context);
      // A short window, so no figure is on screen at load (client:visible).
      await page.setViewportSize({ width: 1280, height: 400 });
      // Without the idle warm-up of a chapter's figures (kit/prefetch.ts, tested
      // in prefetch.spec.ts), which loads the runtime after the page.
      await page.goto(`${path}?prefetch=0`, { waitUntil: 'networkidle' });
      const onScreen = await page.evaluate(() =>
        [...document.querySelectorAll('astro-island')].some((el) => {
          const r = el.getBoundingClientRect();
          return r.height > 0 && r.top < innerHeight && r.bottom > 0;
        }),
      );
      const heavy = responses
        .map((r) => new URL(r.url).pathname)
        .filter((p) => RUNTIME.test(p) || MODEL_FILE.test(p));
      const js =
        (await decodedBytes(responses, (t) => t.includes('javascript'))) +
        (await inlineBytes(page, 'script:not([src]):not([type="application/json"])'));
      const css =
        (await decodedBytes(responses, (t) => t.startsWith('text/css'))) +
        (await inlineBytes(page, 'style'));
      test
        .info()
        .annotations.push({ type: 'measured', description: `js ${kB(js)} kB, css ${kB(css)} kB` });
      console.log(`[budget] /${path} js ${js} css ${css}`);
      expect(onScreen, 'an island on screen at load (make the window shorter)').toBe(false);
      expect(heavy, 'runtime or model files on first load').toEqual([]);
      expect(js / 1000, `first-load JavaScript (kB), ${group!.name}`).toBeLessThanOrEqual(
        group!.jsKB,
      );
      expect(css / 1000, `CSS (kB), ${group!.name}`).toBeLessThanOrEqual(group!.cssKB);
    });

    if (!path.startsWith('chapters/')) return;

    test('a first visit on WASM, until the first figure is live, stays within budget', async ({
      page,
      context,
    }) => {
      expect(firstVisit, `no first-visit budget for "${path}"`).toBeDefined();
      const responses = recordResponses(context);
      // Only what the figure needs: without the idle warm-up of the page's
      // other models (kit/prefetch.ts), whose share of this window depends on
      // timing; bench/network.mjs measures the first visit with it.
      await page.goto(`${path}?backend=wasm&prefetch=0`, { waitUntil: 'domcontentloaded' });
      const figure = page.locator('figure.widget').first();
      // The first figure is below the fold: go to it, as a reader would.
      await figure.scrollIntoViewIfNeeded();
      await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 90_000 });
      // Each file once: ORT's proxy worker asks again for the runtime's script
      // and wasm that the page fetched, and the browser's cache answers it.
      const once = new Map(responses.map((r) => [r.url, r.bytes]));
      const bytes = sum([...once.values()]);
      console.log(`[budget] /${path} firstVisit ${bytes} (${responses.length} responses)`);
      expect(bytes / 1e6, 'first-visit bytes (MB)').toBeLessThanOrEqual(firstVisit!.budgetMB);
    });
  });
}
