/**
 * Permalinks on headings: every h2-h4 of a chapter gets a visible `#` link to
 * itself, so a reader can copy the address of a section.
 *
 * The link sits *beside* the heading, not inside it: a screen reader reads
 * the heading as its text alone (no trailing "link, #"), the contents list
 * and the search index see the same text, and the link has a name of its own
 * ("Link to section “…”") for keyboard and screen-reader users who reach it.
 * The `#` itself is hidden from assistive technology.
 *
 * `rehypeHeadingAnchors` is a rehype plugin for the chapters (astro.config.mjs);
 * `.astro` pages use the `AnchoredHeading` component, which renders the same
 * markup from `anchorLabel` below.
 */
import { rehypeHeadingIds } from '@astrojs/markdown-remark';
import type { Element, ElementContent, Root, RootContent } from 'hast';
import type { VFile } from 'vfile';

/** The accessible name of the permalink beside the heading `text`. */
export function anchorLabel(text: string): string {
  return `Link to section “${text.trim()}”`;
}

const LEVELS = new Set(['h2', 'h3', 'h4']);

function wrap(heading: Element, text: string): Element {
  const id = String(heading.properties.id);
  const anchor: Element = {
    type: 'element',
    tagName: 'a',
    properties: { className: ['heading-anchor'], href: `#${id}`, dataPagefindIgnore: '' },
    children: [
      {
        type: 'element',
        tagName: 'span',
        properties: { ariaHidden: 'true' },
        children: [{ type: 'text', value: '#' }],
      },
      {
        type: 'element',
        tagName: 'span',
        properties: { className: ['visually-hidden'] },
        children: [{ type: 'text', value: anchorLabel(text) }],
      },
    ],
  };
  return {
    type: 'element',
    tagName: 'div',
    properties: { className: ['heading-wrapper', `heading-wrapper-${heading.tagName}`] },
    children: [heading, anchor],
  };
}

/**
 * Wraps each h2-h4 in a `div.heading-wrapper` with its permalink. Runs
 * Astro's own `rehypeHeadingIds` first, so the ids (and the heading texts the
 * contents list uses) are exactly Astro's; Astro's later pass keeps them.
 */
export function rehypeHeadingAnchors() {
  // Astro's plugin is a plain (tree, file) transformer; its declared type is
  // unified's generic one.
  const assignIds = rehypeHeadingIds() as unknown as (tree: Root, file: VFile) => void;
  return (tree: Root, file: VFile) => {
    assignIds(tree, file);
    const headings =
      (file.data as { astro?: { headings?: { slug: string; text: string }[] } }).astro?.headings ??
      [];
    const textOf = new Map(headings.map((h) => [h.slug, h.text]));
    const visit = (parent: Root | Element) => {
      parent.children = parent.children.map((child: RootContent | ElementContent) => {
        if (child.type !== 'element') return child;
        const id = child.properties.id;
        if (LEVELS.has(child.tagName) && typeof id === 'string' && textOf.has(id))
          return wrap(child, textOf.get(id)!);
        visit(child);
        return child;
      }) as typeof parent.children;
    };
    visit(tree);
  };
}
