import { useCallback, useEffect, useState } from 'preact/hooks';
import { decodeState, encodeState, type Schema, type StateOf } from './url-state';

/**
 * A widget's state, kept in the page URL under `prefix` (see url-state.ts).
 *
 * The first render uses the defaults, as the server-rendered HTML did, so
 * hydration matches; the URL's values are applied right after. Updates
 * replace the current history entry (typing a prompt should not fill the
 * back button) and keep the hash, so the reader stays where they were.
 */
export function useUrlState<S extends Schema>(
  schema: S,
  prefix: string,
): [StateOf<S>, (patch: Partial<StateOf<S>>) => void] {
  const [state, setState] = useState<StateOf<S>>(() => {
    const defaults: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(schema)) defaults[name] = f.default;
    return defaults as StateOf<S>;
  });

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

  return [state, update];
}
