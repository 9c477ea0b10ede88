import Figure from '../kit/Figure';
import {
  formatNumber,
  formatPercent,
  Heatmap,
  loadRuntime,
  MODEL_IDS,
  ModelSelect,
  NumberField,
  NumTable,
  RadioChoice,
  RunState,
  Stat,
  TryThis,
  unsignedScale,
  useComputation,
  useModels,
} from '../kit';
import type { WriterEnergy } from '../../model/residual-energy';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import { BarChart } from './BarChart';
import './ch3.css';

const GROUPS = ['8', '1'] as const;
const schema = {
  model: field.oneOf(MODEL_IDS, 'attn-only-2l'),
  /** First and last coordinate of the block to total; -1 = the block W_pos started in. */
  from: field.int(-1, -1, 4095),
  to: field.int(-1, -1, 4095),
  /** Coordinates per heatmap cell: 8 reads on a phone, 1 shows every coordinate. */
  group: field.oneOf(GROUPS, '8'),
};

/**
 * Basis alignment in the weights: for `W_E`, `W_pos` and every head's `W_O`,
 * the share of the matrix's squared norm on each coordinate of the residual
 * stream, and the share in a block of coordinates (by default the last 32,
 * where training started `W_pos` as sinusoids and `W_E` had nothing).
 */
export default function ResidualEnergyFigure({ prefix = 'ce' }: { prefix?: string }) {
  const [state, update, reset] = useUrlState(schema, prefix);
  const m = useModels([state.model]);
  const { model } = m;

  const run = useComputation(async () => {
    if (!model) return undefined;
    const rt = await loadRuntime();
    const w = model.weights;
    const { d_model } = w.config;
    const block = rt.positionBlock(d_model);
    const clamp = (x: number) => Math.max(0, Math.min(d_model - 1, x));
    const from = clamp(state.from < 0 ? block.from : state.from);
    const to = Math.max(from, clamp(state.to < 0 ? block.to : state.to));
    const writers = rt.writerEnergies(w);
    return {
      model: w.config.model_name,
      d_model,
      writers,
      from,
      to,
      shares: writers.map((x) => rt.energyIn(x.energy, from, to)),
      chance: (to - from + 1) / d_model,
      strip: strip(writers, Number(state.group), d_model, rt.groupEnergy),
    };
  }, [model, state.from, state.to, state.group]);

  const v = run.value;
  const fresh = v && v.model === state.model;
  const last = (v?.d_model ?? model?.config.d_model ?? 128) - 1;
  return (
    <Figure
      name="residual-energy"
      title="Where the weights write: energy per residual coordinate"
      model={m}
      python={
        fresh && v ? { kind: 'residual-energy', model: state.model, from: v.from, to: v.to } : null
      }
      caption={
        <>
          {state.model}'s weights. Each row is one matrix that writes into the residual stream; each
          cell, the share of that matrix's squared norm on a block of coordinates of the stream, or
          on one (each row sums to 100%). A matrix spread evenly would put 1/{v?.d_model ?? 128} on
          every coordinate
          {v && <>, and {formatPercent(v.chance)} in the block</>}.
        </>
      }
    >
      <ModelSelect value={state.model} onChange={(model) => update({ model })} />
      <div class="kit-controls">
        <NumberField
          label="Block from coordinate"
          value={v?.from ?? Math.max(0, state.from)}
          min={0}
          max={last}
          onChange={(x) => update({ from: x, to: Math.max(x, v?.to ?? x) })}
        />
        <NumberField
          label="to coordinate"
          value={v?.to ?? Math.max(0, state.to)}
          min={0}
          max={last}
          onChange={(x) => update({ to: x, from: Math.min(v?.from ?? x, x) })}
        />
        <RadioChoice
          legend="Coordinates per cell"
          value={state.group}
          options={[
            { value: '8', label: 'blocks of 8' },
            { value: '1', label: 'one each' },
          ]}
          onChange={(group) => update({ group })}
        />
      </div>
      <RunState run={run} onReset={reset} />
      {v && fresh && <EnergyResult v={v} />}
      <TryThis
        items={[
          {
            text: 'Set the block to coordinates 0–95: how much of W_E is there, and how much of W_pos?',
            apply: () => update({ from: 0, to: 95 }),
          },
          {
            text: 'Look at the W_O rows: does any head write mostly into the position block? Which heads would want to?',
          },
          {
            text: 'Compare the three models: did the same initialisation leave the same mark on each?',
          },
        ]}
      />
    </Figure>
  );
}

/** What the figure computes for one model and block. */
interface Energies {
  model: string;
  d_model: number;
  writers: WriterEnergy[];
  from: number;
  to: number;
  /** Each writer's share in coordinates from..to. */
  shares: number[];
  /** The share of a matrix spread evenly: (to - from + 1) / d_model. */
  chance: number;
  strip: Strip;
}

/** The heatmap's cells: each writer's energy summed over blocks of coordinates. */
interface Strip {
  /** `[writers, cols]` row-major. */
  values: Float64Array;
  cols: number;
  /** `96–103` for a block, `96` for one coordinate. */
  labels: string[];
}

/** Every writer's energy in blocks of `size` coordinates, one row after another. */
function strip(
  writers: readonly WriterEnergy[],
  size: number,
  d_model: number,
  group: (energy: Float64Array, size: number) => Float64Array,
): Strip {
  const rows = writers.map((x) => group(x.energy, size));
  const cols = rows[0].length;
  const values = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => values.set(r, i * cols));
  const labels = Array.from({ length: cols }, (_, c) => {
    const last = Math.min(d_model - 1, c * size + size - 1);
    return size === 1 ? String(c) : `${c * size}–${last}`;
  });
  return { values, cols, labels };
}

/** The numbers, the strips, W_E and W_pos as bars, and the table of shares. */
function EnergyResult({ v }: { v: Energies }) {
  const { from, to, chance, shares, strip } = v;
  const byName = (name: string) => shares[v.writers.findIndex((x) => x.name === name)];
  return (
    <div
      data-testid="energy-ready"
      data-key={`${v.model}:${from}-${to}:${strip.cols}:${byName('W_pos').toFixed(4)}`}
    >
      <div class="kit-stats">
        <Stat
          label={`W_pos in coordinates ${from}–${to}`}
          value={formatPercent(byName('W_pos'))}
          note={`of its squared norm; chance ${formatPercent(chance)}`}
          testId="energy-pos"
        />
        <Stat
          label={`W_E in coordinates ${from}–${to}`}
          value={formatPercent(byName('W_E'))}
          note={`of its squared norm; chance ${formatPercent(chance)}`}
          testId="energy-embed"
        />
      </div>
      <Heatmap
        label={`Share of squared norm per residual coordinate, for each writer of ${v.model}`}
        rows={v.writers.length}
        cols={strip.cols}
        values={strip.values}
        scale={unsignedScale(strip.values)}
        legendTitle="share of the row's squared norm"
        rowLabels={v.writers.map((x) => x.name)}
        colLabels={strip.labels}
        rowTitle="writer"
        colTitle={strip.cols === v.d_model ? 'residual coordinate' : 'residual coordinates'}
        format={(x) => formatPercent(x)}
      />
      <p class="kit-section-title">W_E and W_pos, coordinate by coordinate</p>
      <BarChart
        label={`Share of the squared norm of W_E and W_pos on each residual coordinate of ${v.model}`}
        categories={Array.from({ length: v.d_model }, (_, j) => String(j))}
        series={[
          { name: 'W_E', values: v.writers[0].energy },
          { name: 'W_pos', values: v.writers[1].energy },
        ]}
        yTitle="share of squared norm"
        xTitle="residual coordinate"
        reference={{ value: 1 / v.d_model, label: `even spread (1/${v.d_model})` }}
        format={(x) => formatPercent(x)}
      />
      <NumTable
        label="Share of each writer's squared norm in the block (scrolls sideways)"
        caption={
          <>
            Share in coordinates {from}–{to} ({to - from + 1} of {v.d_model}; chance{' '}
            {formatPercent(chance)})
          </>
        }
        columns={['writer', 'share in block', '× chance']}
      >
        {v.writers.map((x, i) => (
          <tr key={x.name}>
            <td>{x.name}</td>
            <td>{formatPercent(shares[i])}</td>
            <td>{formatNumber(shares[i] / chance, 2)}</td>
          </tr>
        ))}
      </NumTable>
    </div>
  );
}
