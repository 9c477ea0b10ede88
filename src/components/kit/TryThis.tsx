import type { ComponentChildren } from 'preact';
import './kit.css';

/** One suggestion: text, and optionally an action that sets the figure up for it. */
export interface Suggestion {
  /** What to try, as a sentence. */
  text: ComponentChildren;
  /** When given, the text is a button that applies the suggestion (e.g. sets the prompt). */
  apply?: () => void;
}

/** The "Try this" box each figure ends with. */
export function TryThis({ items }: { items: readonly Suggestion[] }) {
  return (
    <aside class="kit-try" aria-label="Try this">
      <p class="kit-try-title">Try this</p>
      <ul>
        {items.map((s, i) => (
          <li key={i}>
            {s.apply ? (
              <button type="button" onClick={s.apply}>
                {s.text}
              </button>
            ) : (
              s.text
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
