/**
 * What an embed page (src/pages/embed/) keeps of its chapter: the figure's
 * slot and nothing else of the text (issue 18, item 2). The chapter is
 * rendered as usual and cut here, so the figure is exactly the chapter's
 * (its number, its island, its props), and the page weighs the figure, not
 * the chapter.
 */

/** `<div class="figure-slot" id="fig-…"`: how remarkFigureNumbers opens a slot (figure-numbers.ts). */
function slotStart(html: string, anchor: string): number {
  return html.indexOf(`<div class="figure-slot" id="${anchor}"`);
}

/** The index just past the `</div>` that closes the `<div` opened at `start`. */
function divEnd(html: string, start: number): number {
  const tags = /<div\b|<\/div>/g;
  tags.lastIndex = start;
  let depth = 0;
  for (let m = tags.exec(html); m; m = tags.exec(html)) {
    depth += m[0] === '</div>' ? -1 : 1;
    if (depth === 0) return m.index + m[0].length;
  }
  throw new Error(`figure slot at ${start} is never closed (${html.length} characters)`);
}

/**
 * From a chapter's rendered HTML, the slot of figure `anchor` and, before
 * it, every inline `<script>` and `<style>` of the rest (what Astro writes
 * once a page, where the first island is: the `<astro-island>` element, its
 * `display: contents` and the hydration directives, which this figure needs
 * to hydrate and lay out). `undefined` if the chapter has no such figure.
 */
export function figureOnly(html: string, anchor: string): string | undefined {
  const start = slotStart(html, anchor);
  if (start < 0) return undefined;
  const end = divEnd(html, start);
  const rest = html.slice(0, start) + html.slice(end);
  const scripts = [...rest.matchAll(/<(script|style)>[\s\S]*?<\/\1>/g)].map((m) => m[0]);
  return scripts.join('') + html.slice(start, end);
}
