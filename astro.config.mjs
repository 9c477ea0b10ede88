// @ts-check
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import preact from '@astrojs/preact';
import { unified } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import { rehypeHeadingAnchors } from './src/lib/heading-anchors.ts';
import { remarkFigureNumbers } from './src/lib/figure-numbers.ts';

/**
 * Builds are path-independent (issue 8): one build works under any path of
 * any static server. Astro needs an absolute `base`, so a build uses a
 * sentinel that no real URL contains, and `scripts/finish-build.mjs` rewrites
 * every occurrence in the HTML and CSS into a path relative to the file (the
 * JavaScript is built with relative URLs, see `renderBuiltUrl` below, and
 * finds the root at run time from `<html data-root>`). The dev server serves
 * at `/`.
 */
export const BUILD_BASE = '/__circuits_book_root__/';
const building = process.argv.includes('build');

/**
 * Cross-origin isolation: with these two headers `crossOriginIsolated` is
 * true, SharedArrayBuffer exists and onnxruntime-web's WASM backend can use
 * threads. Astro's preview server reuses `server.headers`, so `npm run dev`
 * and `npm run preview` both send them. Hosts must send them too (README).
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Display math wider than the screen (phones) scrolls sideways inside its
 * box; `tabindex="0"` lets keyboard users scroll it too (axe:
 * scrollable-region-focusable).
 */
function rehypeFocusableDisplayMath() {
  /** @param {import('hast').Root | import('hast').Element} node */
  const visit = (node) => {
    if (node.type === 'element') {
      const className = node.properties.className;
      if (Array.isArray(className) && className.includes('katex-display'))
        node.properties.tabIndex = 0;
    }
    for (const child of node.children) if (child.type === 'element') visit(child);
  };
  return visit;
}

/**
 * `client:figure` (src/lib/figure-directive.ts): the chapters' figures load
 * when seen, like `client:visible`, or all at once when the page prints.
 */
const figureDirective = {
  name: 'figure-directive',
  hooks: {
    'astro:config:setup': (
      /** @type {{ addClientDirective: (d: { name: string; entrypoint: string }) => void }} */ {
        addClientDirective,
      },
    ) =>
      addClientDirective({
        name: 'figure',
        entrypoint: fileURLToPath(new URL('./src/lib/figure-directive.ts', import.meta.url)),
      }),
  },
};

export default defineConfig({
  base: building ? BUILD_BASE : '/',
  // The e2e suite and the benchmark build into their own folders
  // (SITE_OUT_DIR=dist-e2e) so that a `npm run build` of the site in the same
  // tree cannot swap the pages under a running test.
  outDir: process.env.SITE_OUT_DIR ?? 'dist',
  trailingSlash: 'always',
  // Astro 7's default Markdown processor ignores remark/rehype plugins; the
  // unified() one runs them, and @astrojs/mdx inherits it for .mdx files.
  markdown: {
    processor: unified({
      // Figures get a number and an anchor (src/lib/figure-numbers.ts).
      remarkPlugins: [remarkMath, remarkFigureNumbers],
      // Headings get a permalink beside them (src/lib/heading-anchors.ts).
      rehypePlugins: [rehypeKatex, rehypeFocusableDisplayMath, rehypeHeadingAnchors],
    }),
  },
  integrations: [figureDirective, mdx(), preact()],
  server: { headers: isolationHeaders },
  devToolbar: { enabled: false },
  vite: {
    // onnxruntime-web ships its own .wasm/.mjs loaders; pre-bundling breaks
    // their import.meta.url lookups, so Vite must leave the package alone.
    optimizeDeps: { exclude: ['onnxruntime-web'] },
    // URLs of built files inside JavaScript (the ORT wasm, lazy chunks) are
    // relative to the importing module (`new URL(file, import.meta.url)`),
    // never absolute, so the build does not depend on where it is served.
    experimental: {
      renderBuiltUrl: (
        /** @type {string} */ _file,
        /** @type {{ hostType: string }} */ { hostType },
      ) => (hostType === 'js' ? { relative: true } : undefined),
    },
    build: {
      // Never inline small files as data: URLs: the CSP's connect-src is the
      // site's own origin only, and fetch(data:...) would break under it.
      assetsInlineLimit: 0,
      rolldownOptions: {
        // Astro's own MDX output starts with a "use astro:head-inject"
        // directive that the bundler warns about on every chapter. It is
        // Astro's marker, not our code (we write no module directives).
        checks: { moduleLevelDirective: false },
      },
    },
  },
});
