import type { Locator, Page } from '@playwright/test';
import { expect, seriousViolations, test } from './fixtures';

/**
 * Every figure of chapters 5 and 6, on WebGPU (SwiftShader) and on WASM:
 * it renders from the live model with the backend badge saying which,
 * editing its input changes its output, and the page logs no error (the
 * fixture fails the test on any console error).
 */

test.describe.configure({ timeout: 300_000 });

const CH5 = '05-attention-heads';
const CH6 = '06-induction-heads';

interface FigureCase {
  chapter: string;
  widget: string;
  /** `data-testid` of the element that carries `data-key`, the figure's output fingerprint. */
  output: string;
  /** Changes the figure's input. */
  edit: (figure: Locator, page: Page) => Promise<void>;
}

const fillBox = (label: string | RegExp, text: string) => async (figure: Locator) => {
  await figure.getByRole('textbox', { name: label }).fill(text);
};
const setNumber = (label: string, value: string) => async (figure: Locator) => {
  const input = figure.getByRole('spinbutton', { name: label });
  await input.fill(value);
  await input.press('Tab');
};

const cases: FigureCase[] = [
  {
    chapter: CH5,
    widget: 'attention-explorer',
    output: 'attention-ready',
    edit: fillBox('Prompt', 'A bird sang. Then the bird flew away, far away.'),
  },
  {
    chapter: CH5,
    widget: 'storage',
    output: 'storage-ready',
    edit: fillBox(
      'Text (several sentences)',
      'It was cold. We lit a fire, and we sat near it. Then we slept.',
    ),
  },
  { chapter: CH5, widget: 'circuits', output: 'circuits-ready', edit: fillBox('Token', ' river') },
  {
    chapter: CH5,
    widget: 'path-expansion',
    output: 'path-ready',
    edit: fillBox('Prompt', 'The king and the queen went to the'),
  },
  {
    chapter: CH6,
    widget: 'own-text',
    output: 'own-ready',
    edit: fillBox(
      'Text with an invented name or phrase, used twice',
      'I met Gloria Vandersnoot today. Gloria Vandersnoot sells hats.',
    ),
  },
  { chapter: CH6, widget: 'repeated-tokens', output: 'repeat-ready', edit: setNumber('Seed', '7') },
  {
    chapter: CH6,
    widget: 'head-scores',
    output: 'scores-own',
    edit: fillBox('Your prompt (repeat some words)', 'one two three four one two three four'),
  },
  { chapter: CH6, widget: 'k-composition', output: 'kcomp-ready', edit: setNumber('Seed', '7') },
  {
    chapter: CH6,
    widget: 'formation',
    output: 'formation-ready',
    edit: async (figure) => {
      const slider = figure.getByRole('slider');
      await slider.focus();
      await slider.press('Home');
    },
  },
  { chapter: CH6, widget: 'control', output: 'control-ready', edit: setNumber('Seed', '7') },
  {
    chapter: CH5,
    widget: 'positional-qk',
    output: 'positional-qk-ready',
    edit: async (figure) => {
      await figure.getByRole('radio', { name: /^head 0\.6\b/ }).click();
    },
  },
  {
    chapter: CH5,
    widget: 'copying-accuracy',
    output: 'copying-ready',
    edit: async (figure) => {
      await figure.getByRole('combobox', { name: 'Model' }).selectOption('attn-only-1l');
    },
  },
  {
    chapter: CH5,
    widget: 'two-layer-paths',
    output: 'two-layer-ready',
    edit: fillBox('Prompt', 'one two three four five. one two three four'),
  },
  {
    chapter: CH6,
    widget: 'k-composition-tokens',
    output: 'kt-ready',
    edit: async (figure) => {
      await figure.getByRole('combobox', { name: 'Induction head (layer 1)' }).selectOption('1.0');
    },
  },
];

/** Opens a chapter on a backend and brings one figure on screen (islands hydrate when visible). */
async function openFigure(
  page: Page,
  chapter: string,
  widget: string,
  backend: string,
  query = '',
) {
  await page.goto(`chapters/${chapter}/?backend=${backend}${query}`);
  const figure = page.locator(`[data-widget="${widget}"]`).first();
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 180_000 });
  return figure;
}

for (const backend of ['webgpu', 'wasm'] as const) {
  const badge = backend === 'webgpu' ? 'WebGPU' : 'WASM';
  for (const c of cases) {
    test(`${c.widget} renders from the live model on ${backend} and follows an edit`, async ({
      page,
    }) => {
      const figure = await openFigure(page, c.chapter, c.widget, backend);
      await expect(figure.locator('.widget-badge')).toContainText(badge);
      const output = figure.getByTestId(c.output);
      await expect(output).toBeVisible({ timeout: 180_000 });
      const before = await output.getAttribute('data-key');
      expect(before).toBeTruthy();
      await c.edit(figure, page);
      await expect
        .poll(() => output.getAttribute('data-key'), { timeout: 180_000 })
        .not.toBe(before);
      await expect(figure.locator('[role="alert"]')).toHaveCount(0);
    });
  }

  test(`the chapter exercises are checked by the live models on ${backend}`, async ({ page }) => {
    // Exercise 1's starting text fails and a known answer passes (the same answers pass the
    // same checks on onnxruntime-node in tests/unit/exercises-ch5.test.ts and exercises-ch6).
    for (const [chapter, widget, answer] of [
      [CH5, 'exercises-5', 'And God said, Let there be light: and there was light.'],
      [CH6, 'exercises-6', 'Our neighbour is called Quentin Zarkov. We like Quentin Zarkov'],
    ]) {
      const figure = await openFigure(page, chapter, widget, backend);
      await expect(figure.locator('.widget-badge')).toContainText(badge);
      const first = figure.locator('[data-exercise="1"]');
      const check = first.getByRole('button', { name: 'Check with the model' });
      const result = first.locator('.kit-exercise-result');
      await check.click();
      await expect(result).toHaveAttribute('data-ok', 'false', { timeout: 120_000 });
      await expect(result).toHaveText(/^✗ .+/);
      await first.getByRole('textbox').fill(answer);
      await check.click();
      await expect(result).toHaveAttribute('data-ok', 'true', { timeout: 120_000 });
      await expect(result).toHaveText(/^✓ .+/);
    }
  });
}

for (const [widget, testId] of [
  ['path-expansion', 'path-closure'],
  ['two-layer-paths', 'two-layer-closure'],
] as const) {
  test(`the path expansion of ${widget} closes on the model logit in the browser`, async ({
    page,
  }) => {
    const figure = await openFigure(page, CH5, widget, 'wasm');
    const closure = figure.getByTestId(testId);
    await expect(closure).toBeVisible({ timeout: 120_000 });
    const diff = Number(
      /difference (\S+)/.exec((await closure.textContent()) ?? '')?.[1].replace('−', '-'),
    );
    expect(diff).toBeLessThan(1e-3);
  });
}

test('a link reproduces what the reader saw: prompt, position and head come back from the URL', async ({
  page,
}) => {
  const figure = await openFigure(page, CH5, 'attention-explorer', 'wasm');
  await figure
    .getByRole('textbox', { name: 'Prompt' })
    .fill('Rain fell. The river rose. We waited.');
  await figure.getByRole('radio', { name: 'head 1.3' }).click();
  const output = figure.getByTestId('attention-ready');
  await expect(output).toHaveAttribute('data-key', /Rain|\d/);
  await expect.poll(() => new URL(page.url()).searchParams.get('ax.head')).toBe('1.3');
  const key = await output.getAttribute('data-key');
  const url = page.url();
  await page.goto(url);
  const again = page.locator('[data-widget="attention-explorer"]').first();
  await again.scrollIntoViewIfNeeded();
  await expect(again).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await expect(again.getByTestId('attention-ready')).toHaveAttribute('data-key', key ?? '', {
    timeout: 120_000,
  });
  await expect(again.getByRole('radio', { name: 'head 1.3' })).toHaveAttribute(
    'aria-checked',
    'true',
  );
});

for (const [chapter, widgets] of [
  [
    CH5,
    [
      'attention-explorer',
      'storage',
      'circuits',
      'positional-qk',
      'copying-accuracy',
      'path-expansion',
      'two-layer-paths',
      'exercises-5',
    ],
  ],
  [
    CH6,
    [
      'own-text',
      'repeated-tokens',
      'head-scores',
      'k-composition',
      'k-composition-tokens',
      'formation',
      'control',
      'exercises-6',
    ],
  ],
] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`the rendered figures of ${chapter} have no serious accessibility violation at 375 px, ${theme}`, async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme: theme });
      await page.setViewportSize({ width: 375, height: 740 });
      await page.goto(`chapters/${chapter}/?backend=wasm`);
      // Islands hydrate when visible: bring each figure on screen and let it finish.
      for (const widget of widgets) {
        const figure = page.locator(`[data-widget="${widget}"]`).first();
        await figure.scrollIntoViewIfNeeded();
        await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 180_000 });
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        375,
      );
      expect(await seriousViolations(page, '.prose')).toEqual([]);
    });
  }
}
