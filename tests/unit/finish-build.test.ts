import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { relativeRoot } from '../../src/lib/site-root';
import { BUILD_BASE, finishPage, rootFrom } from '../../scripts/finish-build.mjs';

/** What a browser hashes for a CSP source: base64 SHA-256 of the element's text. */
const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('path independence', () => {
  it('finds the root from any file or page', () => {
    expect(rootFrom('index.html')).toBe('./');
    expect(rootFrom('404.html')).toBe('./');
    expect(rootFrom('chapters/x/index.html')).toBe('../../');
    expect(rootFrom('_astro/a.css')).toBe('../');
    expect(relativeRoot('/b/', '/b/')).toBe('./');
    expect(relativeRoot('/b/chapters/x/', '/b/')).toBe('../../');
    expect(relativeRoot('/b/models/', '/b/')).toBe('../');
    expect(relativeRoot('/b/404.html', '/b/')).toBe('./');
  });

  it('rewrites every placeholder URL in a page relative to that page, and resolves to the same files', () => {
    const html =
      `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${BUILD_BASE}_astro/a.css"></head>` +
      `<body><a href="${BUILD_BASE}chapters/y/">y</a><astro-island component-url="${BUILD_BASE}_astro/F.js"></astro-island></body></html>`;
    const out = finishPage(html, 'chapters/x/index.html');
    expect(out).not.toContain(BUILD_BASE);
    // Served under any path, the relative URLs land on the same files.
    const page = 'https://uni.example/deep/course/book/chapters/x/';
    const urls = [...out.matchAll(/(?:href|component-url)="([^"]+)"/g)].map(
      (m) => new URL(m[1], page).href,
    );
    expect(urls).toEqual([
      'https://uni.example/deep/course/book/_astro/a.css',
      'https://uni.example/deep/course/book/chapters/y/',
      'https://uni.example/deep/course/book/_astro/F.js',
    ]);
  });
});

describe('Content-Security-Policy', () => {
  const html =
    '<!doctype html><html><head><meta charset="utf-8"><script>let a = 1;</script>' +
    '<style>p{color:red}</style></head><body><script type="module" src="x.js"></script></body></html>';
  const out = finishPage(html, 'index.html');
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(out)?.[1] ?? '';

  it('comes right after <meta charset>, before any script', () => {
    expect(out.indexOf('Content-Security-Policy')).toBeLessThan(out.indexOf('<script'));
    expect(out.indexOf('<meta charset')).toBeLessThan(out.indexOf('Content-Security-Policy'));
  });

  it("allows the page's own inline script and style by hash, and nothing but its origin", () => {
    expect(csp).toContain(`script-src 'self' 'wasm-unsafe-eval' ${cspHash('let a = 1;')}`);
    expect(csp).toContain(`style-src 'self' ${cspHash('p{color:red}')}`);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/(^|\s)'unsafe-eval'/);
    expect(csp).not.toMatch(/https?:|\*/);
  });

  it('refuses to finish a page twice', () => {
    expect(() => finishPage(out, 'index.html')).toThrow(/already finished/);
  });
});
