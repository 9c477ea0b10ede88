import { useCallback, useEffect, useState } from 'preact/hooks';
import { decodeState, encodeState, type Schema, type StateOf } from './url-state';

/** Every field of `schema` at its default. */
function defaultsOf<S extends Schema>(schema: S): StateOf<S> {
  const defaults: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(schema)) defaults[name] = f.default;
  return defaults as StateOf<S>;
}

/**
 * A widget's state, kept in the page URL under `prefix` (see url-state.ts),
 * with `update` for a change and `reset` back to every default (a figure's
 * way out of an input the model cannot take).
 *
 * The first render uses the defaults, as the server-rendered HTML did, so
 * hydration matches; the URL's values are applied right after. Updates
 * replace the current history entry (typing a prompt should not fill the
 * back button) and keep the hash, so the reader stays where they were.
 */
export function useUrlState<S extends Schema>(
  schema: S,
  prefix: string,
): [StateOf<S>, (patch: Partial<StateOf<S>>) => void, () => void] {
  const [state, setState] = useState<StateOf<S>>(() => defaultsOf(schema));

  useEffect(() => {
    setState(decodeState(schema, new URLSearchParams(window.location.search), prefix));
  }, [schema, prefix]);

  const update = useCallback(
    (patch: Partial<StateOf<S>>) => {
      setState((previous) => {
        const next = { ...previous, ...patch };
        const url = new URL(window.location.href);
        url.search = encodeState(schema, next, url.searchParams, prefix).toString();
        window.history.replaceState(window.history.state, '', url);
        return next;
      });
    },
    [schema, prefix],
  );

  const reset = useCallback(() => update(defaultsOf(schema)), [update, schema]);

  return [state, update, reset];
}
