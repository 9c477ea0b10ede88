import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { root } from './paths';
import {
  allClaims,
  chapterFiles,
  chaptersDir,
  claimNumber,
  parseClaims,
  proseClaims,
  roundAsWritten,
} from './prose-claims';

/**
 * The marking of the chapters' claims (`<Claim>`, src/components/kit/Claim.astro)
 * is itself checked here: every marked number is read by a claims test, ids
 * are unique, a repeat says the same as its statement, and no decimal, share
 * or head name about our models is left unmarked in the prose.
 */

/** The claims tests' sources, where every claim id must be read. */
const claimsTests = readdirSync(`${root}tests/unit`)
  .filter((f) => /^claims-.*\.test\.ts$/.test(f))
  .map((f) => readFileSync(`${root}tests/unit/${f}`, 'utf8'))
  .join('\n');

describe('reading a claim', () => {
  it('reads decimals, thousands, minus signs and number words, with the precision as written', () => {
    expect(claimNumber('0.74')).toEqual({ value: 0.74, digits: 2 });
    expect(claimNumber('0.090')).toEqual({ value: 0.09, digits: 3 });
    expect(claimNumber('2,048')).toEqual({ value: 2048, digits: 0 });
    expect(claimNumber('600,000')).toEqual({ value: 600000, digits: -5 });
    expect(claimNumber('66,000')).toEqual({ value: 66000, digits: -3 });
    expect(claimNumber('\u22120.95')).toEqual({ value: -0.95, digits: 2 });
    expect(claimNumber('1.0')).toEqual({ value: 1, digits: 1 });
    expect(claimNumber('0')).toEqual({ value: 0, digits: 0 });
    expect(claimNumber('eight')).toEqual({ value: 8, digits: 0 });
    expect(claimNumber('none')).toEqual({ value: 0, digits: 0 });
    expect(() => claimNumber('about 7')).toThrow(/not a number/);
    expect(() => claimNumber('1,00')).toThrow(/not a number/);
  });

  it('rounds as the prose writes: at the decimals shown, or at an integer’s last non-zero digit', () => {
    expect(roundAsWritten(0.7438, 2)).toBe(0.74);
    expect(roundAsWritten(608_768, -5)).toBe(600_000);
    expect(roundAsWritten(262_144, -3)).toBe(262_000);
    expect(roundAsWritten(17.46, 0)).toBe(17);
  });

  it('parses <Claim id> and <Claim same>, with their lines, and refuses one it cannot read', () => {
    const src = 'a\nhead <Claim id="ch6.h">1.2</Claim> at <Claim same="ch6.s">0.74</Claim>\n';
    expect(parseClaims(src, 'x.mdx')).toMatchObject([
      { id: 'ch6.h', text: '1.2', line: 2, repeat: false },
      { id: 'ch6.s', text: '0.74', line: 2, repeat: true },
    ]);
    expect(() => parseClaims("<Claim id='ch6.h'>1.2</Claim>", 'x.mdx')).toThrow(/readable/);
    expect(() => parseClaims('<Claim id="ch6.h">*1.2*</Claim>', 'x.mdx')).toThrow(/not a number/);
  });
});

describe('the chapters’ claims', () => {
  const claims = allClaims();
  const stated = claims.filter((c) => !c.repeat);

  it('exist in every chapter, each chapter importing the kit’s Claim', () => {
    for (const f of chapterFiles()) {
      const src = readFileSync(`${chaptersDir}/${f}`, 'utf8');
      expect(
        claims.some((c) => c.file === f),
        `${f} marks no claim`,
      ).toBe(true);
      expect(src, f).toContain("import Claim from '../../components/kit/Claim.astro';");
    }
  });

  it('have unique ids, each named after its chapter (chN.)', () => {
    const seen = new Map<string, string>();
    for (const c of stated) {
      expect(
        seen.get(c.id),
        `${c.id} stated twice: ${seen.get(c.id)} and ${c.file}:${c.line}`,
      ).toBe(undefined);
      seen.set(c.id, `${c.file}:${c.line}`);
      expect(c.id, `${c.file}:${c.line}`).toMatch(/^ch\d\.[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/);
      expect(c.id.slice(2, 3), `${c.id} in ${c.file}`).toBe(String(Number(c.file.slice(0, 2))));
    }
  });

  it('repeat a stated claim with the same number (“eight” may repeat as “8”)', () => {
    const byId = proseClaims();
    for (const c of claims.filter((x) => x.repeat)) {
      const first = byId.get(c.id);
      expect(
        c.value,
        `${c.file}:${c.line} repeats ${c.id} (${first.file}:${first.line}) as ${c.text}`,
      ).toBe(first.value);
    }
  });

  it('are every one read by a claims test (none is decorative)', () => {
    const unread = stated
      .filter((c) => {
        const group = /^(.*)\.\d+$/.exec(c.id)?.[1];
        return !claimsTests.includes(`'${c.id}'`) && !(group && claimsTests.includes(`'${group}'`));
      })
      .map((c) => `${c.id} (${c.file}:${c.line})`);
    expect(unread).toEqual([]);
  });

  it('cover every id the claims tests ask for', () => {
    const byId = proseClaims();
    const asked = new Set([...claimsTests.matchAll(/'(ch\d\.[A-Za-z0-9.]+)'/g)].map((m) => m[1]));
    const missing = [...asked].filter((id) => {
      if (byId.byId.has(id)) return false;
      try {
        byId.group(id);
        return false;
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });
});

/**
 * Decimals, shares (n%) and head names in a chapter's prose that are not
 * inside a `<Claim>`: frontmatter, imports, math, code, JSX tags, link
 * targets and everything from "Further reading" on are left out.
 */
function unmarked(source: string): string[] {
  const text = source
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/\n## Further reading[\s\S]*$/, '')
    .replace(/^import .*$/gm, '')
    .replace(/\$\$[\s\S]*?\$\$/g, '')
    .replace(/\$[^$\n]*\$/g, '')
    .replace(/`[^`\n]*`/g, '')
    .replace(/<Claim\b[^>]*>[^<]*<\/Claim>/g, '')
    .replace(/<[A-Za-z][^>]*>/g, '')
    .replace(/\]\([^)]*\)/g, ']');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:[Hh]eads? )?\b\d+\.\d+\b|\b\d+(?:\.\d+)?%/g)) {
    const at = m.index;
    out.push(text.slice(Math.max(0, at - 30), at + m[0].length + 20).replace(/\s+/g, ' '));
  }
  return out;
}

/** Decimals in the prose that are not about our models, by chapter file. */
const NOT_CLAIMS: Record<string, RegExp[]> = {
  // A hypothetical example of a privileged attention coordinate.
  '03-privileged-bases.mdx': [/Head 1\.4 attends to position/],
};

describe('the prose', () => {
  it('marks every decimal, share and head name it states about our models', () => {
    for (const f of chapterFiles()) {
      const left = unmarked(readFileSync(`${chaptersDir}/${f}`, 'utf8')).filter(
        (s) => !(NOT_CLAIMS[f] ?? []).some((re) => re.test(s)),
      );
      expect(left, `${f}: wrap these in <Claim id="…"> and test them`).toEqual([]);
    }
  });
});
