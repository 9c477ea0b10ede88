/**
 * Byte-level BPE tokenizer reading a Hugging Face `tokenizer.json`
 * (the GPT-2 scheme: GPT-2 pre-tokenizer regex, GPT-2 byte-to-unicode map,
 * merges applied by rank).
 *
 * Identity kept: `decode(encode(text)) === text` for every string, and
 * `encode` gives the same ids as the Python `tokenizers` library that trained
 * the vocabulary (checked on tests/fixtures/tokenizer-cases.json).
 */

/** The subset of a Hugging Face `tokenizer.json` this reader understands. */
export interface TokenizerJson {
  model: {
    type?: string;
    vocab: Record<string, number>;
    /** `"a b"` strings (tokenizers < 0.20) or `["a", "b"]` pairs (newer). */
    merges: Array<string | [string, string]>;
  };
  added_tokens?: Array<{ id: number; content: string; special?: boolean }>;
  pre_tokenizer?: PreTokenizerJson | null;
}

interface PreTokenizerJson {
  type: string;
  add_prefix_space?: boolean;
  use_regex?: boolean;
  pretokenizers?: PreTokenizerJson[];
}

/** A byte-level BPE tokenizer: text to token ids and back. */
export interface Tokenizer {
  /** Number of ids in the vocabulary, added tokens included. */
  readonly vocabSize: number;
  /** Token ids for `text`, as the Python tokenizer gives them. */
  encode(text: string): number[];
  /** The text the ids stand for; invalid UTF-8 byte runs decode to U+FFFD. */
  decode(ids: readonly number[]): string;
  /**
   * One display string per token (`displayToken` of its bytes): the token's
   * own text with spaces shown as `·`, newlines as `↵`, tabs as `⇥`, other
   * control characters as their control pictures (`␀`, `␛`), invisible
   * characters as `⟨U+200B⟩`, and bytes that are only part of a character as
   * `\xF0`, so every token is visible and a reader can see its boundaries.
   */
  tokenStrings(ids: readonly number[]): string[];
  /** The raw vocabulary string of one id (byte-level alphabet), e.g. `"Ġthe"`. */
  idToToken(id: number): string;
}

/**
 * The GPT-2 pre-tokenizer pattern, as `tokenizers`' ByteLevel uses it
 * (Unicode property classes need the `u` flag).
 */
const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * GPT-2's reversible map from the 256 byte values to printable code points:
 * printable Latin-1 bytes map to themselves, the rest to U+0100 onwards.
 */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map: string[] = new Array(256);
  const isPrintable = new Set(printable);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (isPrintable.has(b)) map[b] = String.fromCodePoint(b);
    else map[b] = String.fromCodePoint(256 + next++);
  }
  return map;
}

class ByteLevelBpe implements Tokenizer {
  readonly vocabSize: number;
  private readonly vocab: Map<string, number>;
  private readonly idToTok: string[];
  private readonly ranks: Map<string, number>;
  private readonly byteToChar = bytesToUnicode();
  private readonly charToByte: Map<string, number>;
  private readonly cache = new Map<string, number[]>();
  private readonly addedTokens: Array<{ id: number; content: string }>;
  private readonly addPrefixSpace: boolean;
  private readonly encoder = new TextEncoder();

  constructor(json: TokenizerJson) {
    if (json.model.type !== undefined && json.model.type !== 'BPE') {
      throw new Error(`tokenizer.json: expected a BPE model, got ${json.model.type}`);
    }
    this.vocab = new Map(Object.entries(json.model.vocab));
    this.idToTok = [];
    for (const [tok, id] of this.vocab) this.idToTok[id] = tok;
    this.addedTokens = (json.added_tokens ?? [])
      .map(({ id, content }) => ({ id, content }))
      // Longest first, so a special token that contains another wins.
      .sort((a, b) => b.content.length - a.content.length);
    for (const { id, content } of this.addedTokens) this.idToTok[id] = content;
    this.vocabSize = this.idToTok.length;
    this.ranks = new Map();
    json.model.merges.forEach((m, rank) => {
      const [a, b] = typeof m === 'string' ? splitMerge(m) : m;
      this.ranks.set(`${a} ${b}`, rank);
    });
    this.charToByte = new Map(this.byteToChar.map((c, b) => [c, b]));
    this.addPrefixSpace = findByteLevel(json.pre_tokenizer)?.add_prefix_space ?? false;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const piece of this.splitAdded(text)) {
      if (typeof piece === 'number') ids.push(piece);
      else this.encodeOrdinary(piece, ids);
    }
    return ids;
  }

  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    let out = '';
    const flush = () => {
      out += new TextDecoder().decode(new Uint8Array(bytes));
      bytes.length = 0;
    };
    for (const id of ids) {
      const tok = this.idToToken(id);
      const added = this.addedTokens.find((t) => t.id === id);
      if (added) {
        flush();
        out += added.content;
        continue;
      }
      for (const ch of tok) {
        const b = this.charToByte.get(ch);
        if (b === undefined)
          throw new Error(`tokenizer: token ${id} has a char outside the byte map`);
        bytes.push(b);
      }
    }
    flush();
    return out;
  }

  tokenStrings(ids: readonly number[]): string[] {
    return ids.map((id) => {
      const added = this.addedTokens.find((t) => t.id === id);
      if (added) return added.content;
      return displayToken(Uint8Array.from(this.idToToken(id), (ch) => this.charToByte.get(ch)!));
    });
  }

  idToToken(id: number): string {
    const tok = this.idToTok[id];
    if (tok === undefined)
      throw new Error(`tokenizer: id ${id} outside the vocabulary [0, ${this.vocabSize})`);
    return tok;
  }

  /** Splits out added (special) tokens, which BPE never sees. */
  private splitAdded(text: string): Array<string | number> {
    if (this.addedTokens.length === 0) return [text];
    const out: Array<string | number> = [];
    let start = 0;
    let i = 0;
    while (i < text.length) {
      const hit = this.addedTokens.find((t) => text.startsWith(t.content, i));
      if (hit) {
        if (i > start) out.push(text.slice(start, i));
        out.push(hit.id);
        i += hit.content.length;
        start = i;
      } else i++;
    }
    if (start < text.length) out.push(text.slice(start));
    return out;
  }

  private encodeOrdinary(text: string, ids: number[]): void {
    if (this.addPrefixSpace && !text.startsWith(' ')) text = ' ' + text;
    for (const match of text.matchAll(GPT2_PATTERN)) {
      const word = match[0];
      let cached = this.cache.get(word);
      if (!cached) {
        cached = this.bpe(word);
        // A bounded cache: typing never grows memory without limit.
        if (this.cache.size > 50_000) this.cache.clear();
        this.cache.set(word, cached);
      }
      for (const id of cached) ids.push(id);
    }
  }

  /** Merges the byte-level symbols of one pre-token, lowest rank first. */
  private bpe(word: string): number[] {
    let symbols = Array.from(this.encoder.encode(word), (b) => this.byteToChar[b]);
    while (symbols.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < symbols.length - 1; i++) {
        const r = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const a = symbols[best];
      const b = symbols[best + 1];
      // Merge every occurrence of the pair left to right, as tokenizers does.
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i < symbols.length - 1 && symbols[i] === a && symbols[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(symbols[i]);
      }
      symbols = merged;
    }
    return symbols.map((s) => {
      const id = this.vocab.get(s);
      if (id === undefined)
        throw new Error(`tokenizer: symbol ${JSON.stringify(s)} is not in the vocabulary`);
      return id;
    });
  }
}

/** Characters that would show as nothing, or as a blank: controls, format characters, odd spaces. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}]/u;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes in a UTF-8 sequence that starts with `lead` (1 for a byte that cannot start one). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 1;
}

/** One character as the token strip shows it (see `displayToken`). */
function displayChar(ch: string, first: boolean): string {
  if (ch === ' ') return '·';
  if (ch === '\n') return '↵';
  if (ch === '\t') return '⇥';
  const cp = ch.codePointAt(0)!;
  if (cp < 0x20) return String.fromCodePoint(0x2400 + cp); // ␀ … ␟
  if (cp === 0x7f) return '␡';
  if (INVISIBLE.test(ch)) return `⟨U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟩`;
  // A combining mark with nothing before it in the token gets a dotted circle to sit on.
  if (first && /\p{M}/u.test(ch)) return `◌${ch}`;
  return ch;
}

/**
 * How one token's bytes are shown to a reader: its UTF-8 text with spaces as
 * `·`, newlines as `↵`, tabs as `⇥`, other C0 controls as control pictures
 * (`␀`, `␇`, `␛`), DEL as `␡`, format characters and spaces other than
 * U+0020 (zero-width space and joiner, bidi marks, BOM, NBSP) as `⟨U+200B⟩`,
 * a leading combining mark on `◌`, and every byte that is not part of a
 * complete character in this token (a byte-level BPE splits emoji and most
 * non-Latin letters into such pieces) as `\xF0`. Never empty for a
 * non-empty token, and never contains a control or format character.
 */
export function displayToken(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes[i]);
    let ch: string | undefined;
    if (i + n <= bytes.length) {
      try {
        ch = strictUtf8.decode(bytes.subarray(i, i + n));
      } catch {
        ch = undefined; // not a valid sequence: show the byte itself
      }
    }
    if (ch === undefined) {
      out += `\\x${bytes[i].toString(16).toUpperCase().padStart(2, '0')}`;
      i += 1;
    } else {
      out += displayChar(ch, i === 0);
      i += n;
    }
  }
  return out;
}

function splitMerge(m: string): [string, string] {
  const i = m.indexOf(' ', 1);
  if (i < 0) throw new Error(`tokenizer.json: malformed merge ${JSON.stringify(m)}`);
  return [m.slice(0, i), m.slice(i + 1)];
}

function findByteLevel(p: PreTokenizerJson | null | undefined): PreTokenizerJson | undefined {
  if (!p) return undefined;
  if (p.type === 'ByteLevel') return p;
  for (const child of p.pretokenizers ?? []) {
    const hit = findByteLevel(child);
    if (hit) return hit;
  }
  return undefined;
}

/** Builds a tokenizer from an already parsed `tokenizer.json`. */
export function tokenizerFromJson(json: TokenizerJson): Tokenizer {
  return new ByteLevelBpe(json);
}

/**
 * Fetches and parses a `tokenizer.json`. Rejects with the URL and HTTP status
 * when the file cannot be fetched.
 */
export async function loadTokenizer(url: string): Promise<Tokenizer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`tokenizer: GET ${url} failed with HTTP ${res.status}`);
  return tokenizerFromJson((await res.json()) as TokenizerJson);
}
