import type { Locator, Page } from '@playwright/test';
import { expect, seriousViolations, test } from './fixtures';

/**
 * Every exercise of the book in the browser, on WebGPU and on WASM (issue 16
 * items 1, 2, 5, 7): from its starting state each check fails and teaches
 * (hint 1, the solution only on request); with a known solution in the URL
 * (every answer is URL state) each passes, the numbers and notebook outputs
 * read from the page's own solution and expected output; solved exercises
 * are counted per chapter, on the home page and on the progress page, which
 * exports them and clears them. The same solutions pass the same checks on
 * onnxruntime-node in tests/unit/exercises-*.test.ts.
 */

interface ChapterExercises {
  slug: string;
  widget: string;
  /** URL parameters that put the known solutions of the prompt, choice and predict exercises in. */
  solved: Record<string, string>;
  /** Exercises whose answer is read from the page: a number from the solution, a notebook's expected output. */
  numeric: number[];
  notebook: number[];
  count: number;
}

const CHAPTERS: ChapterExercises[] = [
  {
    slug: '01-transformers',
    widget: 'ch1-exercises',
    solved: {
      'ex1.confident': 'Thus saith the',
      'ex1.fluent': 'And the LORD spake unto Moses, saying, Speak unto the children of Israel',
      'ex1.predict': ' no',
    },
    numeric: [5],
    notebook: [6],
    count: 6,
  },
  {
    slug: '02-residual-stream',
    widget: 'ch2-exercises',
    solved: {
      'ex2.beat': 'And God said, Let there be light: and there was',
      'ex2.knock': 'And the LORD spake unto Moses,',
      'ex2.head': '1.3',
      'ex2.lens': 'And God said, Let there be light: and there was',
      'ex2.ablate': 'same',
    },
    numeric: [4],
    notebook: [6],
    count: 6,
  },
  {
    slug: '03-privileged-bases',
    widget: 'exercises-ch3',
    solved: {
      'ex3.rotation': 'I am the LORD your',
      'ex3.picked': 'resid,permute',
      'ex3.small': 'same',
    },
    numeric: [4],
    notebook: [5],
    count: 5,
  },
  {
    slug: '04-virtual-weights',
    widget: 'exercises-ch4',
    solved: {
      'ex4.reader1': '1.2',
      'ex4.guess1': '0.3',
      'ex4.head2': '0.2',
      'ex4.prompt2': 'Thus saith the',
      'ex4.writer3': '0.3',
      'ex4.reader3': '1.2',
      'ex4.prompt3': 'It rained all day, so we stayed in and read.',
    },
    numeric: [4],
    notebook: [5],
    count: 5,
  },
  {
    slug: '05-attention-heads',
    widget: 'exercises-5',
    solved: {
      'ex5.a': 'And God said, Let there be light: and there was light.',
      'ex5.b': 'The parrot sat on a branch. Everyone loved the parrot. The parrot sat on a',
      'ex5.c': '.',
    },
    numeric: [4],
    notebook: [5],
    count: 5,
  },
  {
    slug: '06-induction-heads',
    widget: 'exercises-6',
    solved: {
      'ex6.a': 'Our neighbour is called Quentin Zarkov. We like Quentin Zarkov',
      'ex6.b': 'Our neighbour is called Quentin Zarkov. We like Quentin Zarkov',
      'ex6.c': 'little',
    },
    numeric: [4],
    notebook: [5],
    count: 5,
  },
];

const LABEL = { webgpu: 'WebGPU', wasm: 'WASM' } as const;

async function openExercises(page: Page, c: ChapterExercises, backend: string, query = '') {
  await page.goto(`chapters/${c.slug}/?backend=${backend}${query}`);
  const figure = page.locator(`[data-widget="${c.widget}"]`).first();
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 180_000 });
  return figure;
}

/** Presses Check and waits for the verdict. */
async function check(ex: Locator): Promise<string> {
  const button = ex.getByRole('button', { name: 'Check with the model' });
  await expect(button).toBeEnabled({ timeout: 120_000 });
  const before = await ex.locator('.kit-exercise-result').textContent();
  await button.click();
  await expect(ex.locator('.kit-exercise-result')).toHaveAttribute('data-ok', /true|false/, {
    timeout: 120_000,
  });
  if (before) await expect(ex.locator('.kit-exercise-result')).not.toHaveText(before);
  return (await ex.locator('.kit-exercise-result').getAttribute('data-ok')) ?? '';
}

/** Chapter 1's exercise 3: the shortest length, worked out from the parameters the check prints. */
async function solveSizes(ex: Locator) {
  const box = ex.getByRole('textbox', { name: 'Your prompt' });
  await box.fill(' a'.repeat(20));
  await check(ex);
  const text = (await ex.locator('.kit-exercise-result').textContent()) ?? '';
  const params = Number(/parameters ([\d,]+)/.exec(text)![1].replace(/,/g, ''));
  await box.fill(' a'.repeat(Math.floor(Math.sqrt(params / 8)) + 1));
}

for (const backend of ['webgpu', 'wasm'] as const) {
  for (const c of CHAPTERS) {
    test(`${c.widget} on ${backend}: every starting state fails with a hint and no solution; every known solution passes`, async ({
      page,
    }) => {
      test.setTimeout(600_000);
      let figure = await openExercises(page, c, backend);
      await expect(figure.locator('.widget-badge')).toContainText(LABEL[backend]);
      await expect(figure.locator('[data-exercise]')).toHaveCount(c.count);
      for (let n = 1; n <= c.count; n++) {
        const ex = figure.locator(`[data-exercise="${n}"]`);
        await expect(ex.getByRole('button', { name: 'Show solution' })).toHaveCount(0);
        const button = ex.getByRole('button', { name: 'Check with the model' });
        // An exercise that needs a choice first cannot be checked from its starting state.
        if (!(await button.isEnabled()) && !c.numeric.includes(n)) continue;
        expect(await check(ex), `exercise ${n}'s starting state`).toBe('false');
        await expect(ex.locator('[data-hint="1"]')).toBeVisible();
        await expect(ex.locator('[data-hint="2"]')).toHaveCount(0);
        await expect(ex.getByTestId('solution')).toHaveCount(0);
        await expect(ex.getByRole('button', { name: 'Show solution' })).toBeVisible();
      }

      const query = Object.entries(c.solved)
        .map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join('');
      figure = await openExercises(page, c, backend, query);
      for (let n = 1; n <= c.count; n++) {
        const ex = figure.locator(`[data-exercise="${n}"]`);
        if (c.numeric.includes(n)) {
          expect(await check(ex)).toBe('false');
          await ex.getByRole('button', { name: 'Show solution' }).click();
          const value = ex.getByTestId('solution-value');
          await expect(value).toHaveText(/\d/, { timeout: 60_000 });
          await ex.getByRole('textbox').fill(((await value.textContent()) ?? '').trim());
        } else if (c.notebook.includes(n)) {
          const expected = ex.getByTestId('notebook-expected');
          await expect(expected).not.toHaveText(/computing/, { timeout: 120_000 });
          await ex
            .getByRole('textbox', { name: 'What your notebook printed' })
            .fill((await expected.textContent()) ?? '');
        } else if (c.slug === '01-transformers' && n === 3) {
          await solveSizes(ex);
        }
        expect(await check(ex), `exercise ${n}: ${await ex.textContent()}`).toBe('true');
      }
      await expect(figure.getByTestId('chapter-progress')).toHaveText(
        `Solved ${c.count} of ${c.count} in this chapter`,
      );
    });
  }
}

test('a second wrong check brings the stronger hint; progress is kept across pages, exported as JSON and cleared', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const c = CHAPTERS[0];
  const figure = await openExercises(page, c, 'wasm');
  const ex = figure.locator('[data-exercise="1"]');
  const box = ex.getByRole('textbox', { name: 'Your prompt' });
  await box.fill('It rained all day, so we stayed in and read.');
  expect(await check(ex)).toBe('false');
  await box.fill('qx zv 7k blorp qx zv 7k blorp');
  expect(await check(ex)).toBe('false');
  await expect(ex.locator('[data-hint="2"]')).toBeVisible();
  await box.fill('Thus saith the');
  expect(await check(ex)).toBe('true');
  await expect(ex.getByTestId('solved-mark')).toContainText('solved');
  await expect(figure.getByTestId('chapter-progress')).toHaveText(
    `Solved 1 of ${c.count} in this chapter`,
  );
  // The answer is in the URL, so a link reproduces it.
  expect(new URL(page.url()).searchParams.get('ex1.confident')).toBe('Thus saith the');

  await page.goto('./');
  // The summary hydrates when it scrolls into view (client:visible).
  await page.getByTestId('home-progress').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('home-progress')).toContainText('chapter 1: 1/6');
  await page.getByRole('link', { name: /Your progress/ }).click();
  const table = page.getByTestId('progress-page');
  await expect(table.locator('[data-exercise-id="ch1.confident"]')).toContainText('Thus saith the');
  await expect(table.locator('[data-exercise-id="ch1.confident"]')).toContainText('yes');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export as JSON' }).click();
  const file = await (await download).path();
  const { readFileSync } = await import('node:fs');
  const data = JSON.parse(readFileSync(file, 'utf8'));
  expect(data.book).toBe('Circuits');
  expect(data.bookVersion).toMatch(/^\d+\.\d+\.\d+/);
  expect(data.exercises['ch1.confident']).toMatchObject({
    solved: true,
    answer: 'Thus saith the',
    attempts: 3,
  });
  await page.getByRole('button', { name: 'Clear progress…' }).click();
  await page.getByRole('button', { name: 'Yes, forget everything' }).click();
  await expect(page.getByTestId('progress-total')).toContainText('Solved 0 of');
});

test('corrupt saved progress is ignored with a note', async ({ page }) => {
  await page.goto('progress/');
  await page.evaluate(() => localStorage.setItem('circuits.exercises.v1', '{not json'));
  await page.reload();
  await expect(page.getByTestId('progress-note')).toContainText('ignored');
  await expect(page.getByTestId('progress-total')).toContainText('Solved 0 of');
});

// The progress page is one island, on screen at load by design, so it stays out of the
// site-wide budget pass (builtPages); its accessibility and phone width are checked here.
for (const theme of ['light', 'dark'] as const) {
  test(`the progress page, with saved answers, is accessible and fits 375 px, ${theme} theme`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: theme });
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto('progress/');
    await page.evaluate(() =>
      localStorage.setItem(
        'circuits.exercises.v1',
        JSON.stringify({
          seed: 'alice',
          exercises: {
            'ch1.confident': {
              solved: true,
              answer: 'Thus saith the',
              at: '2026-11-29T12:00:00.000Z',
              attempts: 2,
              seed: 'alice',
            },
            'ch6.notebook': {
              solved: false,
              answer:
                '1.0 0.016 1.1 0.017 1.2 0.642 1.3 0.020 1.4 0.013 1.5 0.606 1.6 0.009 1.7 0.580',
              at: '2026-11-29T12:00:00.000Z',
              attempts: 1,
              seed: 'alice',
            },
          },
        }),
      ),
    );
    await page.reload();
    await expect(page.getByTestId('progress-total')).toContainText('Solved 1 of');
    await expect(page.getByTestId('progress-total')).toContainText('alice');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    expect(await seriousViolations(page)).toEqual([]);
  });
}

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`with a student seed the seeded exercise shows that student's variant, and its solution passes, on ${backend}`, async ({
    page,
  }) => {
    test.setTimeout(300_000);
    await page.goto('progress/');
    await page.getByLabel(/Student seed/).fill('alice');
    await page.getByRole('button', { name: 'Save seed' }).click();
    await expect(page.getByTestId('progress-total')).toContainText('alice');
    const figure = await openExercises(page, CHAPTERS[3], backend);
    const ex = figure.locator('[data-exercise="4"]');
    // handVariant('alice') is 0.6 into 1.7 (npm run solutions -- alice prints the same)
    await expect(ex).toContainText('head 0.6 into head 1.7');
    await expect(ex).toContainText('Your variant, for student seed alice');
    expect(await check(ex)).toBe('false');
    await ex.getByRole('button', { name: 'Show solution' }).click();
    const value = ex.getByTestId('solution-value');
    await expect(value).toHaveText(/\d/, { timeout: 60_000 });
    await ex.getByRole('textbox').fill(((await value.textContent()) ?? '').trim());
    expect(await check(ex)).toBe('true');
  });
}
