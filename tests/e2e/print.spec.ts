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

/** The PDF's page count (each page object is `/Type /Page`, the tree `/Type /Pages`). */
function pdfPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0;
}

/** What the page prints, as text: `innerText` under print media honours `display: none`. */
async function printedText(page: import('@playwright/test').Page): Promise<string> {
  return page.evaluate(() => document.querySelector('main')!.innerText);
}

/**
 * Issue 18, item 5: "Print this chapter" loads and runs every figure first,
 * saying so; the printout has no "Loading", no empty bullet, no hover hint,
 * and the head picker prints its heads with its label.
 */
test('printing chapter 6 computes every figure first and prints no loading text, empty bullet or hint', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await page.goto('chapters/06-induction-heads/?backend=wasm');
  await page.evaluate(() => {
    window.print = () => {
      document.documentElement.dataset.printed = 'true';
    };
  });
  await page.getByRole('button', { name: 'Print this chapter' }).click();
  await expect(page.locator('.chapter-print [role="status"]')).toContainText(
    /Preparing for printing: \d of 8 figures computed/,
  );
  await expect(page.locator('html')).toHaveAttribute('data-printed', 'true', { timeout: 540_000 });
  await expect(page.locator('html')).toHaveAttribute('data-print', 'ready');
  await expect(page.locator('.chapter-print [role="status"]')).toHaveText(
    'Every figure is computed: printing.',
  );
  const frames = page.locator('.prose figure.widget');
  expect(await frames.count()).toBeGreaterThanOrEqual(8);
  for (const frame of await frames.all()) await expect(frame).toHaveAttribute('data-live', 'true');

  await page.emulateMedia({ media: 'print' });
  const text = await printedText(page);
  expect(text).not.toMatch(/Loading/);
  expect(text).not.toMatch(/hover or focus/i);
  expect(text).toContain('Figure 6.1');
  expect(text).toContain('Figure 6.7');
  const emptyItems = await page.evaluate(
    () =>
      [...document.querySelectorAll<HTMLElement>('main li')].filter(
        (li) => li.offsetParent !== null && li.innerText.trim() === '',
      ).length,
  );
  expect(emptyItems).toBe(0);
  // Every visible head picker shows its heads, not a label alone.
  for (const picker of await page.locator('.widget .kit-heads').all()) {
    if (await picker.isVisible()) await expect(picker.locator('button').first()).toBeVisible();
  }

  const pdf = await page.pdf({ format: 'A4' });
  const pages = pdfPages(pdf);
  console.log(`chapter 6 prints to ${pages} A4 pages`);
  expect(pages).toBeGreaterThan(5);
  expect(pages).toBeLessThanOrEqual(22);
});

test('a chapter printed without preparing prints a note for each figure not yet computed, not "Loading"', async ({
  page,
}) => {
  await page.goto('chapters/05-attention-heads/?backend=wasm');
  await page.emulateMedia({ media: 'print' });
  const text = await printedText(page);
  expect(text).not.toMatch(/Loading/);
  const note = await page
    .locator('.prose figure.widget[data-state="loading"]')
    .last()
    .evaluate((f) => getComputedStyle(f, '::after').content);
  expect(note).toContain('Print this chapter');
});
