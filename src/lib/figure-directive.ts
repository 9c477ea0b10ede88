/**
 * `client:figure`, the hydration directive of a chapter's figures (the
 * chapter build gives it to every island, src/lib/figure-numbers.ts): like
 * `client:visible`, a figure loads when it scrolls into view; and every
 * figure loads at once when the page asks for all of them, which printing
 * does (src/lib/print-prepare.ts) so that no figure prints "Loading…".
 */
import type { ClientDirective } from 'astro';

/** The event on `document` that hydrates every figure not yet on screen. */
export const HYDRATE_ALL_EVENT = 'circuits:hydrate-all';

/** Asks every figure of the page to load now, including those whose script runs later. */
export function hydrateAll(): void {
  document.documentElement.dataset.hydrateAll = 'true';
  document.dispatchEvent(new Event(HYDRATE_ALL_EVENT));
}

const figureDirective: ClientDirective = (load, _options, el) => {
  let started = false;
  const start = async () => {
    if (started) return;
    started = true;
    observer.disconnect();
    document.removeEventListener(HYDRATE_ALL_EVENT, start);
    const hydrate = await load();
    await hydrate();
  };
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) void start();
  });
  for (const child of el.children) observer.observe(child);
  document.addEventListener(HYDRATE_ALL_EVENT, start);
  // The page may have asked before this island's script ran.
  if (document.documentElement.dataset.hydrateAll === 'true') void start();
};

export default figureDirective;
