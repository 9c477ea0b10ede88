import { readFileSync } from 'node:fs';
import { e2eOutDir } from '../../playwright.config';
import { builtChapterIds, expect, seriousViolations, test } from './fixtures';

interface TokenizerCase {
  text: string;
  ids: number[];
}

/** Strings with the ids Python's `tokenizers` gives them (written by training/). */
const cases = JSON.parse(
  readFileSync('tests/fixtures/tokenizer-cases.json', 'utf8'),
) as TokenizerCase[];

/** The chapter pages whose built HTML contains the figure `name`. */
function chaptersWithWidget(name: string): string[] {
  return builtChapterIds().filter((id) =>
    readFileSync(`${e2eOutDir}/chapters/${id}/index.html`, 'utf8').includes(
      `data-widget="${name}"`,
    ),
  );
}

const tokenizerPages = chaptersWithWidget('tokenizer');

test('the tokenizer figure is embedded in a chapter', () => {
  expect(tokenizerPages.length).toBeGreaterThan(0);
});

for (const id of tokenizerPages.slice(0, 1)) {
  test.describe(`tokenizer figure on ${id}`, () => {
    test('shows the ids the Python tokenizer gives, and the text survives a reload through the URL', async ({
      page,
    }) => {
      await page.goto(`chapters/${id}/`);
      const figure = page.locator('[data-widget="tokenizer"]').first();
      await figure.scrollIntoViewIfNeeded();
      await expect(figure).toHaveAttribute('data-state', 'ready');

      // Non-trivial cases: several tokens, non-ASCII, and whitespace runs.
      const chosen = cases
        .filter((c) => c.ids.length >= 3 && c.text.length <= 200)
        .filter((_, i, all) => i % Math.max(1, Math.floor(all.length / 12)) === 0)
        .slice(0, 12);
      expect(chosen.length).toBeGreaterThan(5);
      const input = figure.getByRole('textbox', { name: 'Text' });
      for (const c of chosen) {
        await input.fill(c.text);
        await expect
          .poll(() => figure.locator('.token-id').allInnerTexts(), {
            message: JSON.stringify(c.text),
          })
          .toEqual(c.ids.map(String));
      }

      const last = chosen[chosen.length - 1];
      expect(new URL(page.url()).searchParams.get('tok.text')).toBe(last.text);
      await page.reload();
      await figure.scrollIntoViewIfNeeded();
      await expect(figure).toHaveAttribute('data-state', 'ready');
      await expect(input).toHaveValue(last.text);
      expect(await figure.locator('.token-id').allInnerTexts()).toEqual(last.ids.map(String));
    });

    for (const theme of ['light', 'dark'] as const) {
      test(`has no serious or critical accessibility violation once ready, ${theme} theme`, async ({
        page,
      }) => {
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(`chapters/${id}/`);
        const figure = page.locator('[data-widget="tokenizer"]').first();
        await figure.scrollIntoViewIfNeeded();
        await expect(figure).toHaveAttribute('data-state', 'ready');
        expect(await seriousViolations(page, '[data-widget="tokenizer"]')).toEqual([]);
      });
    }

    test.describe('when the tokenizer cannot be fetched', () => {
      test.use({ allowedConsoleErrors: [/Failed to load resource.*404/] });

      test('shows the error with a Retry button that recovers once the file is back', async ({
        page,
      }) => {
        let fail = true;
        await page.route('**/models/tokenizer.json', (route) =>
          fail ? route.fulfill({ status: 404, body: 'gone' }) : route.continue(),
        );
        await page.goto(`chapters/${id}/`);
        const figure = page.locator('[data-widget="tokenizer"]').first();
        await figure.scrollIntoViewIfNeeded();
        await expect(figure).toHaveAttribute('data-state', 'error');
        await expect(figure.getByRole('alert')).toContainText('404');
        fail = false;
        await figure.getByRole('button', { name: 'Retry' }).click();
        await expect(figure).toHaveAttribute('data-state', 'ready');
        expect(await figure.locator('.token').count()).toBeGreaterThan(3);
      });
    });
  });
}
