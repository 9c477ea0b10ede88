/**
 * Reader text as Python source: `pyStr` writes a string literal that Python
 * reads back as exactly the text, showing no invisible or reordering
 * character; `tokenizerText` is the text the browser's tokenizer reads.
 * Proved by tests/unit/python-snippets.test.ts (which writes nasty and
 * random strings with their literals into tests/fixtures/python-snippets.json)
 * and training/tests/test_python_snippets.py (which parses them back).
 */

/** A code point that is shown as itself inside a Python string: letters, numbers, punctuation, symbols. */
const SHOWN = /^[\p{L}\p{N}\p{P}\p{S}]$/u;

/** `\xNN`, `\uNNNN` or `\UNNNNNNNN` for one code point. */
function escapeCodePoint(cp: number): string {
  const hex = cp.toString(16);
  if (cp < 0x100) return `\\x${hex.padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

const NAMED: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * A double-quoted Python string literal that Python reads back as exactly
 * `text`, code point for code point (a lone surrogate stays one code point).
 * Printable ASCII, letters, numbers, punctuation and symbols (emoji included)
 * appear as themselves; everything else (controls, NUL, format characters
 * such as bidi overrides and zero-width joiners, combining marks,
 * separators other than the space, surrogates, unassigned code points) is
 * escaped, so the source shows no invisible or reordering character.
 */
export function pyStr(text: string): string {
  let out = '"';
  // for..of walks code points; a lone surrogate comes out as one code unit.
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (NAMED[ch]) out += NAMED[ch];
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp >= 0x80 && SHOWN.test(ch)) out += ch;
    else out += escapeCodePoint(cp);
  }
  return out + '"';
}

/**
 * The text the tokenizer reads: the browser encodes text as UTF-8, which
 * turns each lone surrogate into U+FFFD, so the snippet quotes that string
 * (Python cannot encode a lone surrogate as UTF-8 at all).
 */
export function tokenizerText(text: string): string {
  return text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}
