import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { e2eOutDir } from '../../playwright.config';
import {
  APACHE,
  codeBlocks,
  docRoot,
  freePort,
  get,
  NGINX,
  startApache,
  startNginx,
  SUB_PATH,
  type Server,
} from './hosting-servers';

/**
 * HOSTING.md's nginx and Apache configurations, run for real (Debian's nginx
 * and apache2, installed by .ci/run) over the e2e build: the headers it
 * promises (isolation, caching, compression, types, the 404 page) are the
 * headers a browser gets, and under them the page is cross-origin isolated
 * and a figure runs. These tests use Playwright's plain `test`: the book is
 * served here from other ports than the suite's own server, which the shared
 * fixture would count as leaving the origin.
 */
const hosting = readFileSync('HOSTING.md', 'utf8');
const nginx = codeBlocks(hosting, 'nginx');
const apache = codeBlocks(hosting, 'apache');

/** A file under `_astro/` (content-hashed name) and the plain WebAssembly runtime. */
const astroFiles = readdirSync(join(e2eOutDir, '_astro'));
const hashedCss = astroFiles.find((f) => f.endsWith('.css'))!;
const wasm = astroFiles.find((f) => /^ort-wasm-simd-threaded\.[\w-]+\.wasm$/.test(f))!;

interface Setup {
  name: string;
  binary: string;
  /** Where the book is, under the server's root. */
  path: string;
  start: (work: string, port: number) => Promise<Server>;
}

const htaccess = apache.find((b) => b.includes('ErrorDocument'))!;
const htaccessAtRoot = htaccess.replace(
  `ErrorDocument 404 ${SUB_PATH}404.html`,
  'ErrorDocument 404 /404.html',
);

const setups: Setup[] = [
  {
    name: 'nginx, the book at the root of its host (root)',
    binary: NGINX,
    path: '/',
    start: (work, port) =>
      startNginx(
        work,
        nginx.find((b) => /^server \{/m.test(b))!,
        docRoot(work, e2eOutDir),
        port,
      ),
  },
  {
    name: 'nginx, the book under a path of a site (alias)',
    binary: NGINX,
    path: SUB_PATH,
    start: (work, port) =>
      startNginx(
        work,
        nginx.find((b) => b.includes('alias '))!,
        docRoot(work, e2eOutDir),
        port,
        {
          insideServer: true,
        },
      ),
  },
  {
    name: 'Apache, the book at the root of its host (VirtualHost and .htaccess)',
    binary: APACHE,
    path: '/',
    start: (work, port) =>
      startApache(
        work,
        apache.find((b) => b.includes('<VirtualHost'))!,
        docRoot(work, e2eOutDir, { '.htaccess': htaccessAtRoot }),
        port,
      ),
  },
  {
    name: 'Apache, the book under a path of a site (Alias and .htaccess)',
    binary: APACHE,
    path: SUB_PATH,
    start: (work, port) =>
      startApache(
        work,
        apache.find((b) => b.includes('Alias '))!,
        docRoot(work, e2eOutDir, { '.htaccess': htaccess }),
        port,
        { insideVhost: true },
      ),
  },
];

test('HOSTING.md gives the nginx and Apache configurations these tests run', () => {
  expect(nginx).toHaveLength(2);
  expect(apache).toHaveLength(3);
  expect(htaccess).toContain('Header always set Cross-Origin-Embedder-Policy');
});

for (const setup of setups) {
  test.describe(setup.name, () => {
    let work = '';
    let server: Server | undefined;
    let book = '';

    test.beforeAll(async () => {
      // A missing server is a failure, not a skip: .ci/run installs it.
      expect(
        existsSync(setup.binary),
        `${setup.binary} is not installed (.ci/run installs it)`,
      ).toBe(true);
      work = mkdtempSync(join(tmpdir(), 'circuits-hosting-'));
      server = await setup.start(work, await freePort());
      book = new URL(setup.path, server.url).href;
    });

    test.afterAll(() => {
      server?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test('sends the headers HOSTING.md promises', async () => {
      const isolated = (a: Awaited<ReturnType<typeof get>>) => {
        expect(a.headers['cross-origin-opener-policy']).toBe('same-origin');
        expect(a.headers['cross-origin-embedder-policy']).toBe('require-corp');
        expect(a.headers['cross-origin-resource-policy']).toBe('same-origin');
      };
      const page = await get(`${book}chapters/01-transformers/`, { gzip: true });
      expect(page.status, server!.log()).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-encoding'], 'pages are compressed').toBe('gzip');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.body).toContain('<h1');
      isolated(page);

      const hashed = await get(`${book}_astro/${hashedCss}`);
      expect(hashed.status).toBe(200);
      expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      isolated(hashed);

      const runtime = await get(`${book}_astro/${wasm}`, { gzip: true });
      expect(runtime.headers['content-type']).toBe('application/wasm');
      expect(runtime.headers['content-encoding'], 'the runtime is compressed').toBe('gzip');
      expect(runtime.wireBytes).toBeLessThan(0.4 * Buffer.byteLength(runtime.body, 'latin1'));
      // nginx's gzip_static sends the build's own gzip -9 copy as it is.
      if (setup.binary === NGINX)
        expect(runtime.wireBytes, 'the precompressed x.wasm.gz').toBe(
          statSync(join(e2eOutDir, '_astro', `${wasm}.gz`)).size,
        );

      for (const path of [
        'sw.js',
        'models/attn-only-2l/weights.safetensors',
        'pagefind/pagefind.js',
      ]) {
        const a = await get(`${book}${path}`);
        expect(a.status, path).toBe(200);
        expect(a.headers['cache-control'], `${path} is revalidated, never kept long`).toBe(
          'no-cache',
        );
        isolated(a);
      }
      const card = await get(`${book}models/attn-only-2l/card.md`);
      expect(card.status).toBe(200);
      if (setup.binary === APACHE) expect(card.headers['content-type']).toMatch(/^text\/markdown/);

      const missing = await get(`${book}no-such-page/`);
      expect(missing.status).toBe(404);
      expect(missing.body, "the book's own 404 page").toContain('Page not found');
    });

    test('in a browser the page is cross-origin isolated and a figure runs', async ({ page }) => {
      // Generous: the servers compress on the fly, on CI's two shared cores.
      test.setTimeout(300_000);
      await page.goto(`${book}chapters/01-transformers/`, { waitUntil: 'domcontentloaded' });
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const figure = page.locator('figure.widget').first();
      await figure.scrollIntoViewIfNeeded();
      await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 240_000 });
    });
  });
}
