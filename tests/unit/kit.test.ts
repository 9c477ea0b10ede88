import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  colourFor,
  probabilityScale,
  scaleT,
  signedScale,
  unsignedScale,
} from '../../src/components/kit/colour';
import {
  headField,
  headSetField,
  parseHead,
  positionField,
  promptField,
  resolvePosition,
} from '../../src/components/kit/fields';
import {
  formatCount,
  formatNumber,
  formatPercent,
  formatSigned,
} from '../../src/components/kit/format';
import { contextCut, fitToContext } from '../../src/components/kit/PromptInput';
import { colourIndex } from '../../src/components/kit/raster';
import { decodeState, encodeState } from '../../src/components/kit/url-state';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { findModelsDir } from './paths';

describe('kit colour maps', () => {
  it('centres a signed scale at zero: zero is the background, ±m the two ends, symmetric', () => {
    const s = signedScale([-0.5, 2, 1]);
    expect(s).toEqual({ kind: 'signed', min: -2, max: 2 });
    expect(colourFor(s, 0)).toBe('color-mix(in oklab, var(--map-pos) 0%, var(--map-zero))');
    expect(colourFor(s, 2)).toContain('var(--map-pos) 100%');
    expect(colourFor(s, -2)).toContain('var(--map-neg) 100%');
    expect(scaleT(s, -1)).toBe(-scaleT(s, 1));
  });

  it('clamps values outside the scale and survives empty or all-zero data', () => {
    const s = signedScale([0, 0]);
    expect(s.max).toBe(1);
    expect(scaleT(signedScale([1]), 5)).toBe(1);
    expect(scaleT(unsignedScale([]), 3)).toBe(1);
    expect(scaleT(probabilityScale, Number.NaN)).toBe(0);
    expect(scaleT(probabilityScale, 0.25)).toBe(0.25);
  });

  it('shades a sequential scale from the background to one ink', () => {
    expect(colourFor(probabilityScale, 0)).toBe(
      'color-mix(in oklab, var(--map-seq) 0%, var(--map-zero))',
    );
    expect(colourFor(probabilityScale, 1)).toContain('var(--map-seq) 100%');
  });
});

describe('kit URL codecs', () => {
  const schema = {
    prompt: promptField('The cat'),
    head: headField({ layer: 1, head: 4 }),
    off: headSetField(),
    pos: positionField(),
  };

  it('round-trips a prompt, a head, a head set and a position through the query string', () => {
    const state = {
      prompt: 'a & b = c ✓',
      head: { layer: 0, head: 7 },
      off: ['0.1', '1.4'],
      pos: 3,
    };
    const params = new URLSearchParams(
      encodeState(schema, state, new URLSearchParams(), 'f').toString(),
    );
    expect(params.get('f.head')).toBe('0.7');
    expect(params.get('f.off')).toBe('0.1,1.4');
    expect(decodeState(schema, params, 'f')).toEqual(state);
  });

  it('keeps the first 2,000 characters of an over-long prompt in a link, never half an emoji', () => {
    const f = promptField('default');
    const long = 'a'.repeat(1999) + '😀' + 'tail';
    expect(f.parse(long)).toBe('a'.repeat(1999));
    expect(f.parse('b'.repeat(2500))).toBe('b'.repeat(2000));
    expect(f.parse('short')).toBe('short');
  });

  it('writes head sets sorted and without duplicates, so equal sets give equal links', () => {
    const f = headSetField();
    expect(f.format(['1.4', '0.1', '1.4', '0.10'])).toBe('0.1,0.10,1.4');
    expect(f.parse('1.2,0.3')).toEqual(['0.3', '1.2']);
    expect(f.parse('')).toEqual([]);
    expect(f.parse('1.2,x')).toBeUndefined();
  });

  it('rejects malformed heads and positions instead of trusting the URL', () => {
    expect(parseHead('1.4')).toEqual({ layer: 1, head: 4 });
    expect(parseHead('1')).toBeUndefined();
    expect(parseHead('1.4.2')).toBeUndefined();
    expect(positionField().parse('-2')).toBeUndefined();
    expect(resolvePosition(-1, 5)).toBe(4);
    expect(resolvePosition(9, 5)).toBe(4);
    expect(resolvePosition(2, 5)).toBe(2);
  });
});

describe('kit number formats', () => {
  it('formats with a real minus sign, signs, percentages and counts', () => {
    expect(formatNumber(-0.123456)).toBe('−0.123');
    expect(formatSigned(0.5)).toBe('+0.5');
    expect(formatPercent(0.4213)).toBe('42%');
    expect(formatPercent(0.0004)).toBe('<0.1%');
    expect(formatCount(262144)).toBe('262,144');
  });
});

describe('kit prompt past the context', () => {
  const tokenizer = tokenizerFromJson(
    JSON.parse(
      readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
    ) as TokenizerJson,
  );

  it('quotes where the model stops reading: the kept text ends where the dropped text starts', () => {
    const text = Array.from({ length: 40 }, (_, i) => `Line ${i} of the prompt.`).join('\n');
    const ids = tokenizer.encode(text);
    const cut = contextCut(tokenizer, text, 128)!;
    const kept = tokenizer.decode(fitToContext(ids, 128));
    expect(kept.replace(/\s+/g, ' ').endsWith(cut.keptTail)).toBe(true);
    expect(text.slice(kept.length).replace(/\s+/g, ' ').startsWith(cut.droppedHead)).toBe(true);
    expect(Array.from(cut.keptTail)).toHaveLength(32);
  });

  it('says nothing for a prompt that fits, and survives a cut inside a character', () => {
    expect(contextCut(tokenizer, 'A short prompt.', 128)).toBeUndefined();
    // Emoji are four one-byte tokens here: a cut after 2 tokens splits the first one.
    const cut = contextCut(tokenizer, '😀😀', 2)!;
    expect(cut.keptTail).toBe('\uFFFD');
    expect(cut.droppedHead).toBe('\uFFFD\uFFFD😀'); // one U+FFFD per stray byte
  });
});

describe('raster heatmap colours', () => {
  // The raster path looks colours up by index; each index must name the very
  // colour string the SVG path would have used for that value.
  const unitColour = (kind: 'signed' | 'unsigned', i: number) =>
    kind === 'signed'
      ? colourFor({ kind, min: -1, max: 1 }, (i - 100) / 100)
      : colourFor({ kind, min: 0, max: 1 }, i / 100);

  // 0% of either end of a diverging map is the zero colour itself.
  const same = (css: string) => css.replace(/var\(--map-(neg|pos)\) 0%/, 'var(--map-zero) 0%');

  it('maps every value to the table entry of the colour colourFor gives it', () => {
    const scales = [signedScale([-3.7, 2.1]), unsignedScale([0, 5.5]), probabilityScale];
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const scale of scales)
      for (let k = 0; k < 2000; k++) {
        const v = random() * (scale.max - scale.min) * 0.6 + (scale.max + scale.min) / 2;
        expect(same(unitColour(scale.kind, colourIndex(scale, v)))).toBe(same(colourFor(scale, v)));
      }
    expect(colourIndex(signedScale([1]), 0)).toBe(100);
    expect(colourIndex(signedScale([1]), -1)).toBe(0);
    expect(colourIndex(probabilityScale, 1)).toBe(100);
  });
});
