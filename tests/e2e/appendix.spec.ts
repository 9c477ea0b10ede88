import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basePath, expect, seriousViolations, test } from './fixtures';

/**
 * The appendix (src/pages/models/): one page per shipped model, rendered from
 * its files. Checked against those files read here, independently of the page.
 */
interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}
const models = 'public/models';
const manifest = (
  JSON.parse(readFileSync(`${models}/manifest.json`, 'utf8')) as { files: ManifestFile[] }
).files;
const ids = manifest
  .map((f) => f.path.split('/'))
  .filter((p) => p.length === 2 && p[1] === 'config.json')
  .map((p) => p[0])
  .sort();
const card = (id: string) => JSON.parse(readFileSync(`${models}/${id}/card.json`, 'utf8'));
const fixed = (x: number) => x.toFixed(3);

test('the shipped models are the three of the book', () => {
  expect(ids).toEqual(['attn-only-1l', 'attn-only-2l', 'gelu-1l']);
});

test('the home page links the appendix, and the appendix lists every model with its numbers', async ({
  page,
}) => {
  await page.goto('./');
  await page.getByRole('link', { name: 'The models' }).click();
  await page.waitForURL((url) => url.pathname === `${basePath()}models/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Appendix: the models');
  const items = page.getByTestId('models').locator('li');
  await expect(items).toHaveCount(ids.length);
  for (const [i, id] of ids.entries()) {
    const href = await items
      .nth(i)
      .locator('a')
      .evaluate((a) => (a as HTMLAnchorElement).href);
    expect(new URL(href).pathname).toBe(`${basePath()}models/${id}/`);
    await expect(items.nth(i)).toContainText(`validation loss ${fixed(card(id).val_loss)}`);
  }
});

for (const id of ids) {
  test.describe(`model page ${id}`, () => {
    test('shows the numbers of card.json', async ({ page }) => {
      const c = card(id);
      const response = await page.goto(`models/${id}/`);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(id);
      await expect(page).toHaveTitle(`Model ${id} · Circuits`);
      await expect(page.getByTestId('val-loss')).toHaveText(fixed(c.val_loss));
      await expect(page.getByTestId('bigram-loss')).toHaveText(fixed(c.bigram_val_loss));
      await expect(page.getByTestId('loss-first-copy')).toHaveText(
        fixed(c.repeated_tokens.loss_first_copy),
      );
      await expect(page.getByTestId('loss-second-copy')).toHaveText(
        fixed(c.repeated_tokens.loss_second_copy),
      );
      await expect(page.getByTestId('icl-score')).toHaveText(fixed(c.icl_score));
      await expect(page.locator('[data-field="parameters"]')).toHaveText(
        c.approx_parameters.toLocaleString('en-US'),
      );
      for (const [key, scores] of [
        ['induction', c.induction_score],
        ['prev-token', c.prev_token_score],
        ['copying', c.copying_score],
      ] as [string, number[][]][]) {
        const cells = await page
          .getByTestId(`${key}-scores`)
          .locator('tbody tr')
          .evaluateAll((rows) =>
            rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim())),
          );
        expect(cells, key).toEqual(scores.map((row) => row.map(fixed)));
      }
      // every corpus source with its licence
      const sources = page.getByTestId('sources');
      for (const s of Object.values(c.corpus.sources) as { package: string; licence: string }[]) {
        await expect(sources).toContainText(s.package);
        await expect(sources).toContainText(s.licence);
      }
      // the training curve: one labelled chart, its data table holds every logged step
      const curve = JSON.parse(readFileSync(`${models}/${id}/training-curve.json`, 'utf8'));
      const chart = page.getByRole('img', { name: /^Training loss/ });
      await expect(chart).toBeVisible();
      const rows = await page
        .getByRole('region', { name: 'Training loss: data', includeHidden: true })
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.children].map((cell) => cell.textContent?.trim())),
        );
      for (const row of curve.steps as { step: number; loss: number }[])
        expect(rows, `step ${row.step}`).toContainEqual(
          expect.arrayContaining([String(row.step), row.loss.toFixed(4)]),
        );
    });

    test('shows exactly the tested TransformerLens snippet', async ({ page }) => {
      await page.goto(`models/${id}/`);
      const shown = await page.getByTestId('snippet').innerText();
      expect(shown.trim()).toBe(
        readFileSync('training/transformer_lens_snippet.py', 'utf8').trim(),
      );
    });

    test('every download resolves, and transformer_lens.pt is the manifest file', async ({
      page,
      request,
    }) => {
      await page.goto(`models/${id}/`);
      const links = page.getByTestId('downloads').locator('a');
      const hrefs = await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      const names = hrefs.map((h) => decodeURIComponent(new URL(h).pathname.split('/').pop()!));
      expect(names).toEqual(
        expect.arrayContaining([
          'transformer_lens.pt',
          'transformer_lens_config.json',
          'weights.safetensors',
          'model.onnx',
          'card.md',
          'tokenizer.json',
        ]),
      );
      for (const href of hrefs) {
        const url = new URL(href);
        expect(url.pathname.startsWith(`${basePath()}models/`), href).toBe(true);
        const response = await request.get(href);
        expect(response.status(), href).toBe(200);
        const rel = url.pathname.slice(`${basePath()}models/`.length);
        const entry = manifest.find((f) => f.path === rel);
        expect(entry, `${rel} is in the manifest`).toBeDefined();
        const body = await response.body();
        expect(body.length, rel).toBe(entry!.bytes);
        if (rel.endsWith('transformer_lens.pt'))
          expect(createHash('sha256').update(body).digest('hex')).toBe(entry!.sha256);
      }
    });
  });
}

// The site-wide page checks of site.spec.ts, for the appendix pages.
for (const path of ['models/', ...ids.map((id) => `models/${id}/`)]) {
  test.describe(`appendix page ${path}`, () => {
    for (const theme of ['light', 'dark'] as const) {
      test(`has no serious or critical accessibility violation, ${theme} theme`, async ({
        page,
      }) => {
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(path);
        await page
          .locator('details')
          .evaluateAll((ds) => ds.forEach((d) => d.setAttribute('open', '')));
        expect(await seriousViolations(page)).toEqual([]);
      });
    }

    test('fits a 375 px wide phone without sideways scrolling', async ({ page }) => {
      await page.setViewportSize({ width: 375, height: 740 });
      await page.goto(path);
      await page
        .locator('details')
        .evaluateAll((ds) => ds.forEach((d) => d.setAttribute('open', '')));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, 'page width').toBeLessThanOrEqual(375);
      expect(await seriousViolations(page)).toEqual([]);
    });

    test('every internal link resolves, under the base path', async ({ page, request }) => {
      await page.goto(path);
      const hrefs = await page
        .locator('a[href]')
        .evaluateAll((as) =>
          as.map((a) => (a as HTMLAnchorElement).href).filter((h) => h.startsWith(location.origin)),
        );
      for (const href of new Set(hrefs.map((h) => h.split('#')[0]))) {
        expect(new URL(href).pathname.startsWith(basePath()), href).toBe(true);
        expect((await request.get(href)).status(), href).toBe(200);
      }
    });
  });
}
