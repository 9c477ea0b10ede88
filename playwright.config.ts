import { defineConfig } from '@playwright/test';
import { chromiumPath, launchArgs } from './bench/machine.mjs';

/**
 * End-to-end tests against the built site (`npm run test:e2e` builds it into
 * dist-e2e/ first), in Debian's Chromium. Playwright's own browser download
 * cannot reach its servers here, so it is never used.
 *
 * The build is path-independent, and a plain static server
 * (scripts/serve.mjs) serves the one folder at two paths: `/circuits/` with
 * the cross-origin isolation headers (where most tests run) and
 * `/courses/2026/mi-book/` without them, as a bare static host would.
 */
const base = '/circuits/';
/** The second mount: a deeper path, no COOP/COEP headers. */
export const plainBase = '/courses/2026/mi-book/';
const port = Number(process.env.E2E_PORT ?? 4329);
/** Where `npm run test:e2e` builds the site; see astro.config.mjs `outDir`. */
export const e2eOutDir = process.env.SITE_OUT_DIR ?? 'dist-e2e';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '*.spec.ts',
  // Two cores: one Chromium at a time in CI keeps WebGPU-on-SwiftShader and
  // WASM model runs from timing out; locally two workers are fine.
  workers: process.env.CI ? 1 : 2,
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // Generous: CI shares two cores between Chromium, the preview server and
  // SwiftShader; a slow page is not a failure, a wrong one is.
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    // Trailing slash: page.goto('chapters/x/') resolves under the base.
    baseURL: `http://127.0.0.1:${port}${base}`,
    trace: 'retain-on-failure',
    // Each test's fresh context would otherwise start saving the whole book
    // (tens of MB) for offline use; tests/e2e/offline.spec.ts allows them.
    serviceWorkers: 'block',
    launchOptions: {
      // The benchmarks' Chromium and arguments (bench/machine.mjs): WebGPU on
      // SwiftShader (--enable-unsafe-webgpu; the runtime and its tests rely on
      // navigator.gpu being really there) and no calls to Google's servers,
      // which this network refuses and which would count as requests leaving.
      executablePath: chromiumPath,
      args: [...launchArgs, '--disable-quic'],
    },
  },
  webServer: {
    command: `node scripts/serve.mjs --dir ${e2eOutDir} --port ${port} --mount ${base} --mount ${plainBase}:no-isolation`,
    url: `http://127.0.0.1:${port}${base}`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
