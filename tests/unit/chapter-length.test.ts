import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chapterFiles, chaptersDir } from './prose-claims';

/**
 * Each chapter stays a chapter: between 2,000 and 4,000 words of prose, so
 * that adding a figure's text means cutting elsewhere. Counted as a reader
 * reads: imports, figure tags, display math and link targets removed, a
 * claim's marked text kept, inline math one word.
 */
const MIN_WORDS = 2000;
const MAX_WORDS = 4000;

/** The words of an MDX chapter's prose. */
function proseWords(mdx: string): number {
  const text = mdx
    .replace(/^---[\s\S]*?---/, '')
    .replace(/^import .*$/gm, '')
    .replace(/\$\$[\s\S]*?\$\$/g, ' ')
    .replace(/<Claim[^>]*>([^<]*)<\/Claim>/g, '$1')
    .replace(/<[A-Z][^>]*\/>/g, ' ')
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ')
    .replace(/\$[^$]*\$/g, ' x ')
    .replace(/\]\([^)]*\)/g, ']');
  return text.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
}

describe('chapter length', () => {
  it('counts prose words, not markup', () => {
    expect(
      proseWords(
        'import X from "y";\n\nOne <Claim id="a">0.5</Claim> two $x^2$.\n\n<Fig client:visible />\n\n$$\na+b\n$$\n[three](../x/)',
      ),
    ).toBe(5);
  });
  for (const file of chapterFiles()) {
    it(`${file} has between ${MIN_WORDS} and ${MAX_WORDS} words of prose`, () => {
      const n = proseWords(readFileSync(`${chaptersDir}/${file}`, 'utf8'));
      console.log(`${file}: ${n} words`);
      expect(n).toBeGreaterThanOrEqual(MIN_WORDS);
      expect(n).toBeLessThanOrEqual(MAX_WORDS);
    });
  }
});
