/**
 * Widget state as a typed schema that round-trips through the page URL, so a
 * link reproduces exactly what the reader saw (prompt, head, seed...).
 *
 * Each widget names its fields under its own prefix (`tok.text`), so several
 * widgets on one page share the query string without clashing. Only values
 * that differ from the default are written, which keeps links short.
 *
 * Identity kept: `decodeState(schema, encodeState(schema, s, p), p)` equals `s`
 * for every valid state `s`; an invalid or missing parameter decodes to the
 * field's default.
 */

/** How one field of state is written to and read from a URL parameter. */
export interface Field<T> {
  /** The value when the URL does not say (or says something invalid). */
  readonly default: T;
  /** The value `raw` stands for, or `undefined` if it is not a valid one. */
  parse(raw: string): T | undefined;
  /** The parameter text for `value`; `parse(format(v))` gives back `v`. */
  format(value: T): string;
}

/** A widget's state schema: field name to codec. */
export type Schema = Record<string, Field<unknown>>;

/** The state object a schema describes. */
export type StateOf<S extends Schema> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/** Codecs for the kinds of value widget state holds. */
export const field = {
  /** Free text, such as a prompt; longer text than `maxLength` is rejected. */
  text(defaultValue: string, maxLength = 2000): Field<string> {
    return {
      default: defaultValue,
      parse: (raw) => (raw.length <= maxLength ? raw : undefined),
      format: (value) => value,
    };
  },
  /** An integer in `[min, max]`, such as a layer, head or seed. */
  int(defaultValue: number, min: number, max: number): Field<number> {
    return {
      default: defaultValue,
      parse: (raw) => {
        if (!/^-?\d+$/.test(raw)) return undefined;
        const n = Number(raw);
        return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
      },
      format: (value) => String(value),
    };
  },
  /** A switch, written as `1` or `0`. */
  bool(defaultValue: boolean): Field<boolean> {
    return {
      default: defaultValue,
      parse: (raw) => (raw === '1' ? true : raw === '0' ? false : undefined),
      format: (value) => (value ? '1' : '0'),
    };
  },
  /** One of a fixed list of names, such as a model id. */
  oneOf<const T extends string>(values: readonly T[], defaultValue: T): Field<T> {
    return {
      default: defaultValue,
      parse: (raw) => values.find((v) => v === raw),
      format: (value) => value,
    };
  },
};

function key(prefix: string, name: string): string {
  return `${prefix}.${name}`;
}

/** Reads a state from URL parameters; missing or invalid fields take their defaults. */
export function decodeState<S extends Schema>(
  schema: S,
  params: URLSearchParams,
  prefix: string,
): StateOf<S> {
  const state: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(schema)) {
    const raw = params.get(key(prefix, name));
    const parsed = raw === null ? undefined : f.parse(raw);
    state[name] = parsed === undefined ? f.default : parsed;
  }
  return state as StateOf<S>;
}

/**
 * A copy of `params` with `state` written under `prefix`: fields equal to
 * their default are removed, others set. Parameters of other prefixes stay.
 */
export function encodeState<S extends Schema>(
  schema: S,
  state: StateOf<S>,
  params: URLSearchParams,
  prefix: string,
): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [name, f] of Object.entries(schema)) {
    const text = f.format(state[name]);
    if (text === f.format(f.default)) next.delete(key(prefix, name));
    else next.set(key(prefix, name), text);
  }
  return next;
}
