import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext } from '@playwright/test';
import { e2eOutDir } from '../../playwright.config';
import { makeArchive } from '../../scripts/archive.mjs';
import { listFiles, PRECOMPRESSED } from '../../scripts/finish-build.mjs';
import { basePath, builtChapterIds, builtPages, expect, seriousViolations, test } from './fixtures';

/**
 * What makes the book adoptable by a course (issue 17): licences and the
 * version on every page, citations a reference manager can read, permalinks
 * on headings, the "Teaching with this book" page, and HOSTING.md's sizes
 * kept true to the build.
 */

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const cff = readFileSync('CITATION.cff', 'utf8');
const released = /^date-released:\s*["']?(\d{4}-\d{2}-\d{2})/m.exec(cff)![1];
const MONTHS =
  'January February March April May June July August September October November December'.split(
    ' ',
  );
const [year, month, day] = released.split('-').map(Number);
const releasedLong = `${day} ${MONTHS[month - 1]} ${year}`;

/** The build's version as its service worker has it: also every page's build hash. */
function buildHash(): string {
  return /const BOOK = \{"version":"([0-9a-f]+)"/.exec(
    readFileSync(join(e2eOutDir, 'sw.js'), 'utf8'),
  )![1];
}

/** The text of the first element with class `name` in `html`, tags stripped, spaces collapsed. */
function textOfClass(html: string, name: string): string | undefined {
  const m = new RegExp(`<p class="${name}"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return m?.[1]
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

test.describe('licences and version', () => {
  // The served HTML of every page (no figure needs to run for a footer).
  for (const path of [...builtPages(), 'diagnostics/']) {
    test(`${path || 'home'} shows the licences and its version: number, date and build hash`, async ({
      request,
    }) => {
      const html = await (await request.get(path)).text();
      expect(textOfClass(html, 'site-licence')).toMatch(
        /^Text and figures: CC BY 4\.0\. Code: MIT\. Model weights: CC BY 4\.0\. /,
      );
      expect(html).toContain(
        '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>',
      );
      expect(textOfClass(html, 'site-edition')).toBe(
        `Version ${pkg.version}, ${releasedLong}, build ${buildHash()}.`,
      );
    });
  }

  test('the footer links to the licences, citing and teaching, and they resolve', async ({
    page,
  }) => {
    await page.goto('chapters/01-transformers/', { waitUntil: 'domcontentloaded' });
    const footer = page.locator('footer .site-licence');
    await footer.getByRole('link', { name: 'Licences' }).click();
    await expect(page).toHaveURL(new RegExp(`${basePath()}teaching/#licences$`));
    await expect(page.locator('#licences')).toBeInViewport();
  });
});

test.describe('citation', () => {
  for (const id of builtChapterIds()) {
    test(`chapter ${id} carries well-formed Highwire citation tags`, async ({ request }) => {
      const html = await (await request.get(`chapters/${id}/`)).text();
      const head = html.slice(0, html.indexOf('</head>'));
      const body = html.slice(html.indexOf('</head>'));
      const meta = (name: string) =>
        [...head.matchAll(new RegExp(`<meta name="${name}" content="([^"]*)">`, 'g'))].map((m) =>
          m[1].replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"'),
        );
      const h1 = /<h1[^>]*>([^<]*)<\/h1>/.exec(body)![1].replaceAll('&amp;', '&').trim();
      expect(meta('citation_title')).toEqual([h1]);
      const authors = meta('citation_author');
      expect(authors.length).toBeGreaterThan(0);
      for (const a of authors) expect(a.trim()).not.toBe('');
      expect(meta('citation_publication_date')).toEqual([released.replaceAll('-', '/')]);
      expect(meta('citation_inbook_title')).toEqual([
        'Circuits: An Interactive Textbook on Transformer Circuits',
      ]);
      expect(meta('citation_language')).toEqual(['en']);
      // Scholar reads only tags in <head>, each with a name and a content.
      expect(body).not.toContain('name="citation_');
      const all = [...head.matchAll(/<meta name="citation_[^>]*>/g)].map((m) => m[0]);
      expect(all).toHaveLength(5);
      for (const tag of all)
        expect(tag).toMatch(/^<meta name="citation_[a-z_]+" content="[^"]+">$/);
    });
  }

  test("a chapter ends with BibTeX for itself and the book, with this page's address, and Copy copies it", async ({
    page,
    context,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('chapters/06-induction-heads/?prompt=x#cite-this-chapter');
    const h1 = (await page.getByRole('heading', { level: 1 }).innerText()).trim();
    const chapter = page.locator('#bibtex-chapter');
    await expect(chapter).toContainText('@incollection{circuits-book-06-induction-heads,');
    const here = new URL(page.url());
    const address = `${here.origin}${here.pathname}`;
    await expect(chapter).toContainText(`url       = {${address}}`);
    const text = await chapter.innerText();
    expect(text).toContain(`title     = {${h1}}`);
    expect(text).toContain('chapter   = {6}');
    expect(text).toContain(`version   = {${pkg.version}}`);
    expect(text).toContain(`year      = {${year}}`);
    // Balanced braces: a reference manager can parse it.
    expect(text.split('{').length).toBe(text.split('}').length);

    const book = page.locator('#bibtex-book');
    await expect(book).toContainText('@misc{circuits-book,');
    await expect(book).toContainText(`url     = {${here.origin}${basePath()}}`);

    const copy = page.getByRole('button', { name: 'Copy the BibTeX for this chapter' });
    await copy.click();
    await expect(page.locator('[data-bibtex]').first().getByRole('status')).toHaveText('Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
  });
});

test.describe('permalinks', () => {
  for (const path of [...builtChapterIds().map((id) => `chapters/${id}/`), 'teaching/']) {
    test(`every heading of ${path} has a permalink that resolves to it`, async ({ page }) => {
      await page.goto(path, { waitUntil: 'domcontentloaded' });
      const anchors = page.locator('.heading-wrapper > a.heading-anchor');
      const count = await anchors.count();
      expect(count).toBeGreaterThan(3);
      const headings = await page
        .locator('main :is(h2, h3, h4)')
        .evaluateAll((hs) =>
          hs
            .filter((h) => !h.closest('nav, figure, .widget, astro-island, .teaching-goals'))
            .map((h) => h.id),
        );
      const targets = await anchors.evaluateAll((as) =>
        as.map((a) => {
          const heading = a.previousElementSibling as HTMLElement;
          return {
            href: a.getAttribute('href'),
            id: heading.id,
            tag: heading.tagName,
            text: heading.textContent?.trim(),
            label: a.textContent?.replace('#', '').trim(),
            tabIndex: (a as HTMLAnchorElement).tabIndex,
          };
        }),
      );
      // Every section heading has one, and each points at its own heading.
      expect(targets.map((t) => t.id).sort()).toEqual(headings.filter(Boolean).sort());
      for (const t of targets) {
        expect(t.href).toBe(`#${t.id}`);
        expect(t.tag).toMatch(/^H[234]$/);
        expect(t.label).toBe(`Link to section “${t.text}”`);
        expect(t.tabIndex).toBe(0);
        expect(await page.locator(`[id="${t.id}"]`).count()).toBe(1);
      }

      // The heading reads as its text alone; the link has a name of its own.
      const first = targets[0];
      await expect(
        page.getByRole('heading', { name: first.text, exact: true }).first(),
      ).toBeVisible();
      const link = page.getByRole('link', { name: first.label, exact: true });
      await expect(link).toBeVisible();
      await link.focus();
      await expect(link).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(new RegExp(`#${first.id}$`));

      // Opened from its address, the page lands on the heading.
      const last = targets.at(-1)!;
      await page.goto(`${path}#${last.id}`);
      await expect(page.locator(`[id="${last.id}"]`)).toBeInViewport();
    });
  }
});

test.describe('teaching with this book', () => {
  test('is linked from the home page and names every chapter with its learning goals', async ({
    page,
  }) => {
    await page.goto('./');
    await page.getByRole('link', { name: 'Teaching with this book' }).first().click();
    await expect(page).toHaveURL(new RegExp(`${basePath()}teaching/$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Teaching with this book');
    for (const id of builtChapterIds()) {
      const goals = page.locator(`[aria-labelledby="goals-${id}"] li`);
      expect(await goals.count(), id).toBeGreaterThan(1);
    }
    for (const [name, href] of [
      ['A Mathematical Framework', 'https://transformer-circuits.pub/2021/framework/index.html'],
      [
        'In-context Learning and Induction Heads',
        'https://transformer-circuits.pub/2022/in-context-learning-and-induction-heads/index.html',
      ],
      ['TransformerLens documentation', 'https://transformerlensorg.github.io/TransformerLens/'],
      ['mechanistic interpretability glossary', 'https://neelnanda.io/glossary'],
    ])
      await expect(page.getByRole('link', { name, exact: true }).first()).toHaveAttribute(
        'href',
        href,
      );
    await expect(
      page.getByRole('link', { name: /ARENA|Transformer Interpretability chapter/ }).first(),
    ).toHaveAttribute('href', 'https://www.arena.education/chapter1');
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`has no serious or critical accessibility violation, ${theme} theme`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('teaching/');
      expect(await seriousViolations(page)).toEqual([]);
    });
  }

  test('fits a 375 px wide phone without sideways scrolling', async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto('teaching/');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    expect(await seriousViolations(page)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// HOSTING.md's sizes against this build.

/** MB = 10^6 bytes, as HOSTING.md writes it. */
const MB = 1e6;
const gzipBytes = (file: string) => gzipSync(readFileSync(file), { level: 6 }).length;

/** The rows of HOSTING.md's size tables: label, size and gzip in bytes (or undefined). */
function sizeRows(): { label: string; size?: number; gzip?: number }[] {
  const md = readFileSync('HOSTING.md', 'utf8');
  const section = md.slice(md.indexOf('## Sizes'), md.indexOf('\n## ', md.indexOf('## Sizes') + 1));
  const value = (cell: string) => {
    const m = /([\d.]+) MB/.exec(cell);
    return m ? Number(m[1]) * MB : undefined;
  };
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !/^\| (what|part) \|/.test(line))
    .map((line) => {
      const [label, size, gzip] = line
        .split('|')
        .slice(1, 4)
        .map((c) => c.trim());
      return { label, size: value(size), gzip: value(gzip) };
    });
}

/** Bytes and gzip bytes of `files` (paths relative to the build). */
function measure(files: string[]) {
  let size = 0;
  let gzip = 0;
  for (const f of files) {
    size += statSync(join(e2eOutDir, f)).size;
    gzip += gzipBytes(join(e2eOutDir, f));
  }
  return { size, gzip };
}

function expectWithin10(stated: number | undefined, measured: number, what: string) {
  expect(stated, `${what}: HOSTING.md states no number`).toBeDefined();
  const ratio = stated! / measured;
  expect(
    ratio,
    `${what}: HOSTING.md says ${(stated! / MB).toFixed(1)} MB, the build has ${(measured / MB).toFixed(2)} MB`,
  ).toBeGreaterThanOrEqual(0.9);
  expect(
    ratio,
    `${what}: HOSTING.md says ${(stated! / MB).toFixed(1)} MB, the build has ${(measured / MB).toFixed(2)} MB`,
  ).toBeLessThanOrEqual(1.1);
}

test('HOSTING.md states the folder, archive, offline copy and its parts within 10% of this build', () => {
  test.setTimeout(300_000);
  const all = listFiles(e2eOutDir);
  // The precompressed copies (.br, .gz) beside the files are counted apart.
  const precompressed = all.filter((f) => PRECOMPRESSED.test(f));
  const files = all.filter((f) => !PRECOMPRESSED.test(f));
  const rows = sizeRows();
  const row = (start: string) => {
    const found = rows.find((r) => r.label.startsWith(start));
    expect(found, `HOSTING.md has no size row "${start}…"`).toBeDefined();
    return found!;
  };
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  const webgpuRuntime = wasm.filter((f) => /asyncify|jsep|jspi/.test(f));
  const plainRuntime = wasm.filter((f) => !webgpuRuntime.includes(f));
  const weights = files.filter((f) =>
    /^models\/.*\.(safetensors|onnx)$|^models\/tokenizer\.json$/.test(f),
  );
  const pytorch = files.filter((f) => f.endsWith('.pt'));
  const reference = files.filter((f) => f.endsWith('.bin'));
  const parts = [wasm, weights, pytorch, reference].flat();
  const rest = files.filter((f) => !parts.includes(f));
  // What this Chromium saves (src/offline/service-worker.js): every file but
  // the PyTorch downloads and the asyncify WebGPU runtime (it runs the JSPI one).
  const offline = files.filter(
    (f) => f !== 'sw.js' && !f.endsWith('.pt') && !/\.asyncify\.[\w-]+\.wasm$/.test(f),
  );

  const checks: [string, { size?: number; gzip?: number }][] = [
    ['the folder on disk', { size: measure(all).size }],
    ['the precompressed copies', { size: measure(precompressed).size }],
    ['the offline copy', measure(offline)],
    ['the onnxruntime-web runtime for the WebAssembly backend', measure(plainRuntime)],
    ['the onnxruntime-web runtime for WebGPU', measure(webgpuRuntime)],
    ['the model weights', measure(weights)],
    ['the PyTorch downloads', measure(pytorch)],
    ['the reference activations', measure(reference)],
    ['everything else', measure(rest)],
  ];
  const work = mkdtempSync(join(tmpdir(), 'circuits-sizes-'));
  try {
    const archive = join(work, 'book.tar.gz');
    checks.push(['the archive', { gzip: makeArchive(e2eOutDir, archive).bytes }]);
    // The archive carries the licences and a HOSTING.md that names this build.
    const inside = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n');
    for (const name of ['HOSTING.md', 'LICENSE', 'LICENSE-text', 'LICENSE-models'])
      expect(inside, name).toContain(`circuits-book/${name}`);
    const hostingInside = execFileSync('tar', ['-xzOf', archive, 'circuits-book/HOSTING.md'], {
      encoding: 'utf8',
    });
    expect(hostingInside).toContain(
      `\nVersion ${pkg.version} of ${releasedLong}, build ${buildHash()}.\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const [label, measured] of checks) {
    const stated = row(label);
    if (measured.size !== undefined) expectWithin10(stated.size, measured.size, `${label}, size`);
    if (measured.gzip !== undefined) expectWithin10(stated.gzip, measured.gzip, `${label}, gzip`);
  }
  // The class-of-100 example follows from the offline copy's gzip size.
  const md = readFileSync('HOSTING.md', 'utf8');
  const each = Number(/\((\d+) MB each\)/.exec(md)![1]) * MB;
  expectWithin10(each, measure(offline).gzip, 'the offline copy per student');
  // No row the test does not know: every stated size is checked.
  const known = [...checks.map(([label]) => label), 'chapter 1', 'chapters 2 to 6'];
  for (const r of rows)
    expect(
      known.some((k) => r.label.startsWith(k)),
      `unchecked size row "${r.label}"`,
    ).toBe(true);
});

/** Records every response's URL. */
function recordResponses(context: BrowserContext) {
  const responses: { url: string }[] = [];
  context.on('response', (r) => responses.push({ url: r.url() }));
  return responses;
}

for (const id of builtChapterIds()) {
  test(`HOSTING.md states the first visit to chapter ${id} within 10%`, async ({
    page,
    context,
  }) => {
    const responses = recordResponses(context);
    // What the figure needs, without the idle warm-up of the page's other models.
    await page.goto(`chapters/${id}/?backend=wasm&prefetch=0`, {
      waitUntil: 'domcontentloaded',
    });
    const figure = page.locator('figure.widget').first();
    await figure.scrollIntoViewIfNeeded();
    await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 90_000 });
    const base = basePath();
    let size = 0;
    let gzip = 0;
    // Each file once: ORT's proxy worker asks again for the runtime's script and
    // wasm that the page already fetched, and the browser's cache answers.
    const paths = new Set<string>();
    for (const r of responses) {
      let path = decodeURIComponent(new URL(r.url).pathname).slice(base.length);
      if (path === '' || path.endsWith('/')) path += 'index.html';
      if (paths.has(path)) continue;
      paths.add(path);
      // Uncompressed, whatever the server sent: the file's own size.
      size += statSync(join(e2eOutDir, path)).size;
      gzip += gzipBytes(join(e2eOutDir, path));
    }
    const n = Number(/^(\d+)/.exec(id)![1]);
    const row = sizeRows().find((r) =>
      n === 1 ? r.label.startsWith('chapter 1,') : r.label.startsWith('chapters 2 to 6'),
    );
    expect(row, 'HOSTING.md has a first-visit row for this chapter').toBeDefined();
    console.log(`[hosting] ${id} first visit ${size} bytes, gzip ${gzip}`);
    expectWithin10(row!.size, size, `first visit to ${id}`);
    expectWithin10(row!.gzip, gzip, `first visit to ${id}, gzip`);
  });
}
