import { readFileSync } from 'node:fs';
import type { Locator, Page, Route } from '@playwright/test';
import { RUN_WAIT_MS } from '../../src/components/kit/use-computation';
import { expect, test } from './fixtures';

/**
 * A figure whose run fails, or never ends, says so (role=alert) with a Retry
 * button, and Retry brings it back live. The figure: chapter 6's "formation",
 * whose run first fetches the chosen training checkpoint's weights
 * (models/attn-only-2l/checkpoints/step-*.safetensors, checked against the
 * manifest's SHA-256) and then runs them through attn-only-2l. Its model and
 * checkpoint index load normally, so the failure is the run's, not the load's
 * (a missing or corrupt model file, the load's failure, is robustness.spec.ts's).
 *
 * On WASM: what fails here is the download, the same on either backend.
 */

test.describe.configure({ timeout: 180_000 });

const CH6 = 'chapters/06-induction-heads/?backend=wasm';
const CHECKPOINTS = '**/models/attn-only-2l/checkpoints/*.safetensors';
/** The figure starts on the last checkpoint of training (read from the shipped index). */
const LAST_STEP: number = JSON.parse(
  readFileSync('public/models/attn-only-2l/checkpoints/index.json', 'utf8'),
).checkpoints.at(-1).step;
const LAST = new RegExp(`step-0*${LAST_STEP}\\.safetensors`);
const LAST_KEY = new RegExp(`^${LAST_STEP}:`);

/** Opens chapter 6 and brings the formation figure on screen; waits for its model and index. */
async function openFormation(page: Page): Promise<Locator> {
  await page.goto(CH6);
  const figure = page.locator('figure.widget[data-widget="formation"]');
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  return figure;
}

/** Retry brings the figure live on the last checkpoint, with no alert left. */
async function retryBringsItLive(figure: Locator) {
  await figure.getByRole('button', { name: 'Retry' }).click();
  await expect(figure.getByTestId('formation-ready')).toHaveAttribute('data-key', LAST_KEY, {
    timeout: 120_000,
  });
  await expect(figure).toHaveAttribute('data-live', 'true', { timeout: 60_000 });
  await expect(figure.getByRole('alert')).toHaveCount(0);
}

test('a checkpoint that arrives corrupt: the figure says which file failed its check, with Retry, and Retry brings it live', async ({
  page,
}) => {
  let corrupt = true;
  const served: string[] = [];
  // The route answers 200 with the bytes changed, so the browser logs no network error: the
  // only thing that can say what went wrong is the figure.
  await page.route(CHECKPOINTS, async (route) => {
    if (!corrupt) return route.continue();
    const res = await route.fetch();
    const body = Buffer.from(await res.body());
    body[body.length - 100] ^= 0xff; // one flipped byte deep in the weights
    served.push(route.request().url());
    await route.fulfill({ response: res, body });
  });
  const figure = await openFormation(page);
  const alert = figure.getByRole('alert');
  await expect(alert).toBeVisible({ timeout: 60_000 });
  expect(
    served.some((u) => LAST.test(u)),
    'the corrupt checkpoint was served',
  ).toBe(true);
  await expect(alert).toContainText(LAST);
  await expect(alert).toContainText(/SHA-256.*does not match/);
  await expect(figure.getByTestId('formation-ready')).toHaveCount(0);
  await expect(figure.getByRole('button', { name: 'Retry' })).toBeVisible();
  corrupt = false;
  await retryBringsItLive(figure);
});

test('a checkpoint download that never ends: within the stated wait the figure says so with Retry, and Retry brings it live', async ({
  page,
}) => {
  // The figure's own wait for a run's result (RUN_WAIT_MS, 60 s). Playwright's clock runs the
  // page's timers at their natural pace and then jumps past the wait, so the test does not sit
  // through it; the held download has no progress to report.
  await page.clock.install();
  const held: Route[] = [];
  let hold = true;
  await page.route(CHECKPOINTS, (route) => {
    if (!hold) return route.continue();
    held.push(route); // never answered while held: a connection that stalls
  });
  const figure = await openFormation(page);
  await expect.poll(() => held.some((r) => LAST.test(r.request().url()))).toBe(true);
  await expect(figure.getByText('Running the model…')).toBeVisible();
  // Everything else on screen has settled: the jump below fires only the stalled run's timers.
  await expect(
    page.locator('astro-island:not([ssr]) figure.widget[data-state="loading"]'),
  ).toHaveCount(0, { timeout: 120_000 });
  await page.clock.runFor(5_000);
  await expect(figure.getByRole('alert'), 'no alert before the stated wait').toHaveCount(0);
  await page.clock.fastForward(RUN_WAIT_MS);
  const alert = figure.getByRole('alert');
  await expect(alert).toBeVisible({ timeout: 30_000 });
  await expect(figure.getByText('Running the model…')).toHaveCount(0);
  hold = false;
  await retryBringsItLive(figure);
  // The stalled download finally ends: its late result changes nothing and logs nothing.
  for (const r of held) await r.continue();
  await page.waitForTimeout(1_000);
  await expect(figure.getByRole('alert')).toHaveCount(0);
  await expect(figure.getByTestId('formation-ready')).toHaveAttribute('data-key', LAST_KEY);
});
