/**
 * How to cite the book and its chapters: the BibTeX shown at each chapter's
 * end and the Highwire `citation_*` meta tags that Google Scholar and
 * reference managers (Zotero) read. CITATION.cff says the same for the book.
 */
import { EDITION, longDate, type Edition } from './edition';

/** The book as a citable work (CITATION.cff has the same title and authors). */
export const BOOK = {
  title: 'Circuits: An Interactive Textbook on Transformer Circuits',
  /** Corporate author: BibTeX wraps it in braces so it is not split into names. */
  authors: ['The Circuits authors'],
  language: 'en',
  licences: {
    text: { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
    code: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    models: { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
  },
} as const;

/** One chapter, as a citation needs it. */
export interface CitedChapter {
  /** Entry id, e.g. `01-transformers`. */
  id: string;
  title: string;
  /** 1-based chapter number. */
  order: number;
}

/** Escapes the characters BibTeX treats specially in a braced field. */
export function bibtexEscape(text: string): string {
  return text.replace(/([&%$#_])/g, '\\$1').replace(/[{}]/g, (c) => `\\${c}`);
}

const MONTH_MACROS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];

/** `key = {value},` lines aligned, in the order given; a `month` macro stays bare. */
function entry(type: string, key: string, fields: [string, string][]): string {
  const width = Math.max(...fields.map(([name]) => name.length));
  const lines = fields.map(
    ([name, value]) => `  ${name.padEnd(width)} = ${name === 'month' ? value : `{${value}}`}`,
  );
  return `@${type}{${key},\n${lines.join(',\n')}\n}`;
}

function commonFields(edition: Edition, url: string): [string, string][] {
  const [year, month] = edition.date.split('-').map(Number);
  return [
    ['year', String(year)],
    ['month', MONTH_MACROS[month - 1]],
    ['version', edition.version],
    ['note', `Version ${edition.version} of ${longDate(edition.date)}; text and figures CC BY 4.0`],
    ['url', url],
  ];
}

/** The BibTeX key of the book. */
export const BOOK_KEY = 'circuits-book';

/** A BibTeX `@misc` entry for the whole book, found at `url`. */
export function bookBibtex(url: string, edition: Edition = EDITION): string {
  return entry('misc', BOOK_KEY, [
    ['author', `{${BOOK.authors.join(' and ')}}`],
    ['title', bibtexEscape(BOOK.title)],
    ...commonFields(edition, url),
  ]);
}

/** A BibTeX `@incollection` entry for one chapter, found at `url`. */
export function chapterBibtex(chapter: CitedChapter, url: string, edition = EDITION): string {
  return entry('incollection', `${BOOK_KEY}-${chapter.id}`, [
    ['author', `{${BOOK.authors.join(' and ')}}`],
    ['title', bibtexEscape(chapter.title)],
    ['booktitle', bibtexEscape(BOOK.title)],
    ['chapter', String(chapter.order)],
    ...commonFields(edition, url),
  ]);
}

/**
 * Highwire Press `citation_*` meta tags for a chapter page, as
 * `[name, content]` pairs in the order Google Scholar documents them.
 * (No `citation_public_url`: the book is hosted at many addresses, and the
 * crawler takes the page's own.)
 */
export function chapterMeta(chapter: CitedChapter, edition = EDITION): [string, string][] {
  return [
    ['citation_title', chapter.title],
    ...BOOK.authors.map((a): [string, string] => ['citation_author', a]),
    ['citation_publication_date', edition.date.replaceAll('-', '/')],
    ['citation_inbook_title', BOOK.title],
    ['citation_language', BOOK.language],
  ];
}
