import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { SnippetState } from '../../lib/python-snippet';
import {
  FigureDataContext,
  FigureToolbar,
  useDataRegistry,
  useFigureSlot,
  useScrollToOwnAnchor,
} from './FigureTools';
import { PythonSnippet } from './PythonSnippet';

/** Where a figure is: loading (with what and how far), ready, or failed. */
export type FigureStatus =
  | {
      kind: 'loading';
      what: string;
      fraction?: number;
      /** The ids of the models being loaded, rendered as `data-models` (kit/prefetch.ts reads them). */
      models?: readonly string[];
    }
  | { kind: 'ready' }
  | { kind: 'error'; message: string };

/** Which backend computes the figure, and why that one (e.g. a fallback). */
export interface BackendBadge {
  /** Shown as is: "WebGPU", "WASM (4 threads)"... */
  label: string;
  /** Why this backend, e.g. "WebGPU needs https". Shown on hover and to screen readers. */
  reason?: string;
  /**
   * Said in the figure for everyone to read: WebGPU failed on this page (a
   * crash, a stuck call, a lost device) and the figure moved to WASM.
   */
  notice?: string;
}

/** Props of the frame every widget shares. */
export interface FigureProps {
  /** Short name of the widget, used in tests and styles (`data-widget`). */
  name: string;
  /** The figure's heading. */
  title: string;
  /**
   * The figure's models (`useModels`): its status, Retry and backend badge.
   * Or give `status`, `onRetry` and `backend` yourself.
   */
  model?: { status: FigureStatus; retry: () => void; badge?: BackendBadge };
  status?: FigureStatus;
  /** Called by the error state's Retry button; without it there is no button. */
  onRetry?: () => void;
  backend?: BackendBadge;
  /** Text under the figure saying what it shows. */
  caption?: ComponentChildren;
  /** The widget's body, rendered only when `status` is ready. */
  children?: ComponentChildren;
  /**
   * "Reproduce in Python": the figure's state as a snippet needs it (the
   * script, `pythonSnippet(state)`, is written when the reader opens the box),
   * or one per part of the figure with a label each; offered under the body
   * while the figure is ready.
   */
  python?: SnippetState | null | readonly { label: string; state: SnippetState }[];
}

/**
 * What marks a run in flight inside a figure's body: the kit's `RunState`
 * (`data-pending="true"`) or any part that sets `aria-busy="true"`.
 */
export const PENDING_SELECTOR = '[data-pending="true"], [aria-busy="true"]';

/**
 * Keeps `data-live` and `data-run` on a figure's root, for tests and the
 * benchmarks: live = ready with no run in flight (see PENDING_SELECTOR), and
 * `data-run` counts how often the figure has become live, so a prompt edit
 * is "on screen" once `data-run` has grown and `data-live` is true again.
 * A figure turns live one frame and a task after its last run ends, so a
 * widget whose effect starts a run right after a render is not live between
 * the two.
 */
function useLiveSignal(root: { current: HTMLElement | null }, ready: boolean): void {
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    el.dataset.live = 'false';
    if (!ready) return;
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cancel = () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
    const busy = () => el.querySelector(PENDING_SELECTOR) !== null;
    const update = () => {
      if (busy()) {
        cancel();
        el.dataset.live = 'false';
      } else if (el.dataset.live !== 'true') {
        cancel();
        frame = requestAnimationFrame(() => {
          timer = setTimeout(() => {
            if (busy()) return;
            el.dataset.live = 'true';
            el.dataset.run = String(Number(el.dataset.run ?? '0') + 1);
          });
        });
      }
    };
    const observer = new MutationObserver(update);
    observer.observe(el, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-pending', 'aria-busy'],
    });
    update();
    return () => {
      observer.disconnect();
      cancel();
    };
  }, [ready]);
}

/**
 * The frame of every interactive figure: a title, an optional backend badge,
 * and a body that is exactly one of loading (what, with a progress bar),
 * error (the message and a Retry button) or the widget itself.
 * `data-state` on the root says which, for tests and styles; `data-live` and
 * `data-run` say when what it shows is up to date (see useLiveSignal).
 */
export default function Figure({
  name,
  title,
  model,
  status = model?.status ?? { kind: 'ready' },
  onRetry = model?.retry,
  backend = model?.badge,
  caption,
  children,
  python,
}: FigureProps) {
  const titleId = useId();
  const root = useRef<HTMLElement>(null);
  useLiveSignal(root, status.kind === 'ready');
  // Issue 18: the chapter's number and anchor for this figure, its tools.
  const slot = useFigureSlot(root);
  useScrollToOwnAnchor(root, slot, status.kind === 'ready');
  const data = useDataRegistry();
  return (
    <figure
      ref={root}
      class="widget"
      data-widget={name}
      data-state={status.kind}
      data-models={status.kind === 'loading' ? status.models?.join(' ') : undefined}
      aria-labelledby={titleId}
      aria-busy={status.kind === 'loading'}
    >
      <div class="widget-header">
        <p class="widget-title" id={titleId}>
          {slot && <span class="visually-hidden">Figure {slot.number}: </span>}
          {title}
        </p>
        {backend && (
          <span class="widget-badge" title={backend.reason}>
            {backend.label}
            {backend.reason && <span class="visually-hidden">: {backend.reason}</span>}
          </span>
        )}
      </div>
      <FigureToolbar
        root={root}
        slot={slot}
        title={title}
        name={name}
        ready={status.kind === 'ready'}
        model={model}
        backend={backend?.label}
        data={data}
      />
      {backend?.notice && (
        <p class="widget-notice" role="status">
          {backend.notice}
        </p>
      )}
      {status.kind === 'loading' && (
        <div class="widget-loading" role="status">
          <p>Loading {status.what}…</p>
          <progress max={1} value={status.fraction} aria-label={`Loading ${status.what}`} />
        </div>
      )}
      {status.kind === 'error' && (
        <div class="widget-error" role="alert">
          <p>This figure could not load: {status.message}</p>
          {onRetry && (
            <button type="button" onClick={onRetry}>
              Retry
            </button>
          )}
        </div>
      )}
      {status.kind === 'ready' && (
        <FigureDataContext.Provider value={data}>
          <div class="widget-body">{children}</div>
        </FigureDataContext.Provider>
      )}
      {status.kind === 'ready' &&
        python &&
        ('kind' in python ? (
          <PythonSnippet state={python} />
        ) : (
          python.map((p) => <PythonSnippet key={p.label} state={p.state} label={p.label} />)
        ))}
      {caption && <figcaption>{caption}</figcaption>}
    </figure>
  );
}
