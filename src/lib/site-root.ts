/**
 * Where the book is served, found at run time so one build works under any
 * path of any static server (issue 8): every page's `<html data-root>` holds
 * the path from the page back to the book's root (`./`, `../`, `../../`),
 * written at build time by the layout. Resolved against the page's own URL it
 * gives the root, e.g. `https://uni.example/courses/mi/book/`.
 *
 * Outside a page (Node, unit tests) it is `/`. (Vite's `BASE_URL` is never
 * used in the browser: in a build it is a placeholder, see astro.config.mjs.)
 */
export function siteRoot(): string {
  if (typeof document === 'undefined') return '/';
  return new URL(document.documentElement.dataset.root ?? '/', document.baseURI).href;
}

/** A URL under the book's root: `siteUrl('models/tokenizer.json')`. */
export function siteUrl(path: string): string {
  const relative = path.replace(/^\/+/, '');
  if (typeof document === 'undefined') return '/' + relative;
  return new URL(relative, siteRoot()).href;
}

/**
 * The `data-root` value for a page at `pathname` in a site built for `base`
 * (both from Astro: `Astro.url.pathname`, `import.meta.env.BASE_URL`): one
 * `../` per folder below the root. Pages are folders (`trailingSlash:
 * 'always'`), so `chapters/x/` is two levels down; a file page such as
 * `404.html` sits at the root.
 */
export function relativeRoot(pathname: string, base: string): string {
  const below = pathname.startsWith(base) ? pathname.slice(base.length) : pathname;
  const depth = below.split('/').length - 1;
  return depth <= 0 ? './' : '../'.repeat(depth);
}
