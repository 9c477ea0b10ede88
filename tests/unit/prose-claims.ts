import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { root } from './paths';

/**
 * The numbers the chapters state about our models, read from the MDX. Prose
 * marks each one with the kit's `<Claim>` (src/components/kit/Claim.astro):
 *
 *   head <Claim id="ch6.inductionHead">1.2</Claim> at <Claim id="ch6.inductionScore">0.74</Claim>
 *
 * and the claims tests (claims-*.test.ts) take the value from here, so a test
 * cannot check a number the prose no longer says. `<Claim same="id">` repeats
 * a claim stated elsewhere; prose-claims.test.ts checks that it says the
 * same number, that ids are unique, and that every id is read by some claims test.
 */

/** One marked number. */
export interface ProseClaim {
  /** `chN.name`; members of a list end in `.1`, `.2`, … (see `group`). */
  id: string;
  /** The text as written, e.g. "0.74", "2,048", "−0.95", "1.2", "none". */
  text: string;
  /** The number it writes: thousands commas dropped, − read as minus, "none" as 0, "eight" as 8. */
  value: number;
  /**
   * Where its last written digit sits, as `toFixed` counts: decimals as
   * written ("0.74" → 2, "25" → 0), negative for an integer's trailing zeros
   * ("600,000" → -5, "66,000" → -3, "10" → -1). A number words spell out → 0.
   */
  digits: number;
  /** The chapter file (e.g. "06-induction-heads.mdx") and the line it is on. */
  file: string;
  line: number;
  /** True for `<Claim same=…>`, a repeat of a claim stated elsewhere. */
  repeat: boolean;
}

/** The chapters folder. */
export const chaptersDir = `${root}src/content/chapters`;

/** Number words the prose uses for claims ("none of the 64 pairs", "eight random sequences", "no direction", "comes second"). */
const WORDS: Record<string, number> = {
  none: 0,
  no: 0,
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  sixteen: 16,
  twenty: 20,
  // ranks ("comes second")
  first: 1,
  second: 2,
  third: 3,
};

/** The value and written precision of a claim's text; throws on text that is not a number. */
export function claimNumber(text: string): { value: number; digits: number } {
  const word = WORDS[text.toLowerCase()];
  if (word !== undefined) return { value: word, digits: 0 };
  const t = text.replace(/^\u2212/, '-');
  const m = /^(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) throw new Error(`claim text "${text}" is not a number`);
  const int = m[2].replace(/,/g, '');
  const value = Number(`${m[1]}${int}${m[3] ? `.${m[3]}` : ''}`);
  if (m[3]) return { value, digits: m[3].length };
  const trailing = int === '0' ? 0 : int.length - int.replace(/0+$/, '').length;
  return { value, digits: trailing === 0 ? 0 : -trailing };
}

/** Every `<Claim …>` element, well formed or not, for the count check. */
const ANY_CLAIM = /<Claim\b/g;
/** A well-formed claim: one attribute, plain text inside. */
const CLAIM = /<Claim\s+(id|same)="([^"]+)"\s*>([^<]*)<\/Claim>/g;

/** The claims of one MDX source; throws on a `<Claim` it cannot read. */
export function parseClaims(source: string, file: string): ProseClaim[] {
  const out: ProseClaim[] = [];
  for (const m of source.matchAll(CLAIM)) {
    const line = source.slice(0, m.index).split('\n').length;
    const text = m[3].trim();
    const { value, digits } = claimNumber(text);
    out.push({ id: m[2], text, value, digits, file, line, repeat: m[1] === 'same' });
  }
  const all = source.match(ANY_CLAIM)?.length ?? 0;
  if (all !== out.length)
    throw new Error(
      `${file}: ${all} <Claim> elements but ${out.length} readable ones (write <Claim id="…">number</Claim>)`,
    );
  return out;
}

/** Chapter files in order, e.g. ["01-transformers.mdx", …]. */
export function chapterFiles(): string[] {
  return readdirSync(chaptersDir)
    .filter((f) => /^\d\d-.*\.mdx$/.test(f))
    .sort();
}

/** Every claim of every chapter, statements and repeats, in reading order. */
export function allClaims(): ProseClaim[] {
  return chapterFiles().flatMap((f) => parseClaims(readFileSync(`${chaptersDir}/${f}`, 'utf8'), f));
}

/** The stated claims of the book by id, with accessors that name a missing id. */
export class Claims {
  readonly byId = new Map<string, ProseClaim>();

  constructor(claims: readonly ProseClaim[]) {
    for (const c of claims) if (!c.repeat && !this.byId.has(c.id)) this.byId.set(c.id, c);
  }

  /** The claim `id`; throws if no chapter states it. */
  get(id: string): ProseClaim {
    const c = this.byId.get(id);
    if (!c) throw new Error(`no <Claim id="${id}"> in src/content/chapters`);
    return c;
  }

  /** Its number. */
  value(id: string): number {
    return this.get(id).value;
  }

  /** Its text as written (a head name such as "1.2"). */
  text(id: string): string {
    return this.get(id).text;
  }

  /** The members `prefix.1`, `prefix.2`, … of a list, in order; throws if there are none. */
  group(prefix: string): ProseClaim[] {
    const out = [...this.byId.values()]
      .filter((c) => c.id.startsWith(`${prefix}.`) && /^\d+$/.test(c.id.slice(prefix.length + 1)))
      .sort(
        (a, b) => Number(a.id.slice(prefix.length + 1)) - Number(b.id.slice(prefix.length + 1)),
      );
    if (out.length === 0) throw new Error(`no <Claim id="${prefix}.1"> … in src/content/chapters`);
    return out;
  }
}

/** The book's claims, read from the MDX (once per test file). */
export function proseClaims(): Claims {
  return new Claims(allClaims());
}

/** `x` rounded at the claim's written precision (`digits`). */
export function roundAsWritten(x: number, digits: number): number {
  if (digits >= 0) return Number(x.toFixed(digits));
  const unit = 10 ** -digits;
  return Math.round(x / unit) * unit;
}

/** Asserts that the measured `x`, rounded as the prose rounds it, is what the prose writes. */
export function expectAsWritten(x: number, claim: ProseClaim): void {
  const shown = roundAsWritten(x, claim.digits);
  expect(
    Math.abs(shown - claim.value) < 1e-9 * Math.max(1, Math.abs(claim.value)),
    `${claim.id} (${claim.file}:${claim.line}): measured ${x}, which rounds to ${shown}; the prose says ${claim.text}`,
  ).toBe(true);
}

/** Asserts that `x` is within `tol` (a fraction) of the claim: for the prose's "about" and "roughly". */
export function expectAbout(x: number, claim: ProseClaim, tol: number): void {
  expect(
    Math.abs(x - claim.value) <= tol * Math.abs(claim.value),
    `${claim.id} (${claim.file}:${claim.line}): measured ${x}, not within ${tol * 100}% of the prose's ${claim.text}`,
  ).toBe(true);
}

/** A head name ("1.2", or a claim that writes one) as layer and head. */
export function headOf(name: ProseClaim | string): { layer: number; head: number } {
  const text = typeof name === 'string' ? name : name.text;
  const m = /^(\d+)\.(\d+)$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a head name (layer.head)`);
  return { layer: Number(m[1]), head: Number(m[2]) };
}
