import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { readText } from '../../src/components/kit/png-text';
import { expect, seriousViolations, test } from './fixtures';

/**
 * Issue 18: figures a lecturer can point to. Every live figure of a chapter
 * has a number and an anchor in the static HTML, and "Copy link" gives the
 * chapter's address with the figure's state and anchor, which opens the
 * page at that figure in that state, without the copier's `?backend=`.
 */

test('every chapter figure has a number and an anchor in the static HTML', async ({ page }) => {
  const response = await page.request.get('chapters/06-induction-heads/');
  const html = await response.text();
  const numbers = [
    ...html.matchAll(/class="figure-slot" id="(fig-[a-z0-9-]+)" data-figure-number="([\d.]+)"/g),
  ];
  expect(numbers.map((m) => m[2])).toEqual(['6.1', '6.2', '6.3', '6.4', '6.5', '6.6', '6.7']);
  for (const [, id, n] of numbers)
    expect(html).toContain(`href="#${id}" data-pagefind-ignore>Figure ${n}</a>`);
});

test('copy link round-trips a figure’s state and scrolls to it, leaving the backend behind', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('chapters/01-transformers/?backend=wasm');
  const slot = page.locator('#fig-tokenizer');
  const figure = slot.locator('[data-widget="tokenizer"]');
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(figure).toHaveAccessibleName(/^Figure 1\.1: How the models see text/);
  const text = 'The lecturer typed this: induction heads copy.';
  await figure.getByRole('textbox', { name: 'Text' }).fill(text);

  await figure.getByRole('button', { name: /Copy link to figure 1\.1/ }).click();
  await expect(figure.getByRole('status').filter({ hasText: 'copied' })).toContainText(
    'Link to figure 1.1 copied (without this browser’s ?backend/?threads).',
  );
  const link = new URL(await page.evaluate(() => navigator.clipboard.readText()));
  expect(link.hash).toBe('#fig-tokenizer');
  expect(link.searchParams.get('tok.text')).toBe(text);
  expect(link.searchParams.has('backend')).toBe(false);

  // Opened elsewhere (here forced to WASM again, for speed), the page lands
  // on the figure, which shows the lecturer's text.
  link.searchParams.set('backend', 'wasm');
  const other = await context.newPage();
  await other.goto(link.href);
  const opened = other.locator('#fig-tokenizer [data-widget="tokenizer"]');
  await expect(opened).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(opened.getByRole('textbox', { name: 'Text' })).toHaveValue(text);
  await expect(other.locator('#fig-tokenizer')).toBeInViewport();
  expect(await other.evaluate(() => window.scrollY)).toBeGreaterThan(500);
});

/** Clicks `button` and returns the file it saves, with its suggested name. */
async function saved(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

test('a figure saves its numbers as JSON and CSV with prompt, settings, model and book version', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('chapters/01-transformers/?backend=wasm');
  const figure = page.locator('#fig-tokens-predictions [data-widget="ch1-predictions"]');
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 150_000 });
  const prompt = 'In the beginning God created the heaven and the';
  await figure.getByRole('textbox', { name: 'Prompt' }).fill(prompt);
  await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 120_000 });
  const version = await page.locator('[data-edition-version]').getAttribute('data-edition-version');

  const json = await saved(page, figure.getByRole('button', { name: /^Save JSON/ }));
  expect(json.name).toBe('circuits-figure-1.2-tokens-predictions.json');
  const file = JSON.parse(json.text);
  expect(file.book.version).toBe(version);
  expect(file.book.build).toMatch(/^[0-9a-f]{12}$/);
  expect(file.figure).toMatchObject({ number: '1.2', id: 'fig-tokens-predictions' });
  expect(file.settings.Prompt).toBe(prompt);
  expect(file.state['tp.prompt']).toBe(prompt);
  expect(file.link).toContain('#fig-tokens-predictions');
  expect(file.link).not.toContain('backend=');
  expect(file.models.length).toBeGreaterThan(0);
  const series = file.data.filter((d: { kind: string }) => d.kind === 'series');
  expect(series.length).toBeGreaterThan(0);
  const probs = series[0].items.map((i: { value: number }) => i.value);
  expect(probs.length).toBeGreaterThan(1);
  for (const p of probs) expect(p).toBeGreaterThanOrEqual(0);
  expect(probs[0]).toBeGreaterThanOrEqual(probs[1]);

  const csv = await saved(page, figure.getByRole('button', { name: /^Save CSV/ }));
  expect(csv.name).toBe('circuits-figure-1.2-tokens-predictions.csv');
  expect(csv.text).toContain(`# Circuits ${version}`);
  expect(csv.text).toContain(`# Prompt: ${prompt}`);
  expect(csv.text).toContain(`# models: ${file.models.join(', ')}`);
  expect(csv.text).toContain(`value (probability)`);
  expect(csv.text).toContain(String(probs[0]));
});

test('a heatmap figure saves its picture as SVG and its matrices as numbers', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('chapters/06-induction-heads/?backend=wasm#fig-head-scores');
  const figure = page.locator('#fig-head-scores [data-widget="head-scores"]');
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 200_000 });
  const svg = await saved(
    page,
    figure.getByRole('button', { name: /picture of figure 6\.3 \(SVG\)/ }),
  );
  expect(svg.name).toBe('circuits-figure-6.3-head-scores.svg');
  expect(svg.text).toContain('<title>Figure 6.3. ');
  expect(svg.text).toContain('attn-only-2l');
  expect(svg.text).not.toContain('var(--');
  // It is an SVG a browser draws: the nested plots are there, with their images.
  const plots = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      nested: doc.documentElement.querySelectorAll('svg').length,
      images: doc.documentElement.querySelectorAll('image').length,
    };
  }, svg.text);
  expect(plots.error).toBeNull();
  expect(plots.nested).toBeGreaterThanOrEqual(6);

  const json = JSON.parse(
    (
      await saved(
        page,
        figure.getByRole('button', { name: 'Save JSON: the numbers of figure 6.3' }),
      )
    ).text,
  );
  const matrices = json.data.filter((d: { kind: string }) => d.kind === 'matrix');
  expect(matrices.length).toBeGreaterThanOrEqual(6);
  // Each plot is named in the picture as in the data.
  for (const m of matrices) expect(svg.text).toContain(`>${m.label}</text>`);
  for (const m of matrices) {
    expect(m.values).toHaveLength(m.rows * m.cols);
    expect(m.values.every((v: number | null) => v === null || Number.isFinite(v))).toBe(true);
  }
});

/** Relative luminance (WCAG) of a CSS `rgb()`/`#rrggbb` colour. */
function luminance(colour: string): number {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  const rgb = hex
    ? hex.slice(1).map((h) => parseInt(h, 16))
    : (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

test('in the dark theme, a raster figure saves its picture in the light colours, as SVG and as PNG with its provenance', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('chapters/06-induction-heads/?backend=wasm#fig-repeated-tokens');
  const figure = page.locator('#fig-repeated-tokens figure.widget');
  await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 200_000 });
  const pageBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(luminance(pageBackground)).toBeLessThan(0.05);

  // SVG: on its white background, every text is dark enough to read (WCAG
  // contrast >= 4.5), and the heatmap's raster has the light theme's colours.
  const svg = await saved(
    page,
    figure.getByRole('button', { name: /picture of figure 6\.\d \(SVG\)/ }),
  );
  const drawn = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const fills = [...doc.querySelectorAll('text')].map(
      (t) =>
        /(?:^|;)fill:([^;]+)/.exec(t.getAttribute('style') ?? '')?.[1] ??
        t.getAttribute('fill') ??
        '#000000',
    );
    return {
      background: doc.querySelector('svg > rect')?.getAttribute('fill'),
      fills: [...new Set(fills)],
      rasters: [...doc.querySelectorAll('image')].map((i) => i.getAttribute('href')),
    };
  }, svg.text);
  expect(drawn.background).toBe('#ffffff');
  expect(drawn.fills.length).toBeGreaterThan(0);
  for (const fill of drawn.fills)
    expect((1 + 0.05) / (luminance(fill) + 0.05), fill).toBeGreaterThanOrEqual(4.5);
  expect(drawn.rasters.length).toBeGreaterThan(0);

  // PNG, offered because the figure draws a raster: twice the SVG's size,
  // with the same provenance in its text chunks.
  const button = figure.getByRole('button', { name: /^Save PNG: the picture of figure 6\.\d/ });
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toMatch(/^circuits-figure-6\.\d-repeated-tokens\.png$/);
  const png = new Uint8Array(readFileSync(await download.path()));
  expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  const svgWidth = Number(/<svg [^>]*width="(\d+)"/.exec(svg.text)![1]);
  expect(Buffer.from(png).readUInt32BE(16)).toBe(2 * svgWidth);
  const text = readText(png);
  expect(text.Title).toMatch(/^Figure 6\.\d\. /);
  expect(text.Source).toContain('#fig-repeated-tokens');
  expect(text.Software).toMatch(/^Circuits \S+, build \S+$/);
  const context = JSON.parse(text['circuits:export']);
  expect(context.models).toContain('attn-only-2l');
  expect(context.figure.id).toBe('fig-repeated-tokens');
  await expect(figure.getByRole('status').filter({ hasText: 'Saved' })).toContainText('.png');
  expect(await seriousViolations(page, '#fig-repeated-tokens .widget-tools')).toEqual([]);

  // The raster saved from the dark page is the one the light page draws.
  await page.emulateMedia({ colorScheme: 'light' });
  await expect
    .poll(() => figure.locator('image.kit-heatmap-raster').first().getAttribute('href'))
    .toBe(drawn.rasters[0]);
});

test('the figure toolbar and print control are accessible and fit a 375 px phone', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('chapters/01-transformers/?backend=wasm#fig-tokens-predictions');
  const figure = page.locator('#fig-tokens-predictions [data-widget="ch1-predictions"]');
  await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 150_000 });
  await expect(page.getByRole('button', { name: 'Print this chapter' })).toBeVisible();
  await expect(figure.getByRole('group', { name: 'Figure 1.2 tools' })).toBeVisible();
  // (The figure's own table is not checked here: at 375 px a chapter's
  // tables scroll as blocks, a rule of the prose styles older than the toolbar.)
  expect(await seriousViolations(page, '#fig-tokens-predictions .widget-tools')).toEqual([]);
  expect(await seriousViolations(page, '#fig-tokens-predictions .figure-number')).toEqual([]);
  expect(await seriousViolations(page, '.chapter-header')).toEqual([]);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});

/**
 * The smallest text of `figure` as drawn on screen, in px: HTML text at its
 * font size times the zoom it is under, SVG text times its plot's scale.
 */
async function smallestText(figure: Locator): Promise<{ px: number; where: string }> {
  return figure.evaluate((root) => {
    let px = Infinity;
    let where = '';
    const note = (size: number, el: Element) => {
      if (size < px) {
        px = size;
        where = `${el.tagName} “${(el.textContent ?? '').trim().slice(0, 40)}”`;
      }
    };
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !(n.textContent ?? '').trim() || !visible(el)) continue;
      if (el.closest('.visually-hidden')) continue;
      const svg = el.closest('svg');
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (svg) {
        const scale = svg.getBoundingClientRect().width / (svg.viewBox.baseVal?.width || 1);
        note(size * scale, el);
      } else {
        note(size * ((el as HTMLElement & { currentCSSZoom?: number }).currentCSSZoom ?? 1), el);
      }
    }
    return { px, where };
  });
}

test('presenter view fills a 1280x720 screen with every label at 18 px or more, by keyboard', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('chapters/05-attention-heads/?backend=wasm#fig-attention-explorer');
  const figure = page.locator('#fig-attention-explorer figure.widget');
  await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 200_000 });
  const before = await smallestText(figure);
  const present = figure.getByRole('button', { name: /^Present/ });
  await present.focus();
  await page.keyboard.press('Enter');
  await expect(present).toHaveAttribute('aria-pressed', 'true');
  const box = await figure.boundingBox();
  expect(box).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
  // Plots widen after a frame; then every text is at least 18 px.
  await expect
    .poll(async () => (await smallestText(figure)).px, { timeout: 10_000 })
    .toBeGreaterThanOrEqual(18);
  console.log(
    `smallest text: ${before.px.toFixed(1)} px on the page (${before.where}), ${(await smallestText(figure)).px.toFixed(1)} px presented`,
  );
  // The figure's controls still work from the keyboard: Tab reaches them.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('figure.widget') !== null)).toBe(
    true,
  );
  // The browser was asked for full screen and gave it; screen readers hear so.
  const fullscreen = () =>
    page.evaluate(() => document.fullscreenElement?.matches('figure.widget') ?? false);
  expect(await fullscreen()).toBe(true);
  const status = figure.getByRole('status').filter({ hasText: /Present|Left/ });
  await expect(status).toHaveText(
    /^Presenting figure 5\.\d full screen\. Press Escape to leave\.$/,
  );
  await page.keyboard.press('Escape');
  await expect(present).toHaveAttribute('aria-pressed', 'false');
  await expect(present).toBeFocused();
  await expect.poll(fullscreen).toBe(false);
  await expect(status).toHaveText(/^Left presenter view of figure 5\.\d\.$/);
  expect((await figure.boundingBox())!.width).toBeLessThan(1280);

  // Where full screen is refused (an iframe without allow="fullscreen"), the
  // figure fills the window instead, and Escape still leaves.
  await page.evaluate(() => Object.defineProperty(document, 'fullscreenEnabled', { value: false }));
  await page.keyboard.press('Enter');
  await expect(present).toHaveAttribute('aria-pressed', 'true');
  await expect(status).toHaveText(/in the window/);
  expect(await fullscreen()).toBe(false);
  expect(await figure.boundingBox()).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
  await page.keyboard.press('Escape');
  await expect(present).toHaveAttribute('aria-pressed', 'false');
  await expect(present).toBeFocused();
});

test('heatmaps on a 375 px phone scroll instead of shrinking labels below 10 px', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('chapters/05-attention-heads/?backend=wasm#fig-attention-explorer');
  const figure = page.locator('#fig-attention-explorer figure.widget');
  await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 200_000 });
  const smallest = await figure
    .locator('.kit-heatmap')
    .first()
    .evaluate((map) => {
      const svg = map.querySelector('svg')!;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const sizes = [...svg.querySelectorAll('text')].map((t) =>
        parseFloat(getComputedStyle(t).fontSize),
      );
      return Math.min(...sizes) * scale;
    });
  expect(smallest).toBeGreaterThanOrEqual(9.99);
  expect(await seriousViolations(page, '#fig-attention-explorer .kit-heatmap')).toEqual([]);
});
