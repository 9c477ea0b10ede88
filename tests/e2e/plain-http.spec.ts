import config, { plainBase } from '../../playwright.config';
import { expect, test } from './fixtures';

/**
 * Issue 8, item 2: the book over plain http. `book.test` resolves to this
 * machine, but unlike localhost it is not a secure origin, as a course's
 * plain-http server is not: browsers give it no WebGPU, no service worker and
 * no crypto.subtle. The book must still work, on WASM, and say why.
 */
const port = Number(process.env.E2E_PORT ?? 4329);

test.use({
  baseURL: `http://book.test:${port}${plainBase}`,
  launchOptions: {
    ...config.use?.launchOptions,
    args: [
      ...(config.use?.launchOptions?.args ?? []),
      '--host-resolver-rules=MAP book.test 127.0.0.1',
    ],
  },
});

test('figures run on WASM and say why; the footer says offline reading needs https', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('chapters/01-transformers/');
  expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
  const figure = page.locator('[data-widget="ch1-predictions"]');
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 150_000 });
  await expect(figure.getByTestId('predictions')).toHaveAttribute('data-output', /\S/);
  await expect(figure.locator('.widget-badge')).toContainText('WASM');
  await expect(figure).toContainText(/secure context/);
  const offline = page.locator('[data-offline-status]');
  await expect(offline).toHaveAttribute('data-offline-state', 'unsupported');
  await expect(offline).toContainText('plain http');
});
