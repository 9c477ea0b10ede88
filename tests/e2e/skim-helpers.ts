import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/**
 * What skim.spec.ts and recovery.spec.ts share: skimming a chapter fast (so
 * several figures hydrate and load within a second of each other, as a reader
 * skimming does), starting figures in a seeded random order, and waiting
 * until every figure on the page shows a live result.
 */

/** The book's chapters (chapters/<slug>/). */
export const CHAPTERS = [
  '01-transformers',
  '02-residual-stream',
  '03-privileged-bases',
  '04-virtual-weights',
  '05-attention-heads',
  '06-induction-heads',
] as const;
export type Chapter = (typeof CHAPTERS)[number];
export type Backend = 'webgpu' | 'wasm';

/** The badge text a figure on each backend shows (see components/kit/use-models.ts, combinedBadge). */
export const BADGE: Record<Backend, string> = { webgpu: 'WebGPU', wasm: 'WASM' };

/** The slowest skim the tests accept, in px/s: a reader skimming does ~3,000. */
export const MIN_SKIM_SPEED = 5_000;

/** What a skim did: distance scrolled, how long it took and the speed that makes. */
export interface Skim {
  px: number;
  ms: number;
  pxPerS: number;
  frames: number;
  /** The longest time between two animation frames (the page busy hydrating, compiling...). */
  longestFrameMs: number;
}

/**
 * Scrolls the page from the top to the bottom at `pxPerS`, one step an
 * animation frame: each step the distance still owed at that speed (~100 px
 * at 60 frames a second), but never more than 90% of the viewport, so every
 * figure is on screen in some rendered frame (where `client:visible` sees it)
 * even after a long frame; the skim catches up over the next frames. The
 * page grows while figures render, so the skim ends where the page ends when
 * it gets there. The speed is the distance the skim scrolled itself (not
 * Chromium's scroll anchoring, which moves the page as figures above change
 * height) over the time it took.
 */
export async function skim(page: Page, pxPerS = 9_000): Promise<Skim> {
  return page.evaluate(async (speed) => {
    window.scrollTo({ top: 0, behavior: 'instant' });
    const bottom = () => document.documentElement.scrollHeight - window.innerHeight;
    const cap = Math.round(window.innerHeight * 0.9);
    const frame = () =>
      new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())));
    const t0 = await frame();
    let last = t0;
    let travelled = 0;
    let frames = 0;
    let longestFrameMs = 0;
    while (window.scrollY < bottom() - 1) {
      const now = await frame();
      longestFrameMs = Math.max(longestFrameMs, now - last);
      last = now;
      const owed = (speed * (now - t0)) / 1000 - travelled;
      const before = window.scrollY;
      window.scrollBy({ top: Math.max(1, Math.min(cap, Math.round(owed))), behavior: 'instant' });
      travelled += window.scrollY - before;
      frames++;
    }
    const ms = last - t0;
    return { px: travelled, ms, pxPerS: (travelled / ms) * 1000, frames, longestFrameMs };
  }, pxPerS);
}

/** The runtime's seeded PRNG (mulberry32): the same seed gives the same order on every run. */
export { mulberry32 as prng } from '../../src/model/random';

/** A seeded random permutation of 0..n-1 (Fisher–Yates). */
export function shuffled(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Brings the page's figures on screen in `order` (indices into the page's
 * `figure.widget`s), each without waiting for the one before to load: the
 * next comes `gaps[i]` ms later. Runs in the page, so the timing does not
 * depend on round trips to the test; resolves when the last is on screen.
 */
export async function startInOrder(page: Page, order: number[], gaps: number[]): Promise<void> {
  await page.evaluate(
    async ({ order, gaps }) => {
      const figures = [...document.querySelectorAll('figure.widget')];
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      for (const [k, i] of order.entries()) {
        figures[i].scrollIntoView({ block: 'center', behavior: 'instant' });
        // On screen for at least one rendered frame, as for any reader: a figure
        // (client:visible) starts when the browser has seen it on screen, and a
        // jump away before the next frame would mean it was never seen.
        await frame();
        await frame();
        if (k < order.length - 1) await new Promise((r) => setTimeout(r, gaps[k]));
      }
    },
    { order, gaps },
  );
}

/** One figure's state, as a line for messages: `name: state[ live][ alert: text]`. */
export interface FigureState {
  widget: string;
  state: string;
  live: boolean;
  /** The backend badge's label ("WebGPU", "WASM"), without the reason; '' without a badge. */
  badge: string;
  /** The badge's reason (its title), if any. */
  reason: string;
  /** The figure's notice that WebGPU failed and it moved to WASM (`.widget-notice`), if any. */
  notice: string;
  /** Text of any role=alert inside the figure. */
  alert: string;
  /** Text of the figure's run line while a run is pending ("Running the model…"). */
  pending: string;
}

/** The state of every `figure.widget` on the page, in page order. */
export function figureStates(page: Page): Promise<FigureState[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('figure.widget')].map((f) => {
      const badge = f.querySelector('.widget-badge');
      return {
        widget: f.dataset.widget ?? '?',
        state: f.dataset.state ?? '?',
        live: f.dataset.live === 'true',
        badge: (badge?.firstChild?.textContent ?? '').trim(),
        reason: badge?.getAttribute('title') ?? '',
        notice: (f.querySelector('.widget-notice')?.textContent ?? '').trim(),
        alert: [...f.querySelectorAll('[role="alert"]')]
          .map((a) => (a.textContent ?? '').trim())
          .join(' | '),
        pending: [...f.querySelectorAll('[data-pending="true"], [aria-busy="true"]')]
          .map((a) => (a.textContent ?? '').trim())
          .join(' | '),
      };
    }),
  );
}

/** `name: live` for a live figure with no alert, else what it is doing instead. */
export function describe(s: FigureState): string {
  if (s.live && !s.alert) return `${s.widget}: live`;
  const parts = [`${s.widget}: ${s.state}${s.live ? ' live' : ''}`];
  if (s.alert) parts.push(`alert "${s.alert.slice(0, 200)}"`);
  if (s.pending) parts.push(`pending "${s.pending.slice(0, 80)}"`);
  if (s.badge) parts.push(`badge ${s.badge}${s.reason ? ` (${s.reason})` : ''}`);
  if (s.notice) parts.push(`notice "${s.notice}"`);
  return parts.join(', ');
}

/**
 * Waits until every figure on the page is live (ready, showing the result for
 * what is on screen, no run in flight) with no alert in it, and still is half
 * a second later (a figure between two runs is live for a frame). Fails with
 * every figure's state when `timeout` passes first. Returns the states.
 */
export async function expectAllLive(page: Page, timeout: number): Promise<FigureState[]> {
  const n = await page.locator('figure.widget').count();
  expect(n, 'figures on the page').toBeGreaterThan(0);
  const settled = async () => (await figureStates(page)).map(describe);
  const allLive = async () => (await figureStates(page)).map((s) => `${s.widget}: live`);
  const want = await allLive();
  await expect.poll(settled, { timeout, intervals: [250] }).toEqual(want);
  await page.waitForTimeout(500);
  expect(await settled(), 'every figure still live half a second later').toEqual(want);
  return figureStates(page);
}

/**
 * Asserts every figure that shows a backend badge shows `backend`'s and no
 * notice that it moved to WASM (the runtime moves a figure to WASM when
 * WebGPU crashes, hangs or loses its device; on a page forced to WebGPU that
 * hides the crash this suite is about, so it fails the test).
 */
export function expectBadges(states: FigureState[], backend: Backend): void {
  const badged = states.filter((s) => s.badge !== '');
  expect(badged.length, 'figures with a backend badge').toBeGreaterThan(0);
  const want = BADGE[backend];
  // The label may say more ("WASM (4 threads)"); the reason and any notice of a move to WASM
  // are shown only where the figure is not simply on `want`.
  expect(
    badged.map((s) =>
      s.badge.startsWith(want) && !s.notice
        ? `${s.widget}: ${want}`
        : `${s.widget}: ${s.badge}${s.reason ? ` (${s.reason})` : ''}${s.notice ? ` notice "${s.notice}"` : ''}`,
    ),
    `every badge says ${want}: no figure fell back`,
  ).toEqual(badged.map((s) => `${s.widget}: ${want}`));
}

/** The prompt box of figure `widget`. */
export function promptBox(page: Page, widget: string): Locator {
  return page.locator(`figure.widget[data-widget="${widget}"] .kit-prompt textarea`).first();
}

/**
 * Types `text` into `box` one character every `delayMs`, as the reader's
 * keystrokes would (each an `input` event with the text so far), from inside
 * the page: a real keystroke also scrolls the box back into view (the caret
 * must be visible), which would undo the scrolls that bring the other figures
 * on screen while the reader types.
 */
export function typeInPage(box: Locator, text: string, delayMs = 60): Promise<void> {
  return box.evaluate(
    async (el: HTMLTextAreaElement, { text, delayMs }) => {
      const setValue = Object.getOwnPropertyDescriptor(
        HTMLTextAreaElement.prototype,
        'value',
      )!.set!;
      for (let i = 1; i <= text.length; i++) {
        setValue.call(el, text.slice(0, i));
        el.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => setTimeout(r, delayMs));
      }
    },
    { text, delayMs },
  );
}
