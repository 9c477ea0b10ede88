import { describe, expect, it } from 'vitest';
import { figureOnly } from '../../src/lib/embed-cut';

/** A chapter as Astro renders it: the once-a-page island scripts sit before its first island. */
const chapter = [
  '<h2>Intro</h2><p>Text <div class="note">aside</div></p>',
  '<div class="figure-slot" id="fig-first" data-figure-number="1.1"><a class="figure-number">Figure 1.1</a>',
  '<style>astro-island{display:contents}</style><script>/* directive */</script><script>/* island */</script>',
  '<astro-island><figure class="widget"><div class="widget-body"><div>a</div></div></figure></astro-island></div>',
  '<p>More text</p><div class="figure-slot" id="fig-second" data-figure-number="1.2">',
  '<astro-island><figure class="widget"><div><div></div></div></figure></astro-island></div><h2>End</h2>',
].join('');

describe('an embed page keeps only its figure of the chapter', () => {
  it('keeps the figure’s whole slot, nested divs and all, and none of the text', () => {
    const second = figureOnly(chapter, 'fig-second')!;
    expect(second).toMatch(
      /<div class="figure-slot" id="fig-second"[\s\S]*<\/astro-island><\/div>$/,
    );
    expect(second).not.toContain('Intro');
    expect(second).not.toContain('More text');
    expect(second).not.toContain('End');
    expect(second).not.toContain('fig-first');
  });

  it('carries the page’s one-off island scripts and styles to a figure that is not the first', () => {
    const second = figureOnly(chapter, 'fig-second')!;
    expect(
      second.startsWith(
        '<style>astro-island{display:contents}</style><script>/* directive */</script><script>/* island */</script><div class="figure-slot" id="fig-second"',
      ),
    ).toBe(true);
    // The first figure has them inside its own slot, once.
    const first = figureOnly(chapter, 'fig-first')!;
    expect(first.match(/<script>/g)).toHaveLength(2);
    expect(first.startsWith('<div class="figure-slot" id="fig-first"')).toBe(true);
  });

  it('gives undefined for a figure the chapter does not have', () => {
    expect(figureOnly(chapter, 'fig-missing')).toBeUndefined();
  });
});
