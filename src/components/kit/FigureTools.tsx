import { createContext } from 'preact';
import { useContext, useEffect, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { embedCode, embedLink, figureLink, hasMachineParams, MACHINE_PARAMS } from './figure-link';
import {
  exportFileName,
  toCsv,
  toJson,
  type Dataset,
  type ExportContext,
  type SeriesData,
  type TableData,
} from './figure-export';
import { figurePicture, hasRaster, picturePng } from './figure-picture';
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
 * "Copy embed code": an `<iframe>` of the figure's embed page
 * (src/pages/embed/) with its current state, as tall as the figure is now.
 */
function CopyEmbed({
  slot,
  title,
  root,
}: {
  slot: FigureSlot;
  title: string;
  root: FigureToolbarProps['root'];
}) {
  const [message, setMessage] = useState('');
  const [shown, setShown] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (shown !== undefined) input.current?.select();
  }, [shown]);
  const onClick = async () => {
    const bookRoot = new URL(document.documentElement.dataset.root ?? './', window.location.href)
      .href;
    const src = embedLink(window.location.href, bookRoot, slot.id);
    const height = (root.current?.getBoundingClientRect().height ?? 600) + 80;
    const code = embedCode(src, `Figure ${slot.number}: ${title} (Circuits)`, height);
    if (await copyText(code)) {
      setShown(undefined);
      setMessage(`Embed code for figure ${slot.number} copied.`);
    } else {
      setShown(code);
      setMessage('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
    }
  };
  return (
    <span class="widget-tool">
      <button
        type="button"
        class="widget-tool-button"
        data-copy-embed
        aria-label={`Copy embed code for figure ${slot.number} with its current state`}
        onClick={() => void onClick()}
      >
        Copy embed code
      </button>
      {shown !== undefined && (
        <input
          ref={input}
          class="widget-tool-field"
          type="text"
          readOnly
          value={shown}
          aria-label={`Embed code for figure ${slot.number}`}
        />
      )}
      <span class="widget-tool-status" role="status">
        {message}
      </span>
    </span>
  );
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

/** The numbers a figure's plots registered (by `useFigureData`), read when saving. */
export interface DataRegistry {
  readonly sets: Map<string, () => Dataset | undefined>;
}

/** Given by kit/Figure.tsx around its body, so the kit's plots can register their numbers. */
export const FigureDataContext = createContext<DataRegistry | undefined>(undefined);

/** A figure's registry of numbers (kit/Figure.tsx). */
export function useDataRegistry(): DataRegistry {
  const [registry] = useState<DataRegistry>(() => ({ sets: new Map() }));
  return registry;
}

/**
 * Registers what a plot shows with its figure's "Save data": `read` gives the
 * numbers as drawn now and is only called when the reader saves (so a large
 * heatmap costs nothing per render). Outside a figure it does nothing.
 */
export function useFigureData(read: () => Dataset | undefined): void {
  const registry = useContext(FigureDataContext);
  const key = useId();
  useEffect(() => {
    registry?.sets.set(key, read);
  });
  useEffect(() => () => void registry?.sets.delete(key), [registry, key]);
}

/** The text of a control's label: its `<label>`, `aria-label` or `aria-labelledby`. */
function controlLabel(el: HTMLElement): string {
  const labelled = el.getAttribute('aria-labelledby');
  const byId = labelled
    ?.split(/\s+/)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
  const text =
    (el as HTMLInputElement).labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? byId;
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** Every labelled control of `body` with its value, and the choices of its radio groups. */
function readSettings(body: HTMLElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const el of body.querySelectorAll<HTMLElement>('input, select, textarea')) {
    const input = el as HTMLInputElement;
    const label = controlLabel(el);
    if (!label || input.type === 'button' || input.type === 'submit') continue;
    if (input.type === 'radio') {
      if (input.checked) out[input.name || label] = label;
    } else if (input.type === 'checkbox') out[label] = input.checked ? 'on' : 'off';
    else if (el instanceof HTMLSelectElement)
      out[label] = el.selectedOptions[0]?.textContent?.trim() ?? el.value;
    else out[label] = input.value;
  }
  for (const group of body.querySelectorAll<HTMLElement>('[role="radiogroup"]')) {
    const chosen = group.querySelector<HTMLElement>('[aria-checked="true"]');
    const label = controlLabel(group);
    if (chosen && label) out[label] = controlLabel(chosen) || (chosen.textContent ?? '').trim();
  }
  const pressed = [...body.querySelectorAll<HTMLElement>('[aria-pressed="true"]')].map(
    (b) => controlLabel(b) || (b.textContent ?? '').trim(),
  );
  if (pressed.length > 0) out['pressed'] = pressed.join('; ');
  return out;
}

/** Every table of `body` as text, header row first. */
function readTables(body: HTMLElement): TableData[] {
  return [...body.querySelectorAll<HTMLTableElement>('table')].map((table, i) => {
    const cells = (row: HTMLTableRowElement) =>
      [...row.cells].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim());
    const head = table.tHead?.rows[0];
    const rows = [...table.rows].filter((r) => r !== head);
    const label =
      table.caption?.textContent?.trim() || table.getAttribute('aria-label') || `Table ${i + 1}`;
    return { kind: 'table', label, header: head ? cells(head) : [], rows: rows.map(cells) };
  });
}

/** The names of the models in a figure's `model` prop (kit/use-models.ts), if it has them. */
function modelNames(model: unknown): string[] {
  const models = (model as { models?: unknown } | undefined)?.models;
  if (!Array.isArray(models)) return [];
  return models
    .map((m) => (m as { config?: { model_name?: unknown } })?.config?.model_name)
    .filter((n): n is string => typeof n === 'string');
}

/** Props of the figure's toolbar (rendered by kit/Figure.tsx under its header). */
export interface FigureToolbarProps {
  root: { current: HTMLElement | null };
  slot: FigureSlot | undefined;
  title: string;
  name: string;
  /** True when the figure shows its result (saving is offered then). */
  ready: boolean;
  /** The figure's `model` prop: the names of its models go into saved files. */
  model?: unknown;
  /** The backend badge's label. */
  backend?: string;
  data: DataRegistry;
}

/** Everything a saved file says about where its numbers come from. */
function exportContext(props: FigureToolbarProps, body: HTMLElement): ExportContext {
  const footer = document.querySelector<HTMLElement>('[data-edition-version]');
  const href = window.location.href;
  const params = new URL(href).searchParams;
  const state: Record<string, string> = {};
  for (const [k, v] of params) if (!MACHINE_PARAMS.includes(k)) state[k] = v;
  const path = new URL(href).pathname;
  return {
    book: {
      title: 'Circuits',
      version: footer?.dataset.editionVersion ?? 'unknown',
      date: footer?.dataset.editionDate ?? 'unknown',
      build: document.querySelector('[data-build-hash]')?.textContent?.trim() ?? 'unknown',
    },
    figure: {
      number: props.slot?.number,
      id: props.slot?.id,
      name: props.name,
      title: props.title,
      page: path,
    },
    link: props.slot ? figureLink(href, props.slot.id) : figureLink(href, ''),
    state,
    settings: readSettings(body),
    models: modelNames(props.model),
    backend: props.backend,
    exported: new Date().toISOString(),
  };
}

/** Saves `content` as a file named `name` (a download link, clicked). */
function download(name: string, type: string, content: string | Blob): void {
  const url = URL.createObjectURL(
    content instanceof Blob ? content : new Blob([content], { type }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * "Save data" (JSON or CSV) and "Save picture" (SVG): what the figure shows
 * now, with its provenance (figure-export.ts).
 */
function SaveTools(props: FigureToolbarProps) {
  const [message, setMessage] = useState('');
  const what = props.slot ? `figure ${props.slot.number}` : `the figure “${props.title}”`;
  const collect = () => {
    const body = props.root.current?.querySelector<HTMLElement>('.widget-body');
    if (!body) return undefined;
    const data: Dataset[] = [];
    for (const read of props.data.sets.values()) {
      const d = read();
      if (d) data.push(d);
    }
    data.push(...readTables(body));
    return { body, context: exportContext(props, body), data };
  };
  const saveData = (format: 'json' | 'csv') => {
    const got = collect();
    if (!got) return;
    const { context, data } = got;
    const name = exportFileName(context, format);
    if (format === 'json') download(name, 'application/json', toJson(context, data));
    else download(name, 'text/csv', toCsv(context, data));
    setMessage(`Saved ${name}: ${data.length} set${data.length === 1 ? '' : 's'} of numbers.`);
  };
  const savePicture = async (format: 'svg' | 'png') => {
    const got = collect();
    if (!got) return;
    const series = got.data.filter((d): d is SeriesData => d.kind === 'series');
    const svg = figurePicture(got.body, got.context, series);
    if (!svg) {
      setMessage('This figure draws no picture; save its data instead.');
      return;
    }
    const name = exportFileName(got.context, format);
    try {
      if (format === 'svg') download(name, 'image/svg+xml', svg);
      else download(name, 'image/png', await picturePng(svg, got.context));
      setMessage(`Saved ${name}.`);
    } catch (e) {
      setMessage(`Could not save ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  // A figure that draws a large heatmap as an image offers PNG too, while it does.
  const [raster, setRaster] = useState(false);
  useEffect(() => {
    const body = props.root.current?.querySelector<HTMLElement>('.widget-body');
    if (!body) return;
    const check = () => setRaster(hasRaster(body));
    check();
    const observer = new MutationObserver(check);
    observer.observe(body, { subtree: true, childList: true });
    return () => observer.disconnect();
  }, []);
  return (
    <span class="widget-tool">
      <button
        type="button"
        class="widget-tool-button"
        data-save="json"
        aria-label={`Save JSON: the numbers of ${what}`}
        onClick={() => saveData('json')}
      >
        Save JSON
      </button>
      <button
        type="button"
        class="widget-tool-button"
        data-save="csv"
        aria-label={`Save CSV: the numbers of ${what}`}
        onClick={() => saveData('csv')}
      >
        Save CSV
      </button>
      <button
        type="button"
        class="widget-tool-button"
        data-save="svg"
        aria-label={`Save picture of ${what} (SVG)`}
        onClick={() => void savePicture('svg')}
      >
        Save picture
      </button>
      {raster && (
        <button
          type="button"
          class="widget-tool-button"
          data-save="png"
          aria-label={`Save PNG: the picture of ${what}`}
          onClick={() => void savePicture('png')}
        >
          Save PNG
        </button>
      )}
      <span class="widget-tool-status" role="status">
        {message}
      </span>
    </span>
  );
}

/** The smallest label, in screen pixels, that presenter view allows (issue 18: projection). */
export const PRESENT_MIN_LABEL_PX = 18;

/**
 * Widens each SVG plot of `body` until its smallest text is at least `px`
 * screen pixels (its box scrolls if that is wider than the screen); returns
 * a function that undoes it.
 */
function enlargePlots(body: HTMLElement, px: number): () => void {
  // Each widened plot with the widths it had (the kit's heatmap sets its own min-width).
  const changed: [SVGSVGElement, string, string][] = [];
  for (const svg of body.querySelectorAll<SVGSVGElement>('svg')) {
    const viewWidth = svg.viewBox.baseVal?.width || svg.width.baseVal.value;
    const shown = svg.getBoundingClientRect().width;
    const texts = [...svg.querySelectorAll<SVGTextElement>('text')];
    if (!viewWidth || !shown || texts.length === 0) continue;
    const smallest = Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize)));
    const onScreen = (smallest * shown) / viewWidth;
    if (!(onScreen < px)) continue;
    const cssWidth = parseFloat(getComputedStyle(svg).width) || shown;
    changed.push([svg, svg.style.minWidth, svg.style.maxWidth]);
    svg.style.minWidth = `${Math.ceil((cssWidth * px) / onScreen) + 1}px`;
    svg.style.maxWidth = 'none';
  }
  return () => {
    for (const [svg, minWidth, maxWidth] of changed) {
      svg.style.minWidth = minWidth;
      svg.style.maxWidth = maxWidth;
    }
  };
}

/** True when the browser lets the page show `el` full screen (not in an iframe that forbids it). */
function canFullscreen(el: HTMLElement): boolean {
  return document.fullscreenEnabled === true && typeof el.requestFullscreen === 'function';
}

/**
 * Presenter view: the figure fills the screen, everything in it at least
 * 18 px at 1280 x 720 (the frame is zoomed, and plots whose labels would
 * still be smaller widen and scroll). It asks the browser for full screen
 * (the Fullscreen API); where that is refused (an iframe without
 * `allow="fullscreen"`, a browser without it) the figure fills the window
 * instead. Escape or the same button leaves it, focus returns to the button,
 * and a status line tells screen readers what happened.
 */
function PresentButton({ root, what }: { root: FigureToolbarProps['root']; what: string }) {
  const [on, setOn] = useState(false);
  const [message, setMessage] = useState('');
  const button = useRef<HTMLButtonElement>(null);
  const enter = () => {
    const figure = root.current;
    if (!figure) return;
    setOn(true);
    if (!canFullscreen(figure)) {
      setMessage(`Presenting ${what} in the window. Press Escape to leave.`);
      return;
    }
    // Asked here, inside the click: browsers grant full screen only to a
    // reader's gesture. Refused, the figure still fills the window.
    figure.requestFullscreen({ navigationUI: 'hide' }).then(
      () => setMessage(`Presenting ${what} full screen. Press Escape to leave.`),
      () => setMessage(`Presenting ${what} in the window. Press Escape to leave.`),
    );
  };
  useEffect(() => {
    const figure = root.current;
    if (!on || !figure) return;
    figure.classList.add('widget-presenting');
    document.documentElement.classList.add('presenting');
    let undo = () => {};
    let frame = 0;
    const fit = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        undo();
        const body = figure.querySelector<HTMLElement>('.widget-body');
        undo = body ? enlargePlots(body, PRESENT_MIN_LABEL_PX) : () => {};
      });
    };
    const observer = new MutationObserver(fit);
    observer.observe(figure, { subtree: true, childList: true });
    fit();
    // In full screen the browser takes Escape itself and leaves full screen;
    // presenter view follows it out.
    let wasFullscreen = document.fullscreenElement === figure;
    const onFullscreen = () => {
      if (document.fullscreenElement === figure) wasFullscreen = true;
      else if (wasFullscreen) setOn(false);
      fit();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOn(false);
    };
    document.addEventListener('fullscreenchange', onFullscreen);
    window.addEventListener('keydown', onKey);
    window.addEventListener('resize', fit);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      undo();
      document.removeEventListener('fullscreenchange', onFullscreen);
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('resize', fit);
      if (document.fullscreenElement === figure) void document.exitFullscreen().catch(() => {});
      figure.classList.remove('widget-presenting');
      document.documentElement.classList.remove('presenting');
      figure.scrollIntoView({ block: 'nearest' });
      button.current?.focus();
      setMessage(`Left presenter view of ${what}.`);
    };
  }, [on]);
  return (
    <span class="widget-tool">
      <button
        ref={button}
        type="button"
        class="widget-tool-button"
        data-present
        aria-pressed={on}
        aria-label={`Present: show ${what} enlarged for projection`}
        onClick={() => (on ? setOn(false) : enter())}
      >
        {on ? 'Present (Esc to leave)' : 'Present'}
      </button>
      <span class="visually-hidden" role="status">
        {message}
      </span>
    </span>
  );
}

/**
 * The figure's tools for teaching with it: a link to it with its state
 * (in a chapter), and saving its numbers and picture (once it is ready).
 */
export function FigureToolbar(props: FigureToolbarProps) {
  const { slot, title, ready } = props;
  if (!slot && !ready) return null;
  return (
    <div
      class="widget-tools"
      role="group"
      aria-label={slot ? `Figure ${slot.number} tools` : `Tools of “${title}”`}
    >
      <PresentButton
        root={props.root}
        what={slot ? `figure ${slot.number}` : `the figure “${title}”`}
      />
      {slot && <CopyLink slot={slot} title={title} />}
      {slot && <CopyEmbed slot={slot} title={title} root={props.root} />}
      {ready && <SaveTools {...props} />}
    </div>
  );
}
