import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { pyStr } from '../../src/lib/python-quote';
import { expect, test } from './fixtures';

/**
 * "Reproduce in Python" follows the figure's state: after the reader types a
 * prompt with quotes, a backslash and an emoji and switches a head off, the
 * code under the figure quotes that prompt (as `pyStr` writes it) and names
 * that head, Copy puts exactly that code on the clipboard, and the code
 * scrolls inside its own box on a 375 px screen. The generator itself loads
 * only when the box is opened. The code's numbers are
 * checked against the model by training/tests/test_python_snippets.py.
 */

test.describe.configure({ timeout: 240_000 });

const CH2 = 'chapters/02-residual-stream/';
const PROMPT = 'She said "don\'t" \\ then 🙂 and she said';

async function openAblation(page: Page): Promise<Locator> {
  await page.goto(`${CH2}?backend=wasm`);
  const figure = page.locator('[data-widget="ch2-ablate"]').first();
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  return figure;
}

test('the ablation figure offers Python code for its current prompt and heads, and Copy copies it', async ({
  page,
  context,
  record,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const figure = await openAblation(page);
  await figure.getByRole('textbox', { name: 'Prompt' }).fill(PROMPT);
  await figure
    .getByRole('button', { name: /^head 1\.4/ })
    .first()
    .click();
  await expect(figure.getByTestId('ablation')).toHaveAttribute('data-output', /\|1\.4\|/, {
    timeout: 120_000,
  });
  const generator = () => record.requests.filter((u) => /python-snippet/.test(u));
  expect(generator()).toEqual([]); // not loaded with the page or the figure
  await figure.getByText('Reproduce in Python').click();
  const code = figure.getByTestId('python-code');
  await expect(code).toBeVisible();
  await expect(code).toContainText(`prompt = ${pyStr(PROMPT)}\n`);
  await expect(code).toContainText('for layer, head in [(1, 4)]:');
  expect(generator()).toHaveLength(1);
  await figure.getByRole('button', { name: 'Copy the Python code' }).click();
  await expect(figure.getByRole('status').filter({ hasText: 'Copied.' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await code.textContent());
  // Open, with its code and status, the figure passes axe, in both themes.
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).include('[data-widget="ch2-ablate"]').analyze();
    expect(results.violations.map((v) => `${colorScheme} ${v.id}: ${v.help}`)).toEqual([]);
  }
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 375, height: 740 } });

  test('the code scrolls sideways inside its box and the page does not', async ({ page }) => {
    const figure = await openAblation(page);
    await figure.getByText('Reproduce in Python').click();
    const pre = figure.getByTestId('python-code');
    await expect(pre).toContainText('import torch'); // written once opened
    const box = await pre.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(box.scroll).toBeGreaterThan(box.client);
    const page_ = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(page_).toBeLessThanOrEqual(375);
  });
});
