import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/** Where a figure is: loading (with what and how far), ready, or failed. */
export type FigureStatus =
  | { kind: 'loading'; what: string; fraction?: number }
  | { kind: 'ready' }
  | { kind: 'error'; message: string };

/** Which backend computes the figure, and why that one (e.g. a fallback). */
export interface BackendBadge {
  /** Shown as is: "WebGPU", "WASM (4 threads)"... */
  label: string;
  /** Why this backend, e.g. "WebGPU needs https". Shown on hover and to screen readers. */
  reason?: string;
}

/** Props of the frame every widget shares. */
export interface FigureProps {
  /** Short name of the widget, used in tests and styles (`data-widget`). */
  name: string;
  /** The figure's heading. */
  title: string;
  status: FigureStatus;
  /** Called by the error state's Retry button; without it there is no button. */
  onRetry?: () => void;
  backend?: BackendBadge;
  /** Text under the figure saying what it shows. */
  caption?: ComponentChildren;
  /** The widget's body, rendered only when `status` is ready. */
  children?: ComponentChildren;
}

/**
 * The frame of every interactive figure: a title, an optional backend badge,
 * and a body that is exactly one of loading (what, with a progress bar),
 * error (the message and a Retry button) or the widget itself.
 * `data-state` on the root says which, for tests and styles.
 */
export default function Figure({
  name,
  title,
  status,
  onRetry,
  backend,
  caption,
  children,
}: FigureProps) {
  const titleId = useId();
  return (
    <figure
      class="widget"
      data-widget={name}
      data-state={status.kind}
      aria-labelledby={titleId}
      aria-busy={status.kind === 'loading'}
    >
      <div class="widget-header">
        <p class="widget-title" id={titleId}>
          {title}
        </p>
        {backend && (
          <span class="widget-badge" title={backend.reason}>
            {backend.label}
            {backend.reason && <span class="visually-hidden">: {backend.reason}</span>}
          </span>
        )}
      </div>
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
      {status.kind === 'ready' && <div class="widget-body">{children}</div>}
      {caption && <figcaption>{caption}</figcaption>}
    </figure>
  );
}
