import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { e2eOutDir, plainBase } from '../../playwright.config';
import { makeArchive, FOLDER } from '../../scripts/archive.mjs';
import { builtPages, expect, test } from './fixtures';

/**
 * Issue 8, items 2 and 7: one build works under any path of any static server
 * (with and without the isolation headers, over https-like localhost and over
 * plain http), the archive `npm run archive` makes works unpacked under a deep
 * path of a server that is not ours, and every page runs under its
 * Content-Security-Policy.
 */
test.describe.configure({ timeout: 240_000 });

const port = Number(process.env.E2E_PORT ?? 4329);
const FIGURE = 'ch1-predictions';
const CH1 = 'chapters/01-transformers/';

/** Opens chapter 1 under `root` on WASM and waits for its first figure's result. */
async function liveFigure(page: Page, root: string) {
  await page.goto(`${root}${CH1}?backend=wasm`);
  const figure = page.locator(`[data-widget="${FIGURE}"]`);
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 150_000 });
  await expect(figure.getByTestId('predictions')).toHaveAttribute('data-output', /\S/);
  await expect(figure.locator('.widget-badge')).toContainText('WASM');
  return figure;
}

/** Records every response of the page whose status is 400 or more. */
function failedResponses(page: Page): string[] {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  return failed;
}

for (const [mount, isolated] of [
  ['/circuits/', true],
  [plainBase, false],
] as const) {
  test(`one build, served at ${mount}${isolated ? '' : ' without isolation headers'}: pages, styles, search and figures all load from under that path`, async ({
    page,
    record,
  }) => {
    const root = `http://127.0.0.1:${port}${mount}`;
    const failed = failedResponses(page);
    await liveFigure(page, root);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(isolated);
    // The stylesheet and the book's fonts came from under the mount.
    await expect(page.locator('body')).toHaveCSS('font-family', /Source Serif 4/);
    await page
      .getByRole('link', { name: /residual stream/i })
      .first()
      .click();
    await expect(page).toHaveURL(`${root}chapters/02-residual-stream/`);
    await page.goto(`${root}search/?q=induction`);
    await expect(page.locator('.pagefind-ui__result').first()).toBeVisible({ timeout: 30_000 });
    const resultHref = await page.locator('.pagefind-ui__result-link').first().getAttribute('href');
    expect(resultHref?.startsWith(mount), `search result ${resultHref}`).toBe(true);
    expect(failed).toEqual([]);
    const outside = record.requests.filter((url) => !url.startsWith(root));
    expect(outside, 'requests outside the mount').toEqual([]);
  });
}

test.describe('the archive, unpacked under a deep path of another static server', () => {
  const archivePort = port + 7;
  const deep = '/dept/courses/2026/';
  const root = `http://127.0.0.1:${archivePort}${deep}${FOLDER}/`;
  let work = '';
  let server: ChildProcess | undefined;

  test.use({ baseURL: root });

  test.beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'circuits-archive-test-'));
    const archive = join(work, 'book.tar.gz');
    makeArchive(e2eOutDir, archive);
    const site = join(work, 'site');
    mkdirSync(join(site, deep), { recursive: true });
    execFileSync('tar', ['-xzf', archive, '-C', join(site, deep)]);
    // Python's own static server: knows nothing of this book or its headers.
    server = spawn(
      '/usr/bin/python3',
      ['-m', 'http.server', String(archivePort), '--bind', '127.0.0.1', '--directory', site],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(root)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('python3 -m http.server did not start');
  });

  test.afterAll(() => {
    server?.kill();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('works with no rebuild: a figure runs, links and search resolve, HOSTING.md is there', async ({
    page,
    request,
  }) => {
    const failed = failedResponses(page);
    await liveFigure(page, root);
    await page.getByRole('link', { name: 'Circuits', exact: true }).click();
    await expect(page).toHaveURL(root);
    await page.goto(`${root}search/?q=residual`);
    await expect(page.locator('.pagefind-ui__result').first()).toBeVisible({ timeout: 30_000 });
    expect((await request.get(`${root}HOSTING.md`)).status()).toBe(200);
    expect(failed).toEqual([]);
  });
});

test.describe('Content-Security-Policy', () => {
  for (const path of builtPages()) {
    test(`${path || 'home'} carries a CSP of its own origin only, without unsafe-eval`, async ({
      page,
    }) => {
      await page.goto(path);
      const csp = await page
        .locator('meta[http-equiv="Content-Security-Policy"]')
        .getAttribute('content');
      expect(csp).toBeTruthy();
      const directives = new Map(
        csp!.split(';').map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('script-src')?.slice(0, 2)).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      // Beyond those two, only hashes of the page's own inline scripts.
      for (const v of directives.get('script-src')!.slice(2)) expect(v).toMatch(/^'sha256-/);
      for (const v of directives.get('style-src')!.slice(1)) expect(v).toMatch(/^'sha256-/);
      expect(csp).not.toContain("'unsafe-eval'");
      for (const [name, values] of directives)
        for (const v of values)
          expect(`${name} ${v}`).toMatch(
            /'self'|'none'|'sha256-|'wasm-unsafe-eval'|data:|blob:|style-src-attr 'unsafe-inline'/,
          );
    });
  }

  test.describe('is enforced', () => {
    test.use({
      allowedConsoleErrors: [/Content Security Policy|unsafe-eval|Refused to/],
    });

    test('a figure runs under it with no violation, while eval and injected scripts are refused', async ({
      page,
    }) => {
      await page.addInitScript(() => {
        (window as unknown as { violations: string[] }).violations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          (window as unknown as { violations: string[] }).violations.push(
            `${e.violatedDirective} ${e.blockedURI}`,
          ),
        );
      });
      await liveFigure(page, '');
      expect(
        await page.evaluate(() => (window as unknown as { violations: string[] }).violations),
      ).toEqual([]);
      // DevTools-evaluated code is exempt from CSP, so the eval attempt runs
      // in a same-origin script the page loads (allowed by 'self'), as any
      // script of the book would.
      await page.route('**/__csp-probe.js', (route) =>
        route.fulfill({
          contentType: 'text/javascript',
          body: `try { new Function('return 1')(); window.evalResult = 'ran'; }
                 catch { window.evalResult = 'refused'; }`,
        }),
      );
      const attempts = await page.evaluate(async () => {
        const probe = document.createElement('script');
        probe.src = new URL('__csp-probe.js', document.baseURI).href;
        const loaded = new Promise((r) => (probe.onload = r));
        document.body.append(probe);
        await loaded;
        const inline = document.createElement('script');
        inline.textContent = 'window.injected = true';
        document.body.append(inline);
        await new Promise((r) => setTimeout(r, 200));
        const w = window as unknown as {
          evalResult?: string;
          injected?: boolean;
          violations: string[];
        };
        return {
          evalResult: w.evalResult,
          injected: w.injected ?? false,
          violations: w.violations.length,
        };
      });
      expect(attempts).toEqual({ evalResult: 'refused', injected: false, violations: 2 });
    });
  });
});
