import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { e2eOutDir } from '../../playwright.config';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { expect, test } from './fixtures';
import {
  CHAPTERS,
  MIN_SKIM_SPEED,
  expectAllLive,
  expectBadges,
  figureStates,
  prng,
  promptBox,
  shuffled,
  skim,
  startInOrder,
  typeInPage,
  type Backend,
  type Chapter,
} from './skim-helpers';

/**
 * A reader skimming: every chapter scrolled top to bottom at ≥ 5,000 px/s
 * (a reader skimming does ~3,000), so several figures hydrate and load their
 * models within a second of each other, then its figures started in seeded
 * random orders while the reader types into a prompt box. On WebGPU and on
 * WASM, every figure must go live (ready, showing the result for what is on
 * screen, no run in flight), with no error in any figure and none in the
 * console (the fixture fails the test on any console error or uncaught
 * exception), and on WebGPU no figure may have fallen back to WASM.
 *
 * The other specs bring figures on screen one at a time and wait for each:
 * they never load two models at once, which is what a reader skimming does.
 */

/**
 * How long after the skim (or after the figures were started) every figure of
 * a chapter may take to go live. Measured on a 2-core machine like CI's, one
 * worker, on the fixed runtime: on WASM every chapter is live 1–4 s after a
 * skim; on WebGPU (SwiftShader, which compiles shaders on the CPU for every
 * new shape) 8–11 s for chapters 1–5 and ~25 s for chapter 6 (seven
 * figures, two models), and ~24 s for chapter 6 started in a random order
 * while typing. 90 s is over three times the slowest, and past the figures'
 * own waits (a run with no result, or a load with no progress, for 60 s
 * shows an error with Retry: src/components/kit/use-computation.ts and
 * use-loader.ts), so a hung figure shows up here as an error, not as a slow one.
 */
const LIVE_WITHIN = 90_000;

/** Every test here does a skim and up to two cold starts of a chapter's figures. */
test.describe.configure({ timeout: 3 * LIVE_WITHIN + 30_000 });

/** The first figure of each chapter with a prompt box: the one the reader types into. */
const TYPED: Record<Chapter, string> = {
  '01-transformers': 'ch1-predictions',
  '02-residual-stream': 'ch2-dla',
  '03-privileged-bases': 'rotate-residual',
  '04-virtual-weights': 'read-write',
  '05-attention-heads': 'attention-explorer',
  '06-induction-heads': 'own-text',
};
/** What the reader types: a few words, replacing the figure's default prompt. */
const TYPED_TEXT = 'The old man went to the river and';

/** The chapters with several models on the page, where overlapping loads crashed WebGPU. */
const MULTI_MODEL: Chapter[] = ['03-privileged-bases', '05-attention-heads', '06-induction-heads'];

/** The tokenizer the site serves, run in Node: an independent check of what the figure shows. */
const tokenizer = tokenizerFromJson(
  JSON.parse(readFileSync(`${e2eOutDir}/models/tokenizer.json`, 'utf8')) as TokenizerJson,
);

const url = (chapter: Chapter, backend: Backend) => `chapters/${chapter}/?backend=${backend}`;

/** Notes a measurement in the test report. */
function note(type: string, description: string) {
  test.info().annotations.push({ type, description });
}

/** Skims the open page top to bottom at ≥ MIN_SKIM_SPEED and waits for every figure to go live. */
async function skimToLive(page: Page, backend: Backend) {
  const s = await skim(page);
  note(
    'skim',
    `${Math.round(s.px)} px in ${Math.round(s.ms)} ms: ${Math.round(s.pxPerS)} px/s, ${s.frames} frames, longest ${Math.round(s.longestFrameMs)} ms`,
  );
  expect(s.pxPerS, 'skim speed (px/s)').toBeGreaterThanOrEqual(MIN_SKIM_SPEED);
  const t0 = Date.now();
  const states = await expectAllLive(page, LIVE_WITHIN);
  note('skim → all live', `${states.length} figures live ${Date.now() - t0} ms after the skim`);
  if (backend === 'webgpu') expectBadges(states, backend);
}

/**
 * A reader who starts with the chapter's prompt box and types while the rest
 * of the chapter loads: brings the figure with the prompt box on screen, and
 * as soon as its box is there types TYPED_TEXT into it (so that figure runs
 * the model again and again) while the other figures come on screen in a
 * random order from `seed`, each without waiting for the one before (the
 * next 100–300 ms later), so they load their models while the typed figure
 * runs. Then waits for every figure to go live and checks that the typed
 * figure shows the typed prompt: the box holds it, and its token strip shows
 * its tokens (as the Node tokenizer splits it).
 */
async function randomOrderWhileTyping(
  page: Page,
  chapter: Chapter,
  backend: Backend,
  seed: number,
) {
  const random = prng(seed);
  const names = (await figureStates(page)).map((s) => s.widget);
  const typed = names.indexOf(TYPED[chapter]);
  expect(typed, `${chapter} has the figure ${TYPED[chapter]}`).toBeGreaterThanOrEqual(0);
  const rest = shuffled(names.length - 1, random).map((i) => (i >= typed ? i + 1 : i));
  const gaps = rest.map(() => 100 + Math.floor(random() * 201));
  note(
    `order (seed ${seed})`,
    [typed, ...rest].map((i, k) => `${names[i]}${k ? ` +${gaps[k - 1]} ms` : ''}`).join(' → '),
  );
  const box = promptBox(page, TYPED[chapter]);
  const t0 = Date.now();
  await startInOrder(page, [typed], []);
  await box.waitFor({ timeout: LIVE_WITHIN });
  note('prompt box there', `${Date.now() - t0} ms after its figure came on screen`);
  await Promise.all([typeInPage(box, TYPED_TEXT, 60), startInOrder(page, rest, gaps)]);
  const states = await expectAllLive(page, LIVE_WITHIN);
  note(`seed ${seed} → all live`, `${Date.now() - t0} ms after the first figure came on screen`);
  if (backend === 'webgpu') expectBadges(states, backend);
  await expect(box).toHaveValue(TYPED_TEXT);
  const shown = await page
    .locator(`figure.widget[data-widget="${TYPED[chapter]}"] .kit-tokens`)
    .first()
    .locator('.kit-token-text')
    .allTextContents();
  expect(shown, `${TYPED[chapter]} shows the tokens of the typed prompt`).toEqual(
    tokenizer.tokenStrings(tokenizer.encode(TYPED_TEXT)),
  );
}

for (const backend of ['webgpu', 'wasm'] as const) {
  for (const [k, chapter] of CHAPTERS.entries()) {
    test(`${chapter} on ${backend}: skimmed at ≥ ${MIN_SKIM_SPEED} px/s every figure goes live, and again started in a random order while typing`, async ({
      page,
    }) => {
      await page.goto(url(chapter, backend));
      await skimToLive(page, backend);
      await page.goto(url(chapter, backend));
      await randomOrderWhileTyping(page, chapter, backend, 1 + k);
    });
  }
}

// More orders where several models share the page: each starts the figures cold.
for (const chapter of MULTI_MODEL) {
  for (const seed of [101, 202]) {
    test(`${chapter} on webgpu: figures started in random order ${seed} while typing all go live`, async ({
      page,
    }) => {
      await page.goto(url(chapter, 'webgpu'));
      await randomOrderWhileTyping(page, chapter, 'webgpu', seed);
    });
  }
}

test('leaving chapters while their models load logs no error, and the next chapter goes live on WebGPU by default', async ({
  page,
}) => {
  // Mid-skim, with the figures just on screen hydrating and fetching ORT and their models, the
  // reader follows a link to the next page: chapter 5 on WebGPU, then chapter 6 on WASM, then
  // chapter 3 without `?backend=` (WebGPU first, as a reader gets it).
  await page.goto(url('05-attention-heads', 'webgpu'));
  for (const next of [url('06-induction-heads', 'wasm'), 'chapters/03-privileged-bases/']) {
    const leaving = new URL(page.url()).pathname;
    // The skim's evaluate ends with the page it runs in.
    const skimming = skim(page).catch(() => undefined);
    await page.waitForTimeout(1_000);
    const loading = (await figureStates(page)).filter((s) => !s.live).length;
    expect(loading, `${leaving}: figures still loading when the reader leaves`).toBeGreaterThan(0);
    note('left mid-load', `${leaving}: ${loading} figures not live yet`);
    await page.goto(next);
    await skimming;
  }
  // Every figure goes live on WebGPU: no fallback, so no "WebGPU session failed ...; running on
  // WASM" in any badge.
  await skimToLive(page, 'webgpu');
});
