import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { e2eOutDir } from '../../playwright.config';
import { writeServiceWorker } from '../../scripts/finish-build.mjs';
import { serve } from '../../scripts/serve.mjs';
import { expect, test } from './fixtures';

/**
 * Issue 8, item 1: after one visit the whole book works with no network, the
 * reader can see that it does, and a new build replaces the saved copy
 * cleanly. Each test serves its own copy of the e2e build from its own server
 * (here, so the test can stop it: no network is really no network) and lets
 * the service worker run (the config blocks it elsewhere).
 */
test.describe.configure({ timeout: 420_000, mode: 'serial' });
test.use({ serviceWorkers: 'allow' });

const port = Number(process.env.E2E_PORT ?? 4329) + 11;
const mount = '/offline/book/';
const root = `http://127.0.0.1:${port}${mount}`;
test.use({ baseURL: root });

let work = '';
let copy = '';
let server: Server | undefined;

async function startServer() {
  server = await serve({ mounts: [{ path: mount, dir: copy, isolate: true }], port });
}

function stopServer() {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
}

test.beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'circuits-offline-'));
  copy = join(work, 'site');
  cpSync(e2eOutDir, copy, { recursive: true });
  await startServer();
});

test.afterEach(() => {
  stopServer();
  rmSync(work, { recursive: true, force: true });
});

/**
 * The version the build's sw.js was written with, and how many of its files
 * this Chromium saves: all but ORT's asyncify WebGPU build (it has WebGPU and
 * JavaScript Promise Integration, so it runs the JSPI build).
 */
function builtBook(): { version: string; files: unknown[]; saved: number } {
  const text = readFileSync(join(copy, 'sw.js'), 'utf8');
  const book = JSON.parse(/const BOOK = (\{.*?\});\n/.exec(text)![1]) as {
    version: string;
    files: string[][];
  };
  return { ...book, saved: book.files.filter((f) => f[2] !== 'asyncify').length };
}

/** Entries in this book's caches, per cache name. */
function savedCaches(page: Page) {
  return page.evaluate(async () => {
    const out: Record<string, number> = {};
    for (const name of await caches.keys())
      out[name] = (await (await caches.open(name)).keys()).length;
    return out;
  });
}

async function waitSaved(page: Page, version: string) {
  const status = page.locator('[data-offline-status]');
  await expect(status).toHaveAttribute('data-offline-state', 'ready', { timeout: 300_000 });
  await expect(status).toHaveAttribute('data-offline-version', version);
  await expect(status).toContainText('Available offline');
}

test('after one visit, pages, search, runtime and models work with no network', async ({
  page,
}) => {
  const book = builtBook();
  await page.goto('');
  await expect(page.locator('[data-offline-status]')).toBeVisible();
  await waitSaved(page, book.version);
  const saved = await savedCaches(page);
  expect(Object.values(saved)).toEqual([book.saved]);

  stopServer(); // no network from here on
  expect(await page.evaluate(() => fetch('?probe').then((r) => r.status))).toBe(200);

  // A chapter never visited, its figure on a model never fetched while online.
  await page.goto('chapters/06-induction-heads/?backend=wasm');
  const figure = page.locator('[data-widget]').first();
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 180_000 });
  await expect(figure.locator('.widget-badge')).toContainText('WASM');
  await expect(figure.getByRole('alert')).toHaveCount(0);

  // Navigation and search.
  await page.getByRole('link', { name: 'Circuits', exact: true }).click();
  await expect(page).toHaveURL(root);
  await page.goto('search/?q=virtual%20weights');
  await expect(page.locator('.pagefind-ui__result').first()).toBeVisible({ timeout: 30_000 });
  await page.goto('models/attn-only-2l/');
  await expect(page.locator('h1')).toBeVisible();
  await expect(page.locator('[data-offline-status]')).toHaveAttribute(
    'data-offline-state',
    'ready',
  );
});

test('a new build replaces the saved copy: the reader is offered it, old files are dropped, unchanged files are not downloaded again', async ({
  page,
}) => {
  const first = builtBook();
  await page.goto('chapters/01-transformers/');
  await waitSaved(page, first.version);

  // A new build: chapter 1's text changed, everything else the same.
  const chapter = join(copy, 'chapters/01-transformers/index.html');
  writeFileSync(chapter, readFileSync(chapter, 'utf8').replace('</h1>', ' (second edition)</h1>'));
  const second = writeServiceWorker(copy);
  expect(second.version).not.toBe(first.version);

  // What the server is asked for from now on (the service worker's own
  // fetches are not page requests, so they are counted at the server).
  const served: string[] = [];
  server!.on('request', (req) => served.push(req.url ?? ''));
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  const status = page.locator('[data-offline-status]');
  await expect(status).toHaveAttribute('data-offline-state', 'update', { timeout: 300_000 });
  // The old version still serves this page until the reader switches.
  await expect(page.locator('h1')).not.toContainText('second edition');
  await status.getByRole('button', { name: 'Use the new version' }).click();
  await expect(page.locator('h1')).toContainText('second edition', { timeout: 60_000 });
  await waitSaved(page, second.version);
  expect(served).toContain(`${mount}chapters/01-transformers/`);
  // Model files, not the model pages: every page states the build's hash, so
  // every page (models/x/ included) is new in a new build.
  const again = served.filter(
    (url) => (url.includes('/models/') && !url.endsWith('/')) || url.endsWith('.wasm'),
  );
  expect(again, 'unchanged models and runtime downloaded again').toEqual([]);
  expect(Object.values(await savedCaches(page))).toEqual([builtBook().saved]);

  stopServer();
  await page.reload();
  await expect(page.locator('h1')).toContainText('second edition');
});

test('a reader whose browser asks to save data is asked before anything is saved', async ({
  page,
}) => {
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'connection', {
      get: () => ({ saveData: true }),
    }),
  );
  await page.goto('');
  const status = page.locator('[data-offline-status]');
  await expect(status).toHaveAttribute('data-offline-state', 'available');
  await page.waitForTimeout(4_000); // longer than the automatic start's delay
  expect(await savedCaches(page)).toEqual({});
  await status.getByRole('button', { name: 'Save for offline reading' }).click();
  await waitSaved(page, builtBook().version);
});
