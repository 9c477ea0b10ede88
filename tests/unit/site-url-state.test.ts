import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, field } from '../../src/components/kit/url-state';

const schema = {
  text: field.text('hello', 20),
  head: field.int(0, 0, 7),
  ablate: field.bool(false),
  model: field.oneOf(['attn-only-1l', 'attn-only-2l'] as const, 'attn-only-2l'),
};

describe('widget state in the URL', () => {
  it('round-trips every field through the query string, with other parameters kept', () => {
    const state = { text: 'a b&c=d ✓', head: 7, ablate: true, model: 'attn-only-1l' as const };
    const params = encodeState(schema, state, new URLSearchParams('other=1'), 'w');
    const reparsed = new URLSearchParams(params.toString());
    expect(decodeState(schema, reparsed, 'w')).toEqual(state);
    expect(reparsed.get('other')).toBe('1');
  });

  it('writes nothing for default values, so default links stay clean', () => {
    const defaults = decodeState(schema, new URLSearchParams(), 'w');
    expect(defaults).toEqual({ text: 'hello', head: 0, ablate: false, model: 'attn-only-2l' });
    expect(encodeState(schema, defaults, new URLSearchParams('w.head=3'), 'w').toString()).toBe('');
  });

  it('falls back to the default for invalid values instead of trusting the URL', () => {
    const params = new URLSearchParams(
      'w.head=8&w.ablate=yes&w.model=gpt2&w.text=' + 'x'.repeat(21),
    );
    expect(decodeState(schema, params, 'w')).toEqual(
      decodeState(schema, new URLSearchParams(), 'w'),
    );
    expect(decodeState(schema, new URLSearchParams('w.head=1.5'), 'w').head).toBe(0);
  });

  it('keeps two widgets on one page apart by prefix', () => {
    const a = encodeState(
      schema,
      { ...decodeState(schema, new URLSearchParams(), 'a'), head: 3 },
      new URLSearchParams(),
      'a',
    );
    const b = encodeState(schema, { ...decodeState(schema, a, 'b'), head: 5 }, a, 'b');
    expect(decodeState(schema, b, 'a').head).toBe(3);
    expect(decodeState(schema, b, 'b').head).toBe(5);
  });
});
