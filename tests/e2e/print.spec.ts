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

/** The width an A4 page prints on, in CSS px: 210 mm less the print dialog's 1 cm margins. */
const A4_PRINT_WIDTH = 718;

/**
 * Everything in the page's printed figures that would not print whole: a
 * part reaching past its figure's right edge, or a box that clips what it
 * holds (paper cannot scroll). One line each, `fig-… tag.class: why`;
 * screen-reader text (1 px, clipped by design) aside. Leaves the page in
 * print media at an A4 page's width.
 */
async function cutInPrint(page: import('@playwright/test').Page): Promise<string[]> {
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: A4_PRINT_WIDTH, height: 1000 });
  return page.evaluate(() => {
    const cut: string[] = [];
    const page = document.documentElement.clientWidth;
    for (const figure of document.querySelectorAll<HTMLElement>('.prose figure.widget')) {
      const edge = figure.getBoundingClientRect().right;
      const name = figure.closest('.figure-slot')?.id ?? figure.dataset.widget ?? '?';
      if (edge > page + 1) cut.push(`${name}: the figure is ${edge} px wide on a ${page} px page`);
      for (const el of figure.querySelectorAll<Element>('*')) {
        if (el.getClientRects().length === 0 || el.closest('.visually-hidden')) continue;
        const what = `${name} ${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
        const right = el.getBoundingClientRect().right;
        if (right > edge + 1) cut.push(`${what}: right edge ${right} past the figure's ${edge}`);
        const style = getComputedStyle(el);
        const clips = style.overflowX !== 'visible' || style.overflowY !== 'visible';
        if (clips && el.scrollWidth > el.clientWidth + 1)
          cut.push(`${what}: clips ${el.scrollWidth} px of width to ${el.clientWidth}`);
        if (clips && el.scrollHeight > el.clientHeight + 1)
          cut.push(`${what}: clips ${el.scrollHeight} px of height to ${el.clientHeight}`);
      }
    }
    return [...new Set(cut)];
  });
}

test('wide and long tables inside figures print whole within an A4 page', async ({ page }) => {
  test.setTimeout(300_000);
  // Chapter 1's predictions table (top 5 at every position: wide, and long
  // enough to scroll on screen) and chapter 2's logit lens (a column a token).
  for (const [chapter, anchor] of [
    ['01-transformers', 'fig-tokens-predictions'],
    ['02-residual-stream', 'fig-logit-lens'],
  ]) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`chapters/${chapter}/?backend=wasm#${anchor}`);
    const figure = page.locator(`#${anchor} figure.widget`);
    await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 200_000 });
    const table = figure.locator('table').first();
    const onScreen = await table.evaluate((t) => t.scrollWidth);
    const cut = await cutInPrint(page);
    expect(cut.filter((line) => line.startsWith(anchor))).toEqual([]);
    // (In the table's own CSS px: the printed figure is zoomed as a whole.)
    const printed = await table.evaluate((t) => ({
      width: t.scrollWidth,
      room: t.parentElement!.clientWidth,
    }));
    expect(printed.width).toBeLessThanOrEqual(printed.room);
    console.log(
      `${anchor}: table ${onScreen} px wide on screen, ${printed.width} px printed, in ${printed.room} px of room`,
    );
  }
});

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
  // Nothing in a figure is cut at the page's edge or by a scroll box.
  expect(await cutInPrint(page)).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 720 });

  const pdf = await page.pdf({ format: 'A4' });
  const pages = pdfPages(pdf);
  console.log(`chapter 6 prints to ${pages} A4 pages`);
  expect(pages).toBeGreaterThan(5);
  expect(pages).toBeLessThanOrEqual(23);
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
