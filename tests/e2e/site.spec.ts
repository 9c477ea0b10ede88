import {
  basePath,
  builtChapterIds,
  builtPages,
  expect,
  isForeign,
  seriousViolations,
  test,
} from './fixtures';

const chapterIds = builtChapterIds();

test('the home page lists all six chapters, each with its summary', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Circuits');
  const items = page.locator('.chapter-list > li');
  await expect(items).toHaveCount(6);
  expect(chapterIds).toHaveLength(6);
  for (const item of await items.all()) {
    // Written relative to the page (the build is path-independent), and
    // resolving under the base path the book is served at.
    await expect(item.locator('a')).toHaveAttribute('href', /^\.\/chapters\/[^/]+\/$/);
    const resolved = await item.locator('a').evaluate((a) => (a as HTMLAnchorElement).href);
    expect(new URL(resolved).pathname).toMatch(new RegExp(`^${basePath()}chapters/[^/]+/$`));
    expect((await item.locator('p').innerText()).length).toBeGreaterThan(40);
  }
});

for (const id of chapterIds) {
  test(`chapter ${id} renders its title, contents and math with self-hosted KaTeX fonts`, async ({
    page,
  }) => {
    const response = await page.goto(`chapters/${id}/`);
    expect(response?.status()).toBe(200);
    const title = page.getByRole('heading', { level: 1 });
    await expect(title).toBeVisible();
    await expect(page).toHaveTitle(`${await title.innerText()} · Circuits`);

    // Every contents entry points at a heading that exists on the page.
    const tocLinks = page.locator('nav.toc a');
    expect(await tocLinks.count()).toBeGreaterThan(2);
    for (const href of await tocLinks.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      await expect(page.locator(`[id="${decodeURIComponent(href!.slice(1))}"]`)).toHaveCount(1);
    }

    // Math was rendered at build time, none failed to parse, and the KaTeX
    // fonts came from this site (a foreign request would fail the fixture).
    expect(await page.locator('.prose .katex').count()).toBeGreaterThan(0);
    await expect(page.locator('.katex-error')).toHaveCount(0);
    await expect(page.locator('.prose p')).not.toHaveCount(0);
    const loadedFamilies = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts]
        .filter((f) => f.status === 'loaded')
        .map((f) => f.family.replace(/"/g, ''));
    });
    expect(loadedFamilies, 'KaTeX and the text face loaded from the site').toEqual(
      expect.arrayContaining(['KaTeX_Main', 'Source Serif 4 Variable']),
    );
  });
}

test('previous and next links walk through every chapter in order under the base path', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('./');
  /** Clicks a link and waits until the browser is on the page it points to. */
  const follow = async (link: import('@playwright/test').Locator) => {
    const href = new URL(await link.evaluate((a) => (a as HTMLAnchorElement).href)).pathname;
    expect(href.startsWith(`${basePath()}chapters/`), `${href} is under the base`).toBe(true);
    await link.click();
    await page.waitForURL((url) => url.pathname === href);
  };
  await follow(page.locator('.chapter-list a').first());
  const visited: string[] = [];
  const chapterNav = page.getByRole('navigation', { name: 'Chapters' });
  for (;;) {
    // The chapter nav ends the page: once it is there, the whole page is
    // parsed and the presence or absence of "Next" is final.
    await expect(chapterNav).toBeVisible();
    const title = await page.getByRole('heading', { level: 1 }).innerText();
    expect(visited, 'each Next goes to a new chapter').not.toContain(title);
    visited.push(title);
    const next = chapterNav.getByRole('link', { name: /^Next/ });
    if ((await next.count()) === 0) break;
    await follow(next);
  }
  expect(visited).toHaveLength(chapterIds.length);
  // Walk back with "Previous" to the first chapter.
  for (let i = visited.length - 2; i >= 0; i--) {
    await chapterNav.getByRole('link', { name: /^Previous/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(visited[i]);
  }
  await expect(chapterNav).toBeVisible();
  await expect(chapterNav.getByRole('link', { name: /^Previous/ })).toHaveCount(0);
  await page.getByRole('link', { name: 'Circuits', exact: true }).click();
  await page.waitForURL((url) => url.pathname === basePath());
});

test('search from the header finds a chapter and its result link stays under the base path', async ({
  page,
}) => {
  await page.goto('./');
  const box = page.getByRole('searchbox', { name: 'Search the book' });
  await box.fill('residual stream');
  await box.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${basePath()}search/\\?q=residual\\+stream$`));
  const results = page.locator('.pagefind-ui__result-link');
  await expect(results.first()).toBeVisible();
  const hrefs = await results.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  for (const href of hrefs) expect(href.startsWith(`${basePath()}chapters/`), href).toBe(true);
  await results.first().click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(new URL(page.url()).pathname.startsWith(`${basePath()}chapters/`)).toBe(true);
});

test('the theme toggle switches theme and the choice survives a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('./');
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  const dark = await background();
  expect(dark).not.toBe(light);
  await page.reload();
  expect(await background()).toBe(dark);
  await expect(page.getByRole('button', { name: 'Switch to light theme' })).toBeVisible();
});

test('the served site is cross-origin isolated and headless Chromium has a WebGPU adapter', async ({
  page,
}) => {
  const response = await page.goto('./');
  expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  const env = await page.evaluate(async () => {
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    return {
      isolated: window.crossOriginIsolated,
      secure: window.isSecureContext,
      adapter: adapter !== null,
    };
  });
  expect(env).toEqual({ isolated: true, secure: true, adapter: true });
});

test('the request guard tells the site from other origins', () => {
  const origin = 'http://127.0.0.1:4329';
  expect(isForeign('http://127.0.0.1:4329/circuits/_astro/x.js', origin)).toBe(false);
  expect(isForeign('http://localhost:4329/circuits/', origin)).toBe(true);
  expect(isForeign('https://cdn.jsdelivr.net/npm/katex/dist/katex.min.css', origin)).toBe(true);
  expect(isForeign('wss://example.org/socket', origin)).toBe(true);
  expect(isForeign('data:font/woff2;base64,AAAA', origin)).toBe(false);
  expect(isForeign('blob:http://127.0.0.1:4329/1234', origin)).toBe(false);
});

test('the diagnostics page has no serious or critical accessibility violation once it has started', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('diagnostics/');
  await expect(page.getByTestId('environment')).toHaveAttribute('data-backend', /webgpu|wasm/, {
    timeout: 60_000,
  });
  expect(await seriousViolations(page)).toEqual([]);
});

// Per page, so each page has its own time budget and failures name the page.
for (const path of builtPages()) {
  const name = path || 'home';

  test.describe(`page ${name}`, () => {
    test('every internal link resolves, under the base path', async ({ page, request }) => {
      await page.goto(path);
      const hrefs = await page
        .locator('a[href]')
        .evaluateAll((as) =>
          as.map((a) => (a as HTMLAnchorElement).href).filter((h) => h.startsWith(location.origin)),
        );
      expect(hrefs.length).toBeGreaterThan(0);
      const checked = new Map<string, number>();
      for (const href of hrefs) {
        const url = new URL(href);
        url.hash = '';
        expect(url.pathname.startsWith(basePath()), `${href} is outside the base`).toBe(true);
        if (!checked.has(url.href)) checked.set(url.href, (await request.get(url.href)).status());
        expect(checked.get(url.href), href).toBe(200);
      }
    });

    for (const theme of ['light', 'dark'] as const) {
      test(`has no serious or critical accessibility violation, ${theme} theme`, async ({
        page,
      }) => {
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(path);
        if (path === 'search/')
          await expect(page.locator('.pagefind-ui__search-input')).toBeVisible();
        expect(await seriousViolations(page)).toEqual([]);
      });
    }

    test('fits a 375 px wide phone without sideways scrolling, and stays accessible there', async ({
      page,
    }) => {
      await page.setViewportSize({ width: 375, height: 740 });
      await page.goto(path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, 'page width').toBeLessThanOrEqual(375);
      // Wide display math scrolls inside its own box here, which axe checks
      // for keyboard access (scrollable-region-focusable).
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}
