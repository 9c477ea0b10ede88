/**
 * URL-state codecs the figures share, on top of `field` from url-state.ts:
 * a prompt, one head, a set of heads. Head references are written as the book
 * names heads, `layer.head` (e.g. `1.4`), so a URL reads like the prose.
 */
import { MODEL_IDS, type ModelId } from '../../model/config';
import { field, type Field } from './url-state';

/**
 * The book's default prompt: a repeated sentence, so both the next-word
 * guesses and the copying behaviour of induction heads show on it.
 */
export const DEFAULT_PROMPT = 'The cat sat on the mat. The cat sat on the';

/** The longest prompt the URL keeps, in characters. */
export const MAX_PROMPT_CHARS = 2000;

/** The largest seed a figure takes (and its URL keeps). */
export const MAX_SEED = 999999;

/** A seed for a figure's random draw, an integer in [0, MAX_SEED] (the range `SeedField` offers). */
export function seedField(defaultValue = 1): Field<number> {
  return field.int(defaultValue, 0, MAX_SEED);
}

/** A head as `{ layer, head }`, both counted from 0. */
export interface HeadId {
  readonly layer: number;
  readonly head: number;
}

/** `1.4` for layer 1, head 4. */
export function headName(h: HeadId): string {
  return `${h.layer}.${h.head}`;
}

/** Parses `1.4`; undefined for anything else. Bounds are checked by the figure, which knows the model. */
export function parseHead(raw: string): HeadId | undefined {
  const m = /^(\d{1,2})\.(\d{1,2})$/.exec(raw);
  return m ? { layer: Number(m[1]), head: Number(m[2]) } : undefined;
}

/**
 * `head` if a model with `config`'s layers and heads has it, else `fallback`:
 * a URL (or a model switch) may name a head the model does not have.
 */
export function headIn<F>(
  config: { n_layers: number; n_heads: number } | undefined,
  head: HeadId | undefined,
  fallback: F,
): HeadId | F {
  return config && head && head.layer < config.n_layers && head.head < config.n_heads
    ? head
    : fallback;
}

/**
 * A prompt typed by the reader, at most MAX_PROMPT_CHARS characters. A longer
 * one (a hand-made or cut-and-pasted link) keeps its first MAX_PROMPT_CHARS
 * characters rather than falling back to the default, so nothing the reader
 * sent is swapped for something else; the prompt box then says it is at its
 * limit.
 */
export function promptField(defaultValue: string): Field<string> {
  return {
    default: defaultValue,
    parse: (raw) => {
      if (raw.length <= MAX_PROMPT_CHARS) return raw;
      const cut = raw.slice(0, MAX_PROMPT_CHARS);
      // Never end on half of a surrogate pair.
      return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
    },
    format: (v) => v,
  };
}

/**
 * The URL fields of a figure that runs a model the reader chooses on the
 * reader's prompt (see `useModelPrompt` and `ModelPromptInput`).
 */
export function modelPromptFields(prompt = DEFAULT_PROMPT, model: ModelId = 'attn-only-2l') {
  return { prompt: promptField(prompt), model: field.oneOf(MODEL_IDS, model) };
}

/** One head, written `layer.head`. */
export function headField(defaultValue: HeadId): Field<HeadId> {
  return {
    default: defaultValue,
    parse: parseHead,
    format: headName,
  };
}

/**
 * A set of heads, written `0.1,1.4` (sorted, no duplicates; empty = none);
 * decodes to head names in that order.
 */
export function headSetField(defaultValue: readonly string[] = []): Field<readonly string[]> {
  const canonical = (names: readonly string[]) =>
    [...new Set(names)].sort((a, b) => {
      const x = parseHead(a)!;
      const y = parseHead(b)!;
      return x.layer - y.layer || x.head - y.head;
    });
  return {
    default: canonical(defaultValue),
    parse: (raw) => {
      if (raw === '') return [];
      const parts = raw.split(',');
      if (parts.length > 256 || !parts.every((p) => parseHead(p))) return undefined;
      return canonical(parts.map((p) => headName(parseHead(p)!)));
    },
    format: (v) => canonical(v).join(','),
  };
}

/** A token position in the prompt; -1 means "the last token". */
export function positionField(defaultValue = -1): Field<number> {
  return {
    default: defaultValue,
    parse: (raw) => {
      if (!/^-?\d{1,4}$/.test(raw)) return undefined;
      const n = Number(raw);
      return n >= -1 ? n : undefined;
    },
    format: (v) => String(v),
  };
}

/** Resolves a position field against a prompt of `length` tokens: -1 and out-of-range go to the last. */
export function resolvePosition(pos: number, length: number): number {
  return pos < 0 || pos >= length ? length - 1 : pos;
}
