/**
 * Addresses of one figure (issue 18): the chapter's page with the figure's
 * state (the query string every widget writes, see url-state.ts) and its
 * anchor. Pure functions of strings, so they are tested without a browser.
 */

/**
 * Page options that describe the reader's machine, not the figure: a link
 * should not force WASM on a colleague with a GPU, or a thread count on a
 * browser without cross-origin isolation.
 */
export const MACHINE_PARAMS: readonly string[] = ['backend', 'threads'];

/**
 * The link to the figure with anchor `anchor` on the page at `href`, keeping
 * its state. `?backend=` and `?threads=` are dropped unless `keepMachine`
 * (the reader chose to pass them on); every other parameter stays, so the
 * figure opens exactly as the reader sees it.
 *
 * Identity kept: the state parameters of the result equal those of `href`.
 */
export function figureLink(href: string, anchor: string, keepMachine = false): string {
  const url = new URL(href);
  if (!keepMachine) for (const name of MACHINE_PARAMS) url.searchParams.delete(name);
  url.hash = anchor;
  return url.href;
}

/** True when `href` forces a backend or thread count (which `figureLink` drops). */
export function hasMachineParams(href: string): boolean {
  const params = new URL(href).searchParams;
  return MACHINE_PARAMS.some((name) => params.has(name));
}

/**
 * The embed page of the figure with anchor `anchor` (`fig-own-text` →
 * `embed/own-text/`), under the book's root `root`, with the state of the
 * page at `href` (less the machine options).
 */
export function embedLink(href: string, root: string, anchor: string): string {
  const url = new URL(`embed/${anchor.replace(/^fig-/, '')}/`, root);
  const params = new URL(href).searchParams;
  for (const name of MACHINE_PARAMS) params.delete(name);
  url.search = params.toString();
  return url.href;
}

/** Text with `&`, `<`, `>` and `"` escaped for an HTML attribute. */
function attribute(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
}

/**
 * The `<iframe>` a course page pastes to show the figure at `src`, `height`
 * px tall. It allows copying (the figure's Copy buttons) and full screen
 * (its presenter view; without it the figure fills only the frame).
 */
export function embedCode(src: string, title: string, height: number): string {
  return `<iframe src="${attribute(src)}" title="${attribute(title)}" width="100%" height="${Math.round(height)}" style="border: 0" loading="lazy" allow="clipboard-write; fullscreen"></iframe>`;
}
