import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostingNotes, LICENCE_FILES } from '../../scripts/archive.mjs';
import { stamped, unstamped, writeServiceWorker } from '../../scripts/finish-build.mjs';
import { BOOK, bibtexEscape, bookBibtex, chapterBibtex, chapterMeta } from '../../src/lib/citation';
import { EDITION, longDate, parseEdition } from '../../src/lib/edition';

const read = (path: string) => readFileSync(path, 'utf8');

describe('the edition has one source', () => {
  it('package.json and CITATION.cff state the same version', () => {
    const pkg = JSON.parse(read('package.json')) as { version: string; license: string };
    expect(parseEdition(read('CITATION.cff')).version).toBe(pkg.version);
    expect(EDITION.version).toBe(pkg.version);
  });

  it('HOSTING.md states the version and release date of CITATION.cff', () => {
    expect(read('HOSTING.md')).toContain(
      `\nVersion ${EDITION.version} of ${longDate(EDITION.date)}.\n`,
    );
  });

  it('CITATION.cff has the title and authors the pages cite', () => {
    // Quotes as Prettier writes YAML (single); either kind is the same YAML.
    const cff = read('CITATION.cff').replaceAll('"', "'");
    expect(cff).toContain(`\ntitle: '${BOOK.title}'`);
    for (const author of BOOK.authors) expect(cff).toContain(`- name: '${author}'`);
  });

  it('reads a release from CITATION.cff and refuses one without a date', () => {
    expect(parseEdition('version: "1.2.3"\ndate-released: 2027-01-05\n')).toEqual({
      version: '1.2.3',
      date: '2027-01-05',
    });
    expect(() => parseEdition('version: "1.2.3"\n')).toThrow(/date-released/);
    expect(longDate('2027-01-05')).toBe('5 January 2027');
  });
});

describe('licences', () => {
  it('the licence files say what they cover', () => {
    expect(read('LICENSE')).toMatch(/^MIT License\n/);
    expect(read('LICENSE-text')).toContain('Creative Commons Attribution 4.0 International');
    const models = read('LICENSE-models');
    expect(models).toContain('CC BY 4.0');
    for (const source of [
      'King James Bible',
      'fortune-mod',
      'The Jargon File 4.4.7',
      "The Devil's Dictionary",
      'Python 3.11 documentation',
    ])
      expect(models).toContain(source);
    expect(LICENCE_FILES).toEqual(['LICENSE', 'LICENSE-text', 'LICENSE-models']);
  });

  it('package.json, the README and HOSTING.md state the same licences', () => {
    const pkg = JSON.parse(read('package.json')) as { license: string };
    expect(pkg.license).toBe('MIT AND CC-BY-4.0');
    for (const doc of ['README.md', 'HOSTING.md']) {
      const text = read(doc);
      expect(text, doc).toMatch(/Code\*\*: MIT/);
      expect(text, doc).toMatch(/Text and figures\*\*: Creative Commons Attribution 4\.0/);
      expect(text, doc).toMatch(/Model weights\*\*: CC BY 4\.0/);
    }
  });
});

describe('citations', () => {
  const chapter = {
    id: '05-attention-heads',
    title: 'Attention heads & their 100% circuits',
    order: 5,
  };

  it('escapes what BibTeX treats specially', () => {
    expect(bibtexEscape('QK & OV, 100% of #1_a {b}')).toBe('QK \\& OV, 100\\% of \\#1\\_a \\{b\\}');
  });

  it('writes a chapter entry whose braces balance and whose fields are the chapter’s', () => {
    const entry = chapterBibtex(chapter, 'https://uni.example/book/chapters/05-attention-heads/', {
      version: '1.2.3',
      date: '2027-03-09',
    });
    expect(entry).toMatch(/^@incollection\{circuits-book-05-attention-heads,\n/);
    expect(entry).toContain('title     = {Attention heads \\& their 100\\% circuits}');
    expect(entry).toContain('author    = {{The Circuits authors}}');
    expect(entry).toContain('chapter   = {5}');
    expect(entry).toContain('year      = {2027}');
    expect(entry).toContain('month     = mar');
    expect(entry).toContain('version   = {1.2.3}');
    expect(entry).toContain('url       = {https://uni.example/book/chapters/05-attention-heads/}');
    expect(entry.split('{').length).toBe(entry.split('}').length);
    expect(bookBibtex('https://uni.example/book/')).toMatch(/^@misc\{circuits-book,\n/);
  });

  it('gives Highwire tags with a slash date', () => {
    expect(chapterMeta(chapter, { version: '1.2.3', date: '2027-03-09' })).toEqual([
      ['citation_title', chapter.title],
      ['citation_author', 'The Circuits authors'],
      ['citation_publication_date', '2027/03/09'],
      ['citation_inbook_title', BOOK.title],
      ['citation_language', 'en'],
    ]);
  });
});

describe('the build hash on every page', () => {
  const page = (text: string) =>
    `<!doctype html><html><head><meta charset="utf-8"></head><body><p>${text}</p>` +
    `<p class="site-edition" data-edition-version="1.2.3" data-edition-date="2027-03-09">` +
    `build <code data-build-hash>unfinished</code>.</p></body></html>`;

  it('blanks and fills only the marked elements', () => {
    const html = '<code data-build-hash>x</code><code data-build-hashes>y</code>';
    expect(unstamped(html)).toBe('<code data-build-hash></code><code data-build-hashes>y</code>');
    expect(stamped(html, 'abc')).toBe(
      '<code data-build-hash>abc</code><code data-build-hashes>y</code>',
    );
  });

  it('is the service worker’s version, stable under restamping, new when a file changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'circuits-stamp-'));
    try {
      writeFileSync(join(dir, 'index.html'), page('one'));
      writeFileSync(join(dir, 'a.js'), 'let a = 1;');
      const first = writeServiceWorker(dir).version;
      expect(read(join(dir, 'index.html'))).toContain(`<code data-build-hash>${first}</code>`);
      // Running again over the stamped pages gives the same version.
      expect(writeServiceWorker(dir).version).toBe(first);
      writeFileSync(join(dir, 'a.js'), 'let a = 2;');
      const second = writeServiceWorker(dir).version;
      expect(second).not.toBe(first);
      expect(read(join(dir, 'index.html'))).toContain(`<code data-build-hash>${second}</code>`);
      // The archive's HOSTING.md names the same build.
      expect(hostingNotes(dir, second)).toContain(
        `\nVersion 1.2.3 of 9 March 2027, build ${second}.\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
