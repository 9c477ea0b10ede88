/**
 * The chapter's print control, the part every chapter loads: "Print this
 * chapter" and Ctrl/⌘+P run src/lib/print-prepare.ts, which computes every
 * figure and then prints. A print from the browser's menu cannot wait; it
 * marks the page `data-print="unprepared"` (figures not yet computed print a
 * note, never "Loading") and starts every figure for the next print.
 */
import { hydrateAll } from './figure-directive';
import { prepareAndPrint } from './print-prepare';

/** True when some figure of the chapter is still loading or computing. */
function unsettled(): boolean {
  return [...document.querySelectorAll<HTMLElement>('.prose figure.widget')].some(
    (f) => f.dataset.state !== 'error' && f.dataset.live !== 'true',
  );
}

/** Wires `control` (a button and a `role="status"`) and the print shortcuts. */
export function startPrintControl(control: HTMLElement): void {
  const button = control.querySelector<HTMLButtonElement>('button');
  const status = control.querySelector<HTMLElement>('[role="status"]');
  if (!button || !status) return;
  const html = document.documentElement;
  control.hidden = false;
  const prepare = () => void prepareAndPrint(button, status);
  button.addEventListener('click', prepare);
  window.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.key.toLowerCase() !== 'p') return;
    if (html.dataset.print === 'ready' && !unsettled()) return;
    e.preventDefault();
    prepare();
  });
  window.addEventListener('beforeprint', () => {
    if (html.dataset.print === 'preparing' || !unsettled()) return;
    html.dataset.print = 'unprepared';
    hydrateAll();
  });
  window.addEventListener('afterprint', () => {
    if (html.dataset.print === 'unprepared') delete html.dataset.print;
  });
}
