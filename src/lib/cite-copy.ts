/**
 * The chapter's "Cite" block in the browser: fills each BibTeX `url` field
 * with the address the book is read at (the build cannot know it: one build
 * is hosted under many addresses), and wires the Copy buttons. Without
 * JavaScript the entries stay readable and selectable, with the path under
 * the book's root as their url.
 */
import { siteRoot } from './site-root';

/** Copies `text`; where the Clipboard API is missing (plain http) selects `pre` instead. */
async function copy(text: string, pre: HTMLElement): Promise<'copied' | 'selected'> {
  try {
    await navigator.clipboard.writeText(text);
    return 'copied';
  } catch {
    // No clipboard (insecure context, or an iframe without clipboard-write):
    // select the entry so the reader's own copy shortcut takes it.
    const range = document.createRange();
    range.selectNodeContents(pre);
    const selection = getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    pre.focus();
    return 'selected';
  }
}

/** Starts every `[data-bibtex]` block inside `root`. */
export function startCitations(root: ParentNode = document): void {
  for (const field of root.querySelectorAll<HTMLElement>('[data-cite-url]')) {
    field.textContent = new URL(field.dataset.citeUrl ?? '', siteRoot()).href;
  }
  for (const block of root.querySelectorAll<HTMLElement>('[data-bibtex]')) {
    const pre = block.querySelector<HTMLElement>('pre');
    const button = block.querySelector<HTMLButtonElement>('button[data-copy]');
    const status = block.querySelector<HTMLElement>('[data-copy-status]');
    if (!pre || !button || !status) continue;
    button.hidden = false;
    button.addEventListener('click', async () => {
      const result = await copy(pre.textContent ?? '', pre);
      status.textContent =
        result === 'copied' ? 'Copied.' : 'Selected: press Ctrl+C (⌘C on a Mac) to copy.';
    });
  }
}
