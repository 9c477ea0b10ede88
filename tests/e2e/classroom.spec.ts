import { expect, test } from './fixtures';

/**
 * Issue 18: figures a lecturer can point to. Every live figure of a chapter
 * has a number and an anchor in the static HTML, and "Copy link" gives the
 * chapter's address with the figure's state and anchor, which opens the
 * page at that figure in that state, without the copier's `?backend=`.
 */

test('every chapter figure has a number and an anchor in the static HTML', async ({ page }) => {
  const response = await page.request.get('chapters/06-induction-heads/');
  const html = await response.text();
  const numbers = [
    ...html.matchAll(/class="figure-slot" id="(fig-[a-z0-9-]+)" data-figure-number="([\d.]+)"/g),
  ];
  expect(numbers.map((m) => m[2])).toEqual(['6.1', '6.2', '6.3', '6.4', '6.5', '6.6', '6.7']);
  for (const [, id, n] of numbers)
    expect(html).toContain(`href="#${id}" data-pagefind-ignore>Figure ${n}</a>`);
});

test('copy link round-trips a figure’s state and scrolls to it, leaving the backend behind', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('chapters/01-transformers/?backend=wasm');
  const slot = page.locator('#fig-tokenizer');
  const figure = slot.locator('[data-widget="tokenizer"]');
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(figure).toHaveAccessibleName(/^Figure 1\.1: How the models see text/);
  const text = 'The lecturer typed this: induction heads copy.';
  await figure.getByRole('textbox', { name: 'Text' }).fill(text);

  await figure.getByRole('button', { name: /Copy link to figure 1\.1/ }).click();
  await expect(figure.getByRole('status').filter({ hasText: 'copied' })).toContainText(
    'Link to figure 1.1 copied (without this browser’s ?backend/?threads).',
  );
  const link = new URL(await page.evaluate(() => navigator.clipboard.readText()));
  expect(link.hash).toBe('#fig-tokenizer');
  expect(link.searchParams.get('tok.text')).toBe(text);
  expect(link.searchParams.has('backend')).toBe(false);

  // Opened elsewhere (here forced to WASM again, for speed), the page lands
  // on the figure, which shows the lecturer's text.
  link.searchParams.set('backend', 'wasm');
  const other = await context.newPage();
  await other.goto(link.href);
  const opened = other.locator('#fig-tokenizer [data-widget="tokenizer"]');
  await expect(opened).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(opened.getByRole('textbox', { name: 'Text' })).toHaveValue(text);
  await expect(other.locator('#fig-tokenizer')).toBeInViewport();
  expect(await other.evaluate(() => window.scrollY)).toBeGreaterThan(500);
});
