import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The live figures of chapters 3 and 4: each renders from the shipped model
 * on WebGPU and on WASM (the badge says which), editing its prompt changes
 * what it shows, and the page logs no error (the fixture fails the test on any).
 */

interface FigureCase {
  chapter: string;
  /** `data-widget` of the figure. */
  name: string;
  /** `data-testid` of an element whose text is computed from the live run on the prompt. */
  output: string;
  /** A prompt different from the default. */
  prompt: string;
}

const ch3 = '03-privileged-bases';
const ch4 = '04-virtual-weights';

const figures: FigureCase[] = [
  {
    chapter: ch3,
    name: 'rotate-residual',
    output: 'rr-norm',
    prompt: 'Once upon a time there was',
  },
  { chapter: ch3, name: 'rotate-neurons', output: 'rn-loss', prompt: 'Once upon a time there was' },
  {
    chapter: ch3,
    name: 'coordinate-stats',
    output: 'cs-standard',
    prompt:
      'def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n\nprint(add(1, 2), sub(3, 4))\n',
  },
  { chapter: ch4, name: 'read-write', output: 'rw-frac-K', prompt: 'Once upon a time there was' },
  {
    chapter: ch4,
    name: 'virtual-weights',
    output: 'vw-share',
    prompt: 'Once upon a time there was',
  },
  { chapter: ch4, name: 'subspaces', output: 'ss-stream', prompt: 'Once upon a time there was' },
];

/** Opens a chapter on a backend and waits for one figure's live result. */
async function openFigure(
  page: Page,
  c: FigureCase,
  backend: string,
  query = '',
): Promise<Locator> {
  await page.goto(`chapters/${c.chapter}/?backend=${backend}${query}`);
  const figure = page.locator(`[data-widget="${c.name}"]`);
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(figure.getByTestId(c.output)).toBeVisible({ timeout: 60_000 });
  return figure;
}

for (const backend of ['webgpu', 'wasm'] as const) {
  const badge = backend === 'webgpu' ? 'WebGPU' : 'WASM';
  for (const c of figures) {
    test(`${c.name} (${c.chapter}) runs the model on ${badge}, and a new prompt changes what it shows`, async ({
      page,
    }) => {
      test.setTimeout(180_000);
      const figure = await openFigure(page, c, backend);
      await expect(figure.locator('.widget-badge')).toHaveText(new RegExp(`^${badge}`));
      const result = figure.locator('[data-backend]').first();
      await expect(result).toHaveAttribute('data-backend', backend);
      const before = await figure.getByTestId(c.output).innerText();

      await figure.getByRole('textbox', { name: 'Prompt' }).fill(c.prompt);
      await expect(result).toHaveAttribute('data-prompt', c.prompt, { timeout: 60_000 });
      await expect(figure.getByTestId(c.output)).not.toHaveText(before);
    });
  }
}

test('the rotation figure keeps the logits to float precision and puts its state in the URL', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const c = figures[0];
  const figure = await openFigure(page, c, 'wasm', '&rr.mode=plane&rr.i=3&rr.j=7&rr.deg=30');
  await expect(figure.getByRole('radio', { name: 'in the plane of two axes' })).toBeChecked();
  await expect(figure.getByRole('spinbutton', { name: 'Axis i' })).toHaveValue('3');
  // The largest logit change is a handful of float32 steps, far below 1e-3.
  const text = await figure.getByTestId('rr-maxdiff').locator('.kit-stat-value').innerText();
  expect(Number(text.replace('−', '-'))).toBeLessThan(1e-3);

  await figure.getByRole('textbox', { name: 'Prompt' }).fill('A new prompt');
  await expect.poll(() => new URL(page.url()).searchParams.get('rr.prompt')).toBe('A new prompt');
  expect(new URL(page.url()).searchParams.get('rr.deg')).toBe('30');
});

test('rotating the neurons changes the logits, permuting them does not', async ({ page }) => {
  test.setTimeout(120_000);
  const c = figures[1];
  const value = (f: Locator) =>
    f
      .getByTestId('rn-maxdiff')
      .locator('.kit-stat-value')
      .innerText()
      .then((t) => Number(t.replace('−', '-')));
  let figure = await openFigure(page, c, 'wasm');
  expect(await value(figure)).toBeGreaterThan(1e-2);
  figure = await openFigure(page, c, 'wasm', '&rn.mode=permute');
  await expect(figure.getByRole('radio', { name: 'permutation' })).toBeChecked();
  await expect.poll(() => value(figure), { timeout: 60_000 }).toBeLessThan(1e-3);
});

for (const [chapter, name, solution] of [
  [ch3, 'exercises-ch3', 'ex3.rotation=I+am+the+LORD+your'],
  [ch4, 'exercises-ch4', 'ex4.reader1=1.2&ex4.guess1=0.3'],
] as const) {
  test(`the exercises of ${chapter} are checked by the live model, and a known solution in the URL passes`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.goto(`chapters/${chapter}/?backend=wasm&${solution}`);
    const figure = page.locator(`[data-widget="${name}"]`);
    await figure.scrollIntoViewIfNeeded();
    await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    const first = figure.locator('[data-exercise="1"]');
    await first.getByRole('button', { name: 'Check with the model' }).click();
    await expect(first.locator('.kit-exercise-result')).toHaveAttribute('data-ok', 'true', {
      timeout: 60_000,
    });
    await expect(first.locator('.kit-exercise-result')).not.toContainText('The check failed');
  });
}

for (const chapter of [ch3, ch4]) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe finds no serious problem in the rendered figures of ${chapter} (${colorScheme})`, async ({
      page,
    }) => {
      test.setTimeout(180_000);
      await page.emulateMedia({ colorScheme });
      await page.goto(`chapters/${chapter}/?backend=wasm`);
      for (const c of figures.filter((f) => f.chapter === chapter)) {
        const figure = page.locator(`[data-widget="${c.name}"]`);
        await figure.scrollIntoViewIfNeeded();
        await expect(figure.getByTestId(c.output)).toBeVisible({ timeout: 60_000 });
      }
      const results = await new AxeBuilder({ page }).include('[data-widget]').analyze();
      const bad = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(bad).toEqual([]);
    });
  }
}

test('the figures are operable from the keyboard: the position strip, the heatmap readout and the head grid', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const figure = await openFigure(page, figures[0], 'wasm');
  const strip = figure.getByRole('radiogroup', { name: 'Position to inspect' });
  await strip.getByRole('radio', { checked: true }).focus();
  await page.keyboard.press('Home');
  await expect(figure.getByTestId('rr-norm')).toContainText('position 0');
  const map = figure.getByRole('group', {
    name: /Residual stream coordinates at position 0, original/,
  });
  await map.focus();
  await page.keyboard.press('ArrowRight');
  await expect(figure.locator('.kit-readout').first()).toContainText(/column 1 \(\+1\): /);

  const vw = await openFigure(page, figures[4], 'wasm');
  const kGrid = vw.getByRole('group', { name: /^K-composition scores/ });
  await kGrid.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect.poll(() => new URL(page.url()).searchParams.get('vw.writer')).toBe('0.1');
  expect(new URL(page.url()).searchParams.get('vw.reader')).toBe('1.1');
});

for (const chapter of [ch3, ch4]) {
  test(`the rendered figures of ${chapter} fit a 375 px phone without sideways scrolling`, async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`chapters/${chapter}/?backend=wasm`);
    for (const c of figures.filter((f) => f.chapter === chapter)) {
      const figure = page.locator(`[data-widget="${c.name}"]`);
      await figure.scrollIntoViewIfNeeded();
      await expect(figure.getByTestId(c.output)).toBeVisible({ timeout: 60_000 });
    }
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, 'page width').toBeLessThanOrEqual(375);
  });
}
