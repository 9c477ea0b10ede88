import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bytesToUnicode,
  displayToken,
  tokenizerFromJson,
  type TokenizerJson,
} from '../../src/model/tokenizer';
import { findModelsDir, fixturesDir } from './paths';

const modelsDir = findModelsDir('tokenizer.json');
const tokenizer = tokenizerFromJson(
  JSON.parse(readFileSync(`${modelsDir}/tokenizer.json`, 'utf8')) as TokenizerJson,
);

describe('tokenizer', () => {
  it('maps the 256 bytes to 256 distinct printable characters', () => {
    const map = bytesToUnicode();
    expect(new Set(map).size).toBe(256);
    expect(map[0x20]).toBe('Ġ');
    expect(map[0x0a]).toBe('Ċ');
    expect(map[0x41]).toBe('A');
  });

  it('gives the same ids as the Python tokenizer on every fixture case', () => {
    const path = `${fixturesDir}/tokenizer-cases.json`;
    expect(existsSync(path), `${path} is missing`).toBe(true);
    const cases = JSON.parse(readFileSync(path, 'utf8')) as Array<{ text: string; ids: number[] }>;
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    const mismatches = cases.filter(
      (c) => JSON.stringify(tokenizer.encode(c.text)) !== JSON.stringify(c.ids),
    );
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('decodes every encoding back to the original text', () => {
    for (const text of [
      'Hello, world!',
      '  two  spaces\n\nand lines\t',
      'naïve café — 日本語 🙂',
      "it's they'll",
    ]) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
  });

  it('shows spaces and newlines readably in token strings', () => {
    const strings = tokenizer.tokenStrings(tokenizer.encode(' the\n'));
    expect(strings.join('')).toBe('·the↵');
  });

  it('shows every token legibly: control pictures, invisible characters by code point, partial characters as bytes', () => {
    const show = (text: string) => displayToken(new TextEncoder().encode(text));
    expect(show('\u0000\u0007\u001b\r\u007f')).toBe('␀␇␛␍␡');
    expect(show('a\u200b\u200c\u200d\ufeff\u00a0\u202e')).toBe(
      'a⟨U+200B⟩⟨U+200C⟩⟨U+200D⟩⟨U+FEFF⟩⟨U+00A0⟩⟨U+202E⟩',
    );
    expect(show('\u0301')).toBe('◌\u0301'); // a mark with nothing to sit on
    expect(show('e\u0301')).toBe('e\u0301');
    expect(show('é中😀שׁ')).toBe('é中😀שׁ'); // whole characters stay themselves
    expect(displayToken(Uint8Array.of(0xf0, 0x9f))).toBe('\\xF0\\x9F'); // half an emoji
    expect(displayToken(Uint8Array.of(0x41, 0xc0, 0xff))).toBe('A\\xC0\\xFF'); // never valid UTF-8
  });

  it('shows every token of odd text as a visible, non-empty string with no control character', () => {
    const odd = [
      'Hi 😀 👍🏽 👨‍👩‍👧 🇫🇷!',
      '中文字符 日本語 한국어',
      'שלום עולם and مرحبا',
      'e\u0301 n\u0303 a\u0308\u0304',
      'zero\u200bwidth\u200cjoin\u200dword\ufeff\u2060end',
      'bell\u0007 esc\u001b[31m nul\u0000 del\u007f\r\n',
      'lone \ud800 surrogate',
    ];
    for (const text of odd) {
      const strings = tokenizer.tokenStrings(tokenizer.encode(text));
      for (const s of strings) {
        expect(s.trim(), JSON.stringify(text)).not.toBe('');
        expect(s, JSON.stringify(text)).not.toMatch(/[\p{Cc}\p{Cf}\uFFFD]/u);
      }
    }
  });
});
