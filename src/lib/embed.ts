/**
 * The embed page in the browser (src/pages/embed/): its link back to the
 * chapter carries the figure's current state (not the reader's `?backend=`),
 * and if the figure is missing from the page the reader is told so, with a
 * link to the book, rather than left with a blank frame.
 */

/** Page options that describe the reader's machine (see kit/figure-link.ts). */
const MACHINE_PARAMS = ['backend', 'threads'];

/** Wires the embed page's back link and its missing-figure message. */
export function startEmbed(): void {
  const back = document.querySelector<HTMLAnchorElement>('[data-embed-back]');
  if (back) {
    const update = () => {
      const target = new URL(back.dataset.embedBack ?? '', window.location.href);
      const params = new URLSearchParams(window.location.search);
      for (const name of MACHINE_PARAMS) params.delete(name);
      target.search = params.toString();
      back.href = target.href;
    };
    update();
    back.addEventListener('pointerdown', update);
    back.addEventListener('focus', update);
  }
  const holder = document.querySelector<HTMLElement>('[data-embed-figure]');
  const id = holder?.dataset.embedFigure;
  if (!id || !document.getElementById(id)) {
    const missing = document.querySelector<HTMLElement>('[data-embed-missing]');
    if (missing) missing.hidden = false;
  }
}
