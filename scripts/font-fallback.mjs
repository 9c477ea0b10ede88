// Writes src/styles/fonts.css: local fallback faces for the book's text face,
// Source Serif 4, with metric overrides (size-adjust, ascent-override,
// descent-override, line-gap-override) so that text set in the fallback takes
// the same room as in Source Serif. The page first paints in the fallback;
// when the web font arrives it swaps in without moving the text (the layout
// shift test, tests/e2e/layout-shift.spec.ts, holds the fonts back to check).
//
//   node scripts/font-fallback.mjs [built-site-dir] && npx prettier --write src/styles/fonts.css
//   (the site dir, default dist, gives the sample text; the bold faces stand in
//   for Source Serif's 600, the weight of the book's headings)
//
// Measured in Debian's Chromium (the benchmarks' browser): the width of a
// sample of the book's own prose, and the font's ascent and descent, for
// Source Serif 4 (the woff2 files the book ships) and for each local
// fallback. Times New Roman (Windows, macOS) and Liberation Serif (Linux) have
// the same advance widths and vertical metrics, so one set of overrides
// serves both; DejaVu Serif (most other Linux systems) gets its own.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath, launchArgs } from '../bench/machine.mjs';

const site = process.argv[2] ?? 'dist';
const fontDir = 'node_modules/@fontsource-variable/source-serif-4/files';

/** The local fallbacks, best first: a family name for the page and its local() faces per style. */
const FALLBACKS = [
  {
    family: 'Source Serif 4 Fallback Times',
    local: {
      '400 normal': ['Times New Roman', 'TimesNewRomanPSMT', 'Liberation Serif', 'LiberationSerif'],
      '400 italic': [
        'Times New Roman Italic',
        'TimesNewRomanPS-ItalicMT',
        'Liberation Serif Italic',
        'LiberationSerif-Italic',
      ],
      '600 normal': [
        'Times New Roman Bold',
        'TimesNewRomanPS-BoldMT',
        'Liberation Serif Bold',
        'LiberationSerif-Bold',
      ],
      '600 italic': [
        'Times New Roman Bold Italic',
        'TimesNewRomanPS-BoldItalicMT',
        'Liberation Serif Bold Italic',
        'LiberationSerif-BoldItalic',
      ],
    },
  },
  {
    family: 'Source Serif 4 Fallback DejaVu',
    local: {
      '400 normal': ['DejaVu Serif', 'DejaVuSerif'],
      '400 italic': ['DejaVu Serif Italic', 'DejaVuSerif-Italic'],
      '600 normal': ['DejaVu Serif Bold', 'DejaVuSerif-Bold'],
      '600 italic': ['DejaVu Serif Bold Italic', 'DejaVuSerif-BoldItalic'],
    },
  },
];

/** Plain text of the book's first two chapters: the letters the overrides are tuned to. */
function sampleText() {
  const text = ['01-transformers', '02-residual-stream']
    .map((c) => readFileSync(join(site, 'chapters', c, 'index.html'), 'utf8'))
    .join(' ')
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ')
    .replace(/\s+/g, ' ');
  // Letters, digits and ordinary punctuation only (no math symbols).
  return text.replace(/[^A-Za-z0-9 .,;:'"()-]/g, '').slice(0, 20_000);
}

const woff2 = (style) =>
  readFileSync(join(fontDir, `source-serif-4-latin-wght-${style}.woff2`)).toString('base64');

const browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
const page = await browser.newPage();
const faces = [
  ...['normal', 'italic'].map(
    (style) =>
      `@font-face { font-family: 'SS4'; font-style: ${style}; font-weight: 200 900; src: url(data:font/woff2;base64,${woff2(style)}) format('woff2'); }`,
  ),
  ...FALLBACKS.flatMap((f, i) =>
    Object.entries(f.local).map(([key, names]) => {
      const [weight, style] = key.split(' ');
      return `@font-face { font-family: 'F${i}'; font-style: ${style}; font-weight: ${weight}; src: ${names.map((n) => `local('${n}')`).join(', ')}; }`;
    }),
  ),
].join('\n');
await page.setContent(`<style>${faces}</style><canvas></canvas>`);
const measured = await page.evaluate(
  async ({ sample, fallbacks }) => {
    const ctx = document.querySelector('canvas').getContext('2d');
    const size = 100;
    const metrics = (family, weight, style) => {
      ctx.font = `${style} ${weight} ${size}px '${family}', monospace`;
      const m = ctx.measureText(sample);
      return {
        width: m.width,
        ascent: m.fontBoundingBoxAscent / size,
        descent: m.fontBoundingBoxDescent / size,
      };
    };
    const out = {};
    for (const key of Object.keys(fallbacks[0].local)) {
      const [weight, style] = key.split(' ');
      await document.fonts.load(`${style} ${weight} 16px 'SS4'`);
      for (let i = 0; i < fallbacks.length; i++)
        await document.fonts.load(`${style} ${weight} 16px 'F${i}'`);
      const ok = (i) => document.fonts.check(`${style} ${weight} 16px 'F${i}'`);
      out[key] = {
        ss4: metrics('SS4', weight, style),
        fallbacks: fallbacks.map((_, i) => (ok(i) ? metrics(`F${i}`, weight, style) : null)),
        mono: metrics('monospace', weight, style),
      };
    }
    return out;
  },
  { sample: sampleText(), fallbacks: FALLBACKS },
);
await browser.close();

const pct = (x) => `${(x * 100).toFixed(2)}%`;
const css = [
  '/*',
  ' * Generated by scripts/font-fallback.mjs; do not edit by hand.',
  ' *',
  ' * Local fallback faces for Source Serif 4, scaled to take the same room:',
  ' * size-adjust makes a line of the book’s prose as wide as in Source Serif;',
  ' * the ascent and descent overrides put the baseline where Source Serif puts',
  ' * it. The page paints in these until the web font arrives, which then',
  ' * swaps in without moving the text. Times New Roman and Liberation Serif',
  ' * share their metrics, so one family covers both.',
  ' */',
];
for (const [i, f] of FALLBACKS.entries()) {
  for (const [key, names] of Object.entries(f.local)) {
    const [weight, style] = key.split(' ');
    const { ss4, fallbacks, mono } = measured[key];
    const fb = fallbacks[i];
    if (!fb || fb.width === mono.width)
      throw new Error(`${f.family} ${key}: none of ${names.join(', ')} is installed here`);
    const adjust = ss4.width / fb.width;
    css.push(
      '',
      `@font-face {`,
      `  font-family: '${f.family}';`,
      `  font-style: ${style};`,
      `  font-weight: ${weight};`,
      `  src: ${names.map((n) => `local('${n}')`).join(', ')};`,
      `  size-adjust: ${pct(adjust)};`,
      `  ascent-override: ${pct(ss4.ascent / adjust)};`,
      `  descent-override: ${pct(ss4.descent / adjust)};`,
      `  line-gap-override: 0%;`,
      `}`,
    );
    console.log(
      `${f.family} ${key}: size-adjust ${pct(adjust)}, ascent ${pct(ss4.ascent / adjust)}, descent ${pct(ss4.descent / adjust)}`,
    );
  }
}
writeFileSync('src/styles/fonts.css', css.join('\n') + '\n');
console.log('wrote src/styles/fonts.css');
