/**
 * Numbered, linkable figures (issue 18): every live figure of a chapter gets
 * a number ("Figure 6.3", from its order in the chapter) and an anchor id
 * (`fig-own-text`, from its component's name, so a link survives a figure
 * added above it).
 *
 * `remarkFigureNumbers` is a remark plugin for the chapters (astro.config.mjs).
 * It wraps each hydrated component of an MDX chapter (a JSX element with a
 * `client:` directive), except the exercise set, in
 *
 * ```html
 * <div class="figure-slot" id="fig-own-text" data-figure-number="6.3">
 *   <a class="figure-number" href="#fig-own-text">Figure 6.3</a>
 *   <OwnTextFigure client:visible />
 * </div>
 * ```
 *
 * so the number and the anchor are in the static HTML (and print); the
 * figure's frame (kit/Figure.tsx) finds its slot when it mounts, for its
 * "Copy link" and its accessible name.
 */
import type { VFile } from 'vfile';

/** What the plugin reads and writes of an MDX JSX element (mdast-util-mdx-jsx). */
interface JsxAttribute {
  type: 'mdxJsxAttribute';
  name: string;
  value?: string | null | unknown;
}
interface JsxElement {
  type: 'mdxJsxFlowElement';
  name: string | null;
  attributes: (JsxAttribute | { type: string })[];
  children: Node[];
}
interface Node {
  type: string;
  children?: Node[];
  value?: string;
}

/** Components that are not figures: the exercise set has a frame but no number. */
const NOT_FIGURES = new Set(['Exercises']);

/** `OwnTextFigure` → `fig-own-text`: the anchor id of a figure component. */
export function figureAnchor(component: string): string {
  const words = component
    .replace(/Figure$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
  return `fig-${words}`;
}

/**
 * The figure components of a chapter's MDX source, in order: what
 * `remarkFigureNumbers` numbers (a capitalised element with a `client:`
 * directive, not the exercise set). The embed pages are made from this list;
 * an e2e test checks it against the numbers in the built chapters.
 */
export function chapterFigures(mdx: string): string[] {
  return [...mdx.matchAll(/^\s*<([A-Z][A-Za-z0-9]*)\b[^>]*\bclient:[a-z]+/gm)]
    .map((m) => m[1])
    .filter((name) => !NOT_FIGURES.has(name));
}

/** The accessible name of a figure number's self-link. */
export function figureLinkLabel(number: string): string {
  return `Figure ${number}`;
}

/** The chapter number of an MDX file: its frontmatter `order`, else its `NN-` file prefix. */
function chapterOrder(file: VFile): number | undefined {
  const fm = (file.data as { astro?: { frontmatter?: { order?: unknown } } }).astro?.frontmatter;
  if (typeof fm?.order === 'number') return fm.order;
  const match = /(?:^|[/\\])(\d+)-[^/\\]*\.mdx$/.exec(file.path ?? '');
  return match ? Number(match[1]) : undefined;
}

function isFigure(node: Node): node is Node & JsxElement {
  if (node.type !== 'mdxJsxFlowElement') return false;
  const el = node as unknown as JsxElement;
  return (
    el.name !== null &&
    /^[A-Z]/.test(el.name) &&
    !NOT_FIGURES.has(el.name) &&
    el.attributes.some(
      (a) => a.type === 'mdxJsxAttribute' && (a as JsxAttribute).name.startsWith('client:'),
    )
  );
}

const attr = (name: string, value: string): JsxAttribute => ({
  type: 'mdxJsxAttribute',
  name,
  value,
});

/**
 * A hydrated element's `client:visible` becomes `client:figure`
 * (src/lib/figure-directive.ts): loaded when seen, or when the page prints.
 */
function loadsWhenPrinted(node: Node): void {
  if (node.type !== 'mdxJsxFlowElement') return;
  for (const a of (node as unknown as JsxElement).attributes)
    if (a.type === 'mdxJsxAttribute' && (a as JsxAttribute).name === 'client:visible')
      (a as JsxAttribute).name = 'client:figure';
}

/** The remark plugin: numbers and wraps a chapter's figures (see the file comment). */
export function remarkFigureNumbers() {
  return (tree: Node, file: VFile) => {
    const chapter = chapterOrder(file);
    if (chapter === undefined) return;
    let count = 0;
    const seen = new Set<string>();
    const visit = (parent: Node) => {
      if (!parent.children) return;
      parent.children = parent.children.map((child) => {
        loadsWhenPrinted(child);
        if (!isFigure(child)) {
          visit(child);
          return child;
        }
        count += 1;
        const number = `${chapter}.${count}`;
        const id = figureAnchor(child.name!);
        if (seen.has(id))
          throw new Error(`${file.path}: two figures would share the anchor #${id}`);
        seen.add(id);
        const label: JsxElement = {
          type: 'mdxJsxFlowElement',
          name: 'a',
          attributes: [
            attr('class', 'figure-number'),
            attr('href', `#${id}`),
            attr('data-pagefind-ignore', ''),
          ],
          children: [{ type: 'text', value: figureLinkLabel(number) }],
        };
        const slot: JsxElement = {
          type: 'mdxJsxFlowElement',
          name: 'div',
          attributes: [
            attr('class', 'figure-slot'),
            attr('id', id),
            attr('data-figure-number', number),
          ],
          children: [label as unknown as Node, child],
        };
        return slot as unknown as Node;
      });
    };
    visit(tree);
  };
}
