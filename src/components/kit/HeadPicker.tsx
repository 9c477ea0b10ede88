import type { JSX } from 'preact';
import { useRef } from 'preact/hooks';
import { shadeStyle, type Scale } from './colour';
import { headName, parseHead, type HeadId } from './fields';
import './kit.css';

/** Props of the head picker. */
export interface HeadPickerProps {
  nLayers: number;
  nHeads: number;
  /** Selected heads by name (`1.4`). */
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  /** `single`: a radio group (one head); `multi`: toggle buttons (any set). */
  mode: 'single' | 'multi';
  /** Accessible name and visible legend, e.g. "Head" or "Heads switched off". */
  label: string;
  /** Optional value per head `[layer * nHeads + head]`, shown as a shade (e.g. an ablation's effect). */
  values?: ArrayLike<number>;
  scale?: Scale;
  /** Tooltip / accessible description of one head's value. */
  describe?: (layer: number, head: number) => string;
  /** Style selected heads as switched off (struck through), for ablation. */
  selectedMeansOff?: boolean;
}

/**
 * A grid of the model's heads, one row per layer, named `layer.head`.
 * Single mode is one radio group (arrow keys move between all heads, one tab
 * stop); multi mode is toggle buttons (`aria-pressed`), with arrows moving
 * focus too.
 */
export function HeadPicker({
  nLayers,
  nHeads,
  selected,
  onChange,
  mode,
  label,
  values,
  scale,
  describe,
  selectedMeansOff = false,
}: HeadPickerProps) {
  const root = useRef<HTMLDivElement>(null);
  const set = new Set(selected);
  const n = nLayers * nHeads;
  const firstSelected = Math.max(
    0,
    Array.from({ length: n }, (_, i) =>
      headName({ layer: Math.floor(i / nHeads), head: i % nHeads }),
    ).findIndex((h) => set.has(h)),
  );
  const focusAt = (i: number) =>
    root.current?.querySelectorAll<HTMLButtonElement>('button.kit-head')[i]?.focus();
  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLButtonElement>, i: number) => {
    let j: number;
    switch (e.key) {
      case 'ArrowRight':
        j = Math.min(n - 1, i + 1);
        break;
      case 'ArrowLeft':
        j = Math.max(0, i - 1);
        break;
      case 'ArrowDown':
        j = Math.min(n - 1, i + nHeads);
        break;
      case 'ArrowUp':
        j = Math.max(0, i - nHeads);
        break;
      case 'Home':
        j = 0;
        break;
      case 'End':
        j = n - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    if (mode === 'single')
      onChange([headName({ layer: Math.floor(j / nHeads), head: j % nHeads })]);
    focusAt(j);
  };
  return (
    <div
      ref={root}
      class="kit-heads"
      role={mode === 'single' ? 'radiogroup' : 'group'}
      aria-label={label}
    >
      {Array.from({ length: nLayers }, (_, layer) => (
        <div class="kit-heads-row" key={layer} role="presentation" style={{ '--heads': nHeads }}>
          <span class="kit-heads-layer" aria-hidden="true">
            layer {layer}
          </span>
          {Array.from({ length: nHeads }, (_, head) => {
            const i = layer * nHeads + head;
            const name = headName({ layer, head });
            const on = set.has(name);
            const v = values?.[i];
            const shaded = scale && v !== undefined && !Number.isNaN(v);
            const title = describe?.(layer, head);
            const common = {
              type: 'button' as const,
              class: `kit-head${on && selectedMeansOff ? ' kit-off' : ''}`,
              title: title ? `head ${name}: ${title}` : `head ${name}`,
              'aria-label': `head ${name}${title ? `, ${title}` : ''}`,
              style: shaded ? shadeStyle(scale, v) : undefined,
              onKeyDown: (e: JSX.TargetedKeyboardEvent<HTMLButtonElement>) => onKeyDown(e, i),
            };
            return mode === 'single' ? (
              <button
                key={head}
                {...common}
                role="radio"
                aria-checked={on}
                tabIndex={i === firstSelected ? 0 : -1}
                onClick={() => onChange([name])}
              >
                {name}
              </button>
            ) : (
              <button
                key={head}
                {...common}
                aria-pressed={on}
                tabIndex={i === 0 ? 0 : -1}
                onClick={() =>
                  onChange(on ? selected.filter((s) => s !== name) : [...selected, name])
                }
              >
                {name}
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}

/** One head of a model to choose, on its layer.head grid (a single-choice `HeadPicker`). */
export function HeadChoice({
  config,
  head,
  label,
  onChange,
}: {
  config: { n_layers: number; n_heads: number };
  head: HeadId;
  /** Accessible name and visible legend, e.g. "Head". */
  label: string;
  onChange: (head: HeadId) => void;
}) {
  return (
    <HeadPicker
      nLayers={config.n_layers}
      nHeads={config.n_heads}
      mode="single"
      label={label}
      selected={[headName(head)]}
      onChange={(names) => {
        const h = parseHead(names[0] ?? '');
        if (h) onChange(h);
      }}
    />
  );
}
