import { expect, test } from './fixtures';

/**
 * A chapter warms its figures while the reader reads (kit/prefetch.ts): after
 * the load event, the fonts and an idle moment, the runtime's wasm and the
 * models its figures name (`data-models`) are loaded, before any figure is on
 * screen; nothing of them starts before the page's text, styles and fonts are
 * in. A figure reached later is then live without fetching anything again.
 */
test.describe('idle warm-up of a chapter', () => {
  for (const backend of ['wasm', 'webgpu'] as const) {
    test(`chapter 2 on ${backend}: runtime and models load at idle after load and fonts, and its first figure then needs no download`, async ({
      page,
    }) => {
      // A short window: no figure is on screen, none hydrates by itself.
      await page.setViewportSize({ width: 1280, height: 400 });
      const heavy: string[] = [];
      page.on('request', (r) => {
        if (/\.wasm$|\/models\/.*\.(safetensors|onnx)$/.test(r.url())) heavy.push(r.url());
      });
      await page.goto(`chapters/02-residual-stream/?backend=${backend}`);
      const ids = await page.evaluate(() => [
        ...new Set(
          [...document.querySelectorAll<HTMLElement>('figure.widget[data-models]')].flatMap((f) =>
            (f.dataset.models ?? '').split(' '),
          ),
        ),
      ]);
      expect(ids.length, 'figures name their models').toBeGreaterThan(0);
      const wanted = ids.map((id) => `/models/${id}/weights.safetensors`);
      await expect
        .poll(
          () =>
            wanted.every((w) => heavy.some((u) => u.endsWith(w))) &&
            heavy.some((u) => u.endsWith('.wasm')),
          {
            timeout: 90_000,
          },
        )
        .toBe(true);
      const timing = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const starts = resources
          .filter((e) => /\.wasm$|\/models\/.*\.(safetensors|onnx)$/.test(e.name))
          .map((e) => e.startTime);
        const fonts = resources.filter((e) => /\.woff2$/.test(e.name)).map((e) => e.responseEnd);
        const onScreen = [...document.querySelectorAll('astro-island')].some((el) => {
          const r = el.getBoundingClientRect();
          return r.height > 0 && r.top < innerHeight && r.bottom > 0;
        });
        return {
          load: nav.loadEventEnd,
          firstHeavy: Math.min(...starts),
          lastFont: fonts.length ? Math.max(...fonts) : 0,
          onScreen,
        };
      });
      expect(timing.onScreen, 'a figure on screen at load (make the window shorter)').toBe(false);
      expect(timing.firstHeavy, 'runtime or model before the load event').toBeGreaterThanOrEqual(
        timing.load,
      );
      expect(timing.firstHeavy, 'runtime or model before the fonts').toBeGreaterThanOrEqual(
        timing.lastFont,
      );
      // The warm-up has finished: the first figure, reached now, is live with
      // no new download of the runtime or a model.
      await page.waitForTimeout(2000);
      const before = heavy.length;
      const figure = page.locator('figure.widget').first();
      await figure.scrollIntoViewIfNeeded();
      await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 60_000 });
      expect(heavy.slice(before), 'downloads after the warm-up').toEqual([]);
    });
  }

  test('?prefetch=0 warms nothing', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 400 });
    const heavy: string[] = [];
    page.on('request', (r) => {
      if (/\.wasm$|\/models\/.*\.(safetensors|onnx)$/.test(r.url())) heavy.push(r.url());
    });
    await page.goto('chapters/02-residual-stream/?prefetch=0', { waitUntil: 'networkidle' });
    await page.waitForTimeout(3000);
    expect(heavy).toEqual([]);
  });
});
