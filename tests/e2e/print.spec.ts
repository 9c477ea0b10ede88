import { expect, test } from './fixtures';

/**
 * Issue 8, item 4: chapters print cleanly. The print stylesheet hides the
 * site's controls, keeps every figure in the state the reader left it (its
 * prompt and its result), and prints each link's full address.
 */
test('a chapter prints with its figure as edited, no controls, and link targets', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(240_000);
  await page.goto('chapters/01-transformers/?backend=wasm');
  const figure = page.locator('[data-widget="ch1-predictions"]');
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 150_000 });
  const prompt = figure.getByRole('textbox', { name: 'Prompt' });
  await prompt.fill('In the beginning God created the heaven and the');
  await expect(figure.locator('[data-pending="true"]')).toHaveCount(0, { timeout: 120_000 });
  const output = await figure.getByTestId('predictions').getAttribute('data-output');

  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.site-header')).toBeHidden();
  await expect(page.locator('[data-offline-status]')).toBeHidden();
  await expect(figure.locator('button').first()).toBeHidden();
  // The figure prints as it is: same prompt, same result, visible.
  await expect(figure).toBeVisible();
  await expect(prompt).toHaveValue('In the beginning God created the heaven and the');
  await expect(figure.getByTestId('predictions')).toHaveAttribute('data-output', output!);
  await expect(figure.getByTestId('predictions')).toBeVisible();

  // A link in the text prints its absolute address after it.
  const link = page.locator('main .prose a[href^="../"]').first();
  const after = await link.evaluate((a) => getComputedStyle(a, '::after').content);
  expect(after).toContain(`${baseURL}chapters/`);

  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(50_000);
});
