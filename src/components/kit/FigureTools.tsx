import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { figureLink, hasMachineParams } from './figure-link';
import './figure-tools.css';

/** Where a figure stands in its chapter: its number and anchor (src/lib/figure-numbers.ts). */
export interface FigureSlot {
  /** "6.3". */
  number: string;
  /** The anchor id, "fig-own-text". */
  id: string;
}

/**
 * The slot a chapter's build put around the figure (`div.figure-slot`), read
 * once the figure is in the page; `undefined` for a figure outside a chapter
 * (the diagnostics page, a test).
 */
export function useFigureSlot(root: { current: HTMLElement | null }): FigureSlot | undefined {
  const [slot, setSlot] = useState<FigureSlot>();
  useLayoutEffect(() => {
    const el = root.current?.closest<HTMLElement>('.figure-slot[data-figure-number]');
    if (el?.id && el.dataset.figureNumber) setSlot({ number: el.dataset.figureNumber, id: el.id });
  }, []);
  return slot;
}

/**
 * A link that opened the page at this figure (`#fig-…`) scrolls to it again
 * once it is ready: figures above it load and change height, and the
 * browser's first jump to the anchor happened before.
 */
export function useScrollToOwnAnchor(
  root: { current: HTMLElement | null },
  slot: FigureSlot | undefined,
  ready: boolean,
): void {
  const done = useRef(false);
  useEffect(() => {
    if (done.current || !slot || !ready || window.location.hash !== `#${slot.id}`) return;
    done.current = true;
    root.current?.closest('.figure-slot')?.scrollIntoView({ block: 'start' });
  }, [slot, ready]);
}

/** Copies `text`; false where the Clipboard API is missing or refused (plain http, an iframe). */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * "Copy link": the chapter's address with every figure's current state and
 * this figure's anchor, without `?backend=`/`?threads=` (the reader's machine,
 * not the figure). Where the clipboard is unavailable the link is shown,
 * selected, for the reader's own copy shortcut.
 */
export function CopyLink({ slot, title }: { slot: FigureSlot; title: string }) {
  const [message, setMessage] = useState('');
  const [shown, setShown] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (shown !== undefined) input.current?.select();
  }, [shown]);
  const onClick = async () => {
    const href = window.location.href;
    const link = figureLink(href, slot.id);
    const dropped = hasMachineParams(href) ? ' (without this browser’s ?backend/?threads)' : '';
    if (await copyText(link)) {
      setShown(undefined);
      setMessage(`Link to figure ${slot.number} copied${dropped}.`);
    } else {
      setShown(link);
      setMessage('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
    }
  };
  return (
    <span class="widget-tool">
      <button
        type="button"
        class="widget-tool-button"
        data-copy-figure-link
        aria-label={`Copy link to figure ${slot.number}, ${title}, with its current state`}
        onClick={() => void onClick()}
      >
        Copy link
      </button>
      {shown !== undefined && (
        <input
          ref={input}
          class="widget-tool-field"
          type="text"
          readOnly
          value={shown}
          aria-label={`Link to figure ${slot.number}`}
          data-figure-link
        />
      )}
      <span class="widget-tool-status" role="status">
        {message}
      </span>
    </span>
  );
}

/** Props of the figure's toolbar (rendered by kit/Figure.tsx under its header). */
export interface FigureToolbarProps {
  root: { current: HTMLElement | null };
  slot: FigureSlot | undefined;
  title: string;
  name: string;
}

/**
 * The figure's tools for teaching with it: a link to it with its state.
 * Nothing is rendered for a figure outside a chapter.
 */
export function FigureToolbar({ slot, title }: FigureToolbarProps) {
  if (!slot) return null;
  return (
    <div class="widget-tools" role="group" aria-label={`Figure ${slot.number} tools`}>
      <CopyLink slot={slot} title={title} />
    </div>
  );
}
