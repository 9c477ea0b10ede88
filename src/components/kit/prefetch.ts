/**
 * Warms a chapter's figures while the reader reads: once the page has loaded,
 * its fonts are in and the browser is idle, the models the page's figures
 * load (in page order, one at a time) are loaded through the kit's runtime
 * door, with the runtime and the tokenizer. A figure the reader reaches later
 * finds its model ready in the page's registry and is live on arrival. One
 * already on screen is never slowed: nothing starts before the load event
 * (text, styles, fonts and math come first), a model it is loading is shared,
 * not fetched twice, and no other model starts while a figure on screen is
 * still loading (so its downloads have the connection to themselves).
 *
 * Which models: every figure that loads models renders their ids in
 * `data-models` while loading (`Figure`), so the page's HTML names them.
 * Skipped when the reader's browser asks to save data or the connection is
 * 2G, and with `?prefetch=0` in the page URL.
 */
import { loadModels, loadTokenizer } from './runtime';

interface NetworkInformation {
  saveData?: boolean;
  effectiveType?: string;
}

/** The models the page's figures load, in page order, each once. */
export function pageModelIds(root: ParentNode = document): string[] {
  const ids = [...root.querySelectorAll<HTMLElement>('figure.widget[data-models]')].flatMap((f) =>
    (f.dataset.models ?? '').split(/\s+/).filter(Boolean),
  );
  return [...new Set(ids)];
}

/** Whether to warm figures on this visit: not when saving data, on 2G, or with `?prefetch=0`. */
export function shouldPrefetch(
  search = location.search,
  connection = (navigator as Navigator & { connection?: NetworkInformation }).connection,
): boolean {
  if (new URLSearchParams(search).get('prefetch') === '0') return false;
  if (connection?.saveData) return false;
  return !/(^|-)2g$/.test(connection?.effectiveType ?? '');
}

const afterLoad = () =>
  new Promise<void>((resolve) => {
    if (document.readyState === 'complete') resolve();
    else window.addEventListener('load', () => resolve(), { once: true });
  });

/**
 * A hydrated figure still loading, or with a run in flight (Figure.tsx's
 * PENDING_SELECTOR): its first run on WebGPU compiles shaders for seconds
 * after its model is in, and a warm-up step would queue behind it or slow it.
 */
const BUSY_FIGURE = [
  'astro-island:not([ssr]) figure.widget[data-state="loading"]',
  'astro-island:not([ssr]) figure.widget [data-pending="true"]',
  'astro-island:not([ssr]) figure.widget [aria-busy="true"]',
].join(', ');

/** Resolves once no figure that has come on screen (hydrated) is loading or running. */
const figuresSettled = () =>
  new Promise<void>((resolve) => {
    const loading = () => document.querySelector(BUSY_FIGURE);
    const check = () => (loading() ? setTimeout(check, 250) : resolve());
    check();
  });

/** How long the reader must have stopped scrolling before a warm-up step starts. */
const SCROLL_QUIET_MS = 1000;
let lastScroll = -Infinity;

/**
 * Resolves once the reader has not scrolled for SCROLL_QUIET_MS: compiling
 * the runtime is a long task on the main thread, and a skimming reader
 * should not feel it as a stutter.
 */
const scrollQuiet = () =>
  new Promise<void>((resolve) => {
    const check = () => {
      const wait = lastScroll + SCROLL_QUIET_MS - performance.now();
      if (wait <= 0) resolve();
      else setTimeout(check, wait);
    };
    check();
  });

const idle = () =>
  new Promise<void>((resolve) => {
    if ('requestIdleCallback' in window) requestIdleCallback(() => resolve(), { timeout: 2000 });
    else setTimeout(resolve, 200);
  });

/**
 * Starts warming the page's models after load, fonts and an idle moment,
 * each step once the reader has stopped scrolling for a second.
 * Resolves when every one is loaded or has failed (a figure that needs a
 * failed one reports the error itself, with Retry).
 */
export async function warmPageModels(): Promise<void> {
  if (!shouldPrefetch()) return;
  const ids = pageModelIds();
  if (ids.length === 0) return;
  addEventListener('scroll', () => (lastScroll = performance.now()), { passive: true });
  await afterLoad();
  await document.fonts?.ready;
  await idle();
  await scrollQuiet();
  await loadTokenizer().catch(() => undefined);
  for (const id of ids) {
    // Each step waits for the figures on screen: their own loads and first runs come first.
    await figuresSettled();
    await scrollQuiet();
    await loadModels([id]).catch(() => undefined);
  }
}
