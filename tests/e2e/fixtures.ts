import { readdirSync, existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { e2eOutDir } from '../../playwright.config';

/** What a test's browser context did on the network and in its consoles. */
export interface BrowserRecord {
  /** Every request any page or worker of the context made, in order. */
  readonly requests: string[];
  /** Requests to any origin other than the site's; these are blocked. */
  readonly foreignRequests: string[];
  /** Console errors and uncaught exceptions, as `[url] text`. */
  readonly consoleErrors: string[];
}

interface Options {
  /**
   * Console errors a test expects and that must not fail it, e.g.
   * `test.use({ allowedConsoleErrors: [/WebGPU is not available/] })`.
   */
  allowedConsoleErrors: RegExp[];
}

/** True for a network URL (http, https, ws, wss) outside `origin`. */
export function isForeign(url: URL | string, origin: string): boolean {
  const u = typeof url === 'string' ? new URL(url) : url;
  return /^(https?|wss?):$/.test(u.protocol) && u.origin !== origin;
}

/**
 * The e2e `test`: Playwright's, plus an automatic fixture on every test that
 * records every request and console error of the browser context, blocks any
 * request to another origin, and after the test fails it if any such request
 * was made or any console error / uncaught exception happened.
 *
 * Spec files get this by importing `test` and `expect` from here instead of
 * from `@playwright/test`.
 */
export const test = base.extend<Options & { record: BrowserRecord }>({
  allowedConsoleErrors: [[], { option: true }],
  record: [
    async ({ context, baseURL, allowedConsoleErrors }, use) => {
      if (!baseURL) throw new Error('playwright.config.ts must set use.baseURL');
      const origin = new URL(baseURL).origin;
      const record: BrowserRecord = { requests: [], foreignRequests: [], consoleErrors: [] };

      // Abort (not just note) foreign requests, so a failing test still never
      // talks to the outside world.
      await context.route(
        (url) => isForeign(url, origin),
        (route) => route.abort('blockedbyclient'),
      );
      context.on('request', (request) => {
        record.requests.push(request.url());
        if (isForeign(request.url(), origin)) record.foreignRequests.push(request.url());
      });
      context.on('console', (message) => {
        if (message.type() !== 'error') return;
        const text = `[${message.location().url}] ${message.text()}`;
        if (!allowedConsoleErrors.some((re) => re.test(text))) record.consoleErrors.push(text);
      });
      context.on('weberror', (webError) => {
        const text = `[uncaught] ${webError.error().stack ?? webError.error().message}`;
        if (!allowedConsoleErrors.some((re) => re.test(text))) record.consoleErrors.push(text);
      });

      await use(record);

      expect(record.foreignRequests, 'requests that left the origin').toEqual([]);
      expect(record.consoleErrors, 'console errors and uncaught exceptions').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** The site's base path in the e2e build, e.g. `/circuits/`. */
export function basePath(): string {
  const baseURL = test.info().project.use.baseURL;
  if (!baseURL) throw new Error('playwright.config.ts must set use.baseURL');
  return new URL(baseURL).pathname;
}

/**
 * The chapter ids of the built site, read from the e2e build's `chapters/` folder (not from the
 * page under test, so a page that forgets a chapter cannot hide it).
 */
export function builtChapterIds(): string[] {
  const dir = `${e2eOutDir}/chapters`;
  if (!existsSync(dir))
    throw new Error(`${dir} is missing: run \`npm run test:e2e\`, which builds first`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every page of the built site, as paths relative to the base. */
export function builtPages(): string[] {
  const models = existsSync(`${e2eOutDir}/models/index.html`)
    ? [
        'models/',
        ...readdirSync(`${e2eOutDir}/models`, { withFileTypes: true })
          .filter((e) => e.isDirectory() && existsSync(`${e2eOutDir}/models/${e.name}/index.html`))
          .map((e) => `models/${e.name}/`)
          .sort(),
      ]
    : [];
  const teaching = existsSync(`${e2eOutDir}/teaching/index.html`) ? ['teaching/'] : [];
  const instructor = existsSync(`${e2eOutDir}/instructor/index.html`)
    ? [
        'instructor/',
        ...readdirSync(`${e2eOutDir}/instructor`)
          .filter((d) => existsSync(`${e2eOutDir}/instructor/${d}/index.html`))
          .sort()
          .map((d) => `instructor/${d}/`),
      ]
    : [];
  return [
    '',
    'search/',
    '404.html',
    ...builtChapterIds().map((id) => `chapters/${id}/`),
    ...teaching,
    ...instructor,
    ...models,
  ];
}

/**
 * axe-core's serious and critical violations on the page as it is now (or
 * within `include`, a CSS selector), one line each: `rule (impact): targets`.
 * An accessible page gives `[]`.
 */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  if (include) builder.include(include);
  const results = await builder.analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
