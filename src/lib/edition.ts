/**
 * Which edition of the book this is: its version number and release date,
 * read at build time from CITATION.cff (the one place a release changes them;
 * package.json's `version` must agree, tests/unit/edition.test.ts checks it).
 * The build hash, the third part of every page's version line, is only known
 * once the whole site is built: scripts/finish-build.mjs writes it into every
 * element marked `data-build-hash`.
 */
import citation from '../../CITATION.cff?raw';

/** A release of the book. */
export interface Edition {
  /** Semantic version, e.g. `0.1.0`. */
  version: string;
  /** Release date, ISO `YYYY-MM-DD`. */
  date: string;
}

/** Reads `version` and `date-released` from the top level of a CITATION.cff text. */
export function parseEdition(cff: string): Edition {
  const field = (name: string) =>
    new RegExp(`^${name}:\\s*["']?([^"'\\n]+?)["']?\\s*$`, 'm').exec(cff)?.[1];
  const version = field('version');
  const date = field('date-released');
  if (!version || !/^\d+\.\d+\.\d+/.test(version))
    throw new Error(`CITATION.cff: no top-level version like 1.2.3 (saw ${version})`);
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new Error(`CITATION.cff: no top-level date-released like 2026-11-29 (saw ${date})`);
  return { version, date };
}

/** This build's edition. */
export const EDITION: Edition = parseEdition(citation);

/** `2026-11-29` → `29 November 2026` (the book's date style, the same in every browser's locale). */
export function longDate(iso: string): string {
  const [year, month, day] = iso.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/**
 * The text `scripts/finish-build.mjs` replaces with the build hash inside every
 * `data-build-hash` element. Before that (dev server) it stays, and says why.
 */
export const UNFINISHED_BUILD = 'unfinished';
