import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToUnicode, tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
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
});
