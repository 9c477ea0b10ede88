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
