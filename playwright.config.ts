import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests against the built site (`npm run test:e2e` builds it for
 * the sub-path `/circuits/` first), served by `astro preview` on localhost,
 * in Debian's Chromium. Playwright's own browser download cannot reach its
 * servers here, so it is never used.
 */
const base = '/circuits/';
const port = Number(process.env.E2E_PORT ?? 4329);
/** Where `npm run test:e2e` builds the site; see astro.config.mjs `outDir`. */
export const e2eOutDir = 'dist-e2e';

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
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        // Headless Chromium exposes WebGPU on SwiftShader with this flag; the
        // runtime and its tests rely on navigator.gpu being really there.
        '--enable-unsafe-webgpu',
        '--no-sandbox',
        // Without these, Chromium calls Google's servers on start, which this
        // network refuses (and which would count as requests leaving).
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    // --ignore-lock: Astro 7 allows one tracked preview server per project;
    // the test server must start even when someone is previewing the tree.
    command: `astro preview --ignore-lock --host 127.0.0.1 --port ${port}`,
    env: { SITE_BASE: base, SITE_OUT_DIR: e2eOutDir },
    url: `http://127.0.0.1:${port}${base}`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
