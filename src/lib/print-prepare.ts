/**
 * Printing a chapter with every figure computed (issue 18, item 5).
 *
 * Figures load when they scroll into view, so a chapter printed on opening
 * would print "Loading the models…" for most of them. "Print this chapter"
 * (and Ctrl/⌘+P, which it catches) first asks every figure to load
 * (src/lib/figure-directive.ts), says how many are computed while it waits,
 * and prints once all of them are live (`data-live`, kit/Figure.tsx) or have
 * failed. A print started otherwise (the browser's menu) cannot wait: the
 * figures not yet computed print a note saying how to print them computed,
 * never "Loading", and start loading for the next print.
 *
 * `<html data-print>` says where this stands: `preparing`, `ready`, or
 * `unprepared` (a print that could not wait). src/lib/print-control.ts wires
 * the control and the shortcuts.
 */

import { hydrateAll } from './figure-directive';

/** How long preparing waits for the slowest figure before printing anyway. */
export const PREPARE_TIMEOUT_MS = 10 * 60_000;

/** Text that only makes sense on screen: "hover or focus…" hints. */
const HINT = /\bhover\b[^.]*\b(focus|arrow keys)\b/i;

/** The islands (figures and exercise sets) of the chapter's text. */
export function islands(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('.prose astro-island')].filter(
    (island) => !island.parentElement?.closest('astro-island'),
  );
}

/** True when every figure frame in `island` shows its computed result or its error. */
export function settled(island: HTMLElement): boolean {
  const frames = [...island.querySelectorAll<HTMLElement>('figure.widget')];
  return (
    !island.hasAttribute('ssr') &&
    frames.length > 0 &&
    frames.every((f) => f.dataset.state === 'error' || f.dataset.live === 'true')
  );
}

/** Marks on-screen-only hints (`data-print-hint`) so the print stylesheet leaves them out. */
export function markHints(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('.widget [aria-live], .widget p')) {
    if (el.children.length === 0 && HINT.test(el.textContent ?? '')) el.dataset.printHint = '';
    else delete el.dataset.printHint;
  }
}

/**
 * Loads and runs every figure of the page, reporting `(computed, total)` as
 * they settle; resolves true when all have, false on timeout.
 */
export function prepareFigures(
  report: (done: number, total: number) => void,
  timeoutMs = PREPARE_TIMEOUT_MS,
): Promise<boolean> {
  hydrateAll();
  const started = performance.now();
  return new Promise((resolve) => {
    const check = () => {
      const all = islands(document);
      const done = all.filter(settled).length;
      report(done, all.length);
      if (done === all.length) resolve(true);
      else if (performance.now() - started > timeoutMs) resolve(false);
      else setTimeout(check, 250);
    };
    check();
  });
}

/**
 * Prepares the page and prints (the chapter's "Print this chapter",
 * src/lib/print-control.ts): `status` says how many figures are
 * computed while it waits. One run at a time.
 */
export async function prepareAndPrint(
  button: HTMLButtonElement,
  status: HTMLElement,
): Promise<void> {
  const html = document.documentElement;
  if (html.dataset.print === 'preparing') return;
  html.dataset.print = 'preparing';
  button.disabled = true;
  const all = await prepareFigures((done, total) => {
    status.textContent = `Preparing for printing: ${done} of ${total} figures computed…`;
  });
  markHints(document);
  html.dataset.print = 'ready';
  button.disabled = false;
  status.textContent = all
    ? 'Every figure is computed: printing.'
    : 'Some figures are still computing; they print with a note.';
  window.print();
}
