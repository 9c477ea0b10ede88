/** The part of Pagefind's default UI this page uses (from `pagefind-ui.js`). */
interface PagefindUIInstance {
  triggerSearch(term: string): void;
}

interface PagefindUIOptions {
  element: HTMLElement;
  bundlePath: string;
  baseUrl: string;
  showSubResults: boolean;
  showImages: boolean;
  autofocus: boolean;
}

declare global {
  interface Window {
    PagefindUI?: new (options: PagefindUIOptions) => PagefindUIInstance;
  }
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

function loadStylesheet(href: string): void {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  document.head.append(link);
}

/**
 * Replaces `root`'s content with Pagefind's search UI, loaded from
 * `<base>pagefind/`, and runs the query in the page's `?q=` if there is one.
 * Result links get `base` prepended (Pagefind indexes root-relative paths).
 * If the index is missing (as in `npm run dev`, which does not build it),
 * `root` says so instead of failing silently.
 */
export async function mountSearch(root: HTMLElement, base: string): Promise<void> {
  const bundlePath = `${base}pagefind/`;
  try {
    loadStylesheet(`${bundlePath}pagefind-ui.css`);
    await loadScript(`${bundlePath}pagefind-ui.js`);
    const PagefindUI = window.PagefindUI;
    if (!PagefindUI) throw new Error('pagefind-ui.js loaded but defined no PagefindUI');
    root.replaceChildren();
    const ui = new PagefindUI({
      element: root,
      bundlePath,
      baseUrl: new URL(base, window.location.href).pathname,
      showSubResults: true,
      showImages: false,
      autofocus: true,
    });
    // Pagefind's input has only a placeholder; give it an accessible name.
    root.querySelector('input')?.setAttribute('aria-label', 'Search the book');
    const query = new URLSearchParams(window.location.search).get('q');
    if (query) ui.triggerSearch(query);
  } catch (error) {
    const message = document.createElement('p');
    message.className = 'search-status';
    message.setAttribute('role', 'alert');
    message.textContent =
      `Search is not available: ${(error as Error).message}. ` +
      'The index is made by `npm run build`; `npm run dev` does not make it.';
    root.replaceChildren(message);
  }
}
