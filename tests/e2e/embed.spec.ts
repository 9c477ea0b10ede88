import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { e2eOutDir } from '../../playwright.config';
import { basePath, builtChapterIds, expect, seriousViolations, test } from './fixtures';

/**
 * Issue 18, item 2: every live figure has an embed page (`embed/<figure>/`)
 * that shows only that figure, with its state from the URL, a link back to
 * its place in the chapter and the book's CSP; it goes live inside an iframe
 * on another origin, and "Copy embed code" round-trips the figure's state.
 */

/** The figures of a built chapter, `[anchor, number]`, from its static HTML. */
async function chapterFigures(
  request: import('@playwright/test').APIRequestContext,
  chapter: string,
): Promise<[string, string][]> {
  const html = await (await request.get(`chapters/${chapter}/`)).text();
  return [
    ...html.matchAll(/class="figure-slot" id="(fig-[a-z0-9-]+)" data-figure-number="([\d.]+)"/g),
  ].map((m) => [m[1], m[2]]);
}

test('there is one embed page for each numbered figure of the book, and no other', async ({
  request,
}) => {
  const anchors: string[] = [];
  for (const chapter of builtChapterIds())
    for (const [anchor] of await chapterFigures(request, chapter)) anchors.push(anchor);
  const pages = readdirSync(`${e2eOutDir}/embed`).sort();
  expect(pages).toEqual(anchors.map((a) => a.replace(/^fig-/, '')).sort());
});

for (const chapter of builtChapterIds()) {
  test(`chapter ${chapter}: each figure's embed page goes live in an iframe on another origin, and is accessible at 375 px`, async ({
    browser,
    page,
    request,
    baseURL,
  }) => {
    test.setTimeout(600_000);
    const figures = await chapterFigures(request, chapter);
    // The course page lives on another origin: a server of the test's own,
    // on another port, whose page holds the iframe. Its own browser context,
    // so that origin is allowed here, and checked by hand below.
    let lesson = '';
    const server: Server = createServer((_, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(lesson);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const parentOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const context = await browser.newContext();
    const requests: string[] = [];
    const errors: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    context.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    context.on('weberror', (e) => errors.push(String(e.error())));
    const course = await context.newPage();
    for (const [anchor, number] of figures) {
      const src = `${baseURL}embed/${anchor.replace(/^fig-/, '')}/?backend=wasm`;
      lesson = `<!doctype html><title>Lesson</title><h1>Lesson</h1><iframe src="${src}" title="Figure ${number}" width="900" height="900"></iframe>`;
      await course.goto(`${parentOrigin}/lesson`);
      const frame = course.frameLocator('iframe');
      const figure = frame.locator(`#${anchor} figure.widget`);
      await expect(figure, `figure ${number} in the iframe`).toHaveAttribute('data-live', 'true', {
        timeout: 240_000,
      });
      await expect(frame.locator(`#${anchor} .figure-number`)).toHaveText(`Figure ${number}`);
      // Only this figure: no other slot or heading shows.
      expect(await frame.locator('.figure-slot:visible').count()).toBe(1);
      expect(await frame.locator('h2:visible, h3:visible').count()).toBe(0);
    }
    server.close();
    const origins = new Set(requests.map((u) => new URL(u).origin));
    expect([...origins].sort()).toEqual([new URL(baseURL!).origin, parentOrigin].sort());
    expect(errors).toEqual([]);
    await context.close();

    // Each embed page on its own at 375 px: no sideways scrolling, axe-clean,
    // a CSP, and a link back to the figure in its chapter.
    await page.setViewportSize({ width: 375, height: 740 });
    for (const [anchor] of figures) {
      await page.goto(`embed/${anchor.replace(/^fig-/, '')}/?backend=wasm`);
      await expect(page.locator(`#${anchor} figure.widget`)).toHaveAttribute('data-live', 'true', {
        timeout: 240_000,
      });
      expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(1);
      const back = page.locator('.embed-source a');
      expect(new URL((await back.getAttribute('href'))!, page.url()).pathname).toBe(
        new URL(`chapters/${chapter}/`, baseURL).pathname,
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        375,
      );
      expect(await seriousViolations(page), anchor).toEqual([]);
    }
  });
}

test('copy embed code gives an iframe of the embed page in the figure’s state', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('chapters/01-transformers/?backend=wasm#fig-tokenizer');
  const figure = page.locator('#fig-tokenizer figure.widget');
  await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 60_000 });
  const text = 'Shown in the lecture: attention heads move information.';
  await figure.getByRole('textbox', { name: 'Text' }).fill(text);
  await figure.getByRole('button', { name: /Copy embed code for figure 1\.1/ }).click();
  await expect(figure.getByText('Embed code for figure 1.1 copied.')).toBeVisible();
  const code = await page.evaluate(() => navigator.clipboard.readText());
  expect(code).toMatch(
    /^<iframe src="[^"]+" title="Figure 1\.1: How the models see text \(Circuits\)" width="100%" height="\d+"/,
  );
  const src = new URL(code.match(/src="([^"]+)"/)![1].replaceAll('&amp;', '&'));
  expect(src.pathname).toMatch(/\/embed\/tokenizer\/$/);
  expect(src.searchParams.get('tok.text')).toBe(text);
  expect(src.searchParams.has('backend')).toBe(false);

  src.searchParams.set('backend', 'wasm');
  await page.goto(src.href);
  const embedded = page.locator('#fig-tokenizer figure.widget');
  await expect(embedded).toHaveAttribute('data-live', 'true', { timeout: 60_000 });
  await expect(embedded.getByRole('textbox', { name: 'Text' })).toHaveValue(text);
  // The link back to the chapter carries the state too, not the backend.
  const back = new URL((await page.locator('.embed-source a').getAttribute('href'))!, page.url());
  expect(back.hash).toBe('#fig-tokenizer');
  expect(back.searchParams.get('tok.text')).toBe(text);
  expect(back.searchParams.has('backend')).toBe(false);
});

test.describe('bad embed links', () => {
  // The server answers the missing page with a 404, which the console reports.
  test.use({ allowedConsoleErrors: [/status of 404/] });

  test('an embed link to a missing figure, or with malformed state, says so or falls back, never blank', async ({
    page,
  }) => {
    const response = await page.goto('embed/no-such-figure/');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expect(
      page.getByText('This embed link names a figure the book does not have.'),
    ).toBeVisible();
    // The page finds the book's root from its address: its styles load and its link leads to the book.
    const link = page.getByRole('link', { name: /list of chapters/ });
    expect(new URL(await link.evaluate((a) => (a as HTMLAnchorElement).href)).pathname).toBe(
      basePath(),
    );
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).not.toBe(
      'Times New Roman',
    );

    // State the figure cannot take (too long, wrong type) falls back to its defaults.
    await page.goto(`embed/tokenizer/?backend=wasm&tok.text=${'x'.repeat(5000)}`);
    const figure = page.locator('#fig-tokenizer figure.widget');
    await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 60_000 });
    expect(
      (await figure.getByRole('textbox', { name: 'Text' }).inputValue()).length,
    ).toBeGreaterThan(0);
    expect((await figure.getByRole('textbox', { name: 'Text' }).inputValue()).length).toBeLessThan(
      5000,
    );
  });
});
