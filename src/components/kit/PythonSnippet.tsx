import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { SnippetState } from '../../lib/python-snippet';

/** Props of the "Reproduce in Python" disclosure. */
export interface PythonSnippetProps {
  /** The figure's current state, as far as its numbers depend on it (see src/lib/python-snippet.ts). */
  state: SnippetState;
  /** Which of a figure's computations, when it offers several: "on your text". */
  label?: string;
}

/**
 * The script for `state` while `open`: the generator module loads on the
 * first open (it stays out of a chapter's first load), and the code follows
 * the state while the box is open. Undefined until written.
 */
function useSnippet(state: SnippetState, open: boolean): string | undefined {
  const key = JSON.stringify(state);
  const [code, setCode] = useState<{ key: string; code: string } | undefined>(undefined);
  useEffect(() => {
    if (!open) return;
    let live = true;
    void import('../../lib/python-snippet').then(({ pythonSnippet }) => {
      if (live) setCode({ key, code: pythonSnippet(JSON.parse(key) as SnippetState) });
    });
    return () => {
      live = false;
    };
  }, [key, open]);
  return code?.key === key ? code.code : undefined;
}

/**
 * "Reproduce in Python": a closed disclosure under a figure with a script
 * that computes the figure's numbers for its current state from the model's
 * TransformerLens download, and a Copy button. Where the Clipboard API is
 * missing (plain http) Copy selects the code instead and says so.
 */
export function PythonSnippet({ state, label }: PythonSnippetProps) {
  const pre = useRef<HTMLPreElement>(null);
  const [open, setOpen] = useState(false);
  const [said, setSaid] = useState('');
  const labelId = useId();
  const code = useSnippet(state, open);
  const copy = async () => {
    if (code === undefined) return;
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
      onToggle={(e) => {
        setOpen(e.currentTarget.open);
        setSaid('');
      }}
    >
      <summary>Reproduce in Python{label && `: ${label}`}</summary>
      <p class="kit-note" id={labelId}>
        TransformerLens code that computes these numbers for what the figure shows now, from this
        model’s downloads on its model page; it prints them as one Python dict.
      </p>
      <div class="kit-row">
        <button type="button" class="kit-secondary" onClick={copy} disabled={code === undefined}>
          Copy the Python code{label && ` ${label}`}
        </button>
        <span role="status" class="kit-note">
          {said}
        </span>
      </div>
      <pre ref={pre} tabIndex={0} aria-labelledby={labelId} data-testid="python-code">
        <code>{code ?? 'Writing the code…'}</code>
      </pre>
    </details>
  );
}
