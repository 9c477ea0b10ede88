/**
 * The reader-visible side of offline reading (issue 8). Registers the book's
 * service worker (`sw.js` at the book's root, built by
 * scripts/finish-build.mjs) and keeps the footer's status line true:
 *
 * - `saving`: the book is being saved for offline reading (with progress);
 * - `ready`: every page, the search index, the runtime and the models are
 *   saved; the book works with no network;
 * - `update`: a newer version of the book is saved and waiting; a button
 *   switches to it (and reloads);
 * - `available`: not saved, because the browser asks to save data (Save-Data);
 *   a button saves it;
 * - `unsupported`: this browser or this connection cannot (service workers
 *   need https or localhost);
 * - `error`: saving failed (it is retried on the next visit).
 *
 * The worker registers after the page has loaded and settled, so saving the
 * book (tens of MB) never competes with the first figure's model download.
 */
import { siteRoot, siteUrl } from './site-root';

type OfflineState = 'unsupported' | 'available' | 'saving' | 'ready' | 'update' | 'error';

interface WorkerMessage {
  source?: string;
  type?: 'progress' | 'ready' | 'error';
  version?: string;
  done?: number;
  total?: number;
  bytes?: number;
  message?: string;
}

const megabytes = (bytes = 0) => `${Math.round(bytes / 1e6)} MB`;

function show(root: HTMLElement, state: OfflineState, text: string, action?: HTMLElement) {
  root.dataset.offlineState = state;
  const line = root.querySelector<HTMLElement>('[data-offline-text]');
  if (line) line.textContent = text;
  root.querySelector('[data-offline-action]')?.remove();
  if (action) {
    action.dataset.offlineAction = '';
    root.append(action);
  }
}

/** A footer button that disables itself once pressed. */
function actionButton(label: string, onClick: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.addEventListener('click', () => {
    button.disabled = true;
    onClick();
  });
  return button;
}

/** Starts offline support for this page; `root` is the footer's status element. */
export function startOffline(root: HTMLElement, delayMs = 3000): void {
  if (import.meta.env.DEV) {
    show(root, 'unsupported', 'Offline reading: only in a built book (npm run build), not in dev.');
    return;
  }
  if (!window.isSecureContext) {
    show(
      root,
      'unsupported',
      'Offline reading: not available over plain http (browsers allow it on https and localhost).',
    );
    return;
  }
  if (!('serviceWorker' in navigator)) {
    show(root, 'unsupported', 'Offline reading: not available in this browser.');
    return;
  }
  const container = navigator.serviceWorker;
  let reloading = false;
  container.addEventListener('controllerchange', () => {
    // A new version took over after the reader asked for it: show it.
    if (root.dataset.offlineState === 'update' && !reloading) {
      reloading = true;
      window.location.reload();
    }
  });
  container.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
    const data = event.data;
    if (data?.source !== 'circuits-book') return;
    if (data.type === 'progress' && root.dataset.offlineState !== 'update') {
      const percent = Math.floor((100 * (data.done ?? 0)) / Math.max(1, data.total ?? 1));
      show(
        root,
        'saving',
        `Saving the book for offline reading: ${percent}% of ${megabytes(data.bytes)}…`,
      );
    } else if (data.type === 'ready' && root.dataset.offlineState !== 'update') {
      show(
        root,
        'ready',
        `Available offline: this book (${megabytes(data.bytes)}, version ${data.version}) is saved in this browser and works with no network.`,
      );
      root.dataset.offlineVersion = data.version ?? '';
    } else if (data.type === 'error') {
      show(
        root,
        'error',
        `Offline reading: saving failed (${data.message}); it will be retried on your next visit.`,
      );
    }
  });

  const register = async () => {
    try {
      const registration = await container.register(siteUrl('sw.js'), { scope: siteRoot() });
      const watchWaiting = () => {
        if (registration.waiting && container.controller)
          show(
            root,
            'update',
            'A newer version of this book is saved.',
            actionButton('Use the new version', () =>
              registration.waiting?.postMessage({ type: 'use-new-version' }),
            ),
          );
      };
      registration.addEventListener('updatefound', () => {
        const installing = registration.installing;
        installing?.addEventListener('statechange', () => {
          if (installing.state === 'installed') watchWaiting();
        });
      });
      watchWaiting();
      // Already installed: ask the active worker what it holds.
      registration.active?.postMessage({ type: 'status' });
    } catch (error) {
      show(root, 'error', `Offline reading: could not start (${(error as Error).message}).`);
    }
  };
  // An already-saved book answers at once. A reader who asked the browser to
  // save data is asked first; otherwise a first visit starts saving once the
  // page has loaded and settled.
  const saveData = (navigator as Navigator & { connection?: { saveData?: boolean } }).connection
    ?.saveData;
  if (container.controller) void register();
  else if (saveData) {
    const button = actionButton('Save for offline reading', () => void register());
    show(
      root,
      'available',
      'Offline reading: not saved yet (your browser asks to save data).',
      button,
    );
  } else if (document.readyState === 'complete') setTimeout(register, delayMs);
  else window.addEventListener('load', () => setTimeout(register, delayMs), { once: true });
}
