import { useId, useRef, useState } from 'preact/hooks';

/** Props of the "Reproduce in Python" disclosure. */
export interface PythonSnippetProps {
  /** The whole script (see src/lib/python-snippet.ts), for the figure's current state. */
  code: string;
  /** Which of a figure's computations, when it offers several: "on your text". */
  label?: string;
}

/**
 * "Reproduce in Python": a closed disclosure under a figure with a script
 * that computes the figure's numbers for its current state from the model's
 * TransformerLens download, and a Copy button. Where the Clipboard API is
 * missing (plain http) Copy selects the code instead and says so.
 */
export function PythonSnippet({ code, label }: PythonSnippetProps) {
  const pre = useRef<HTMLPreElement>(null);
  const [said, setSaid] = useState('');
  const labelId = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setSaid('Copied.');
    } catch {
      const el = pre.current;
      if (!el) return;
      const range = document.createRange();
      range.selectNodeContents(el);
      const selection = getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      el.focus();
      setSaid('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
    }
  };
  return (
    <details
      class="kit-details kit-python"
      data-testid="python-snippet"
      onToggle={() => setSaid('')}
    >
      <summary>Reproduce in Python{label && `: ${label}`}</summary>
      <p class="kit-note" id={labelId}>
        TransformerLens code that computes these numbers for what the figure shows now, from this
        model’s downloads on its model page; it prints them as one Python dict.
      </p>
      <div class="kit-row">
        <button type="button" class="kit-secondary" onClick={copy}>
          Copy the Python code{label && ` ${label}`}
        </button>
        <span role="status" class="kit-note">
          {said}
        </span>
      </div>
      <pre ref={pre} tabIndex={0} aria-labelledby={labelId} data-testid="python-code">
        <code>{code}</code>
      </pre>
    </details>
  );
}
