import { useId, useRef, useState } from 'preact/hooks';
import Figure, { type FigureStatus } from '../kit/Figure';
import {
  formatNumber as fmt,
  Heatmap,
  loadRuntime,
  modelsUrl,
  probabilityScale,
  RunState,
  SeedField,
  TryThis,
  useComputation,
  useModels,
} from '../kit';

import { field } from '../kit/url-state';
import { useLoader } from '../kit/use-loader';
import { useUrlState } from '../kit/use-url-state';
import type { CheckpointInfo } from '../../model/loader';
import type { PhaseChange } from '../../model/phase-change';
import type { ModelWeights } from '../../model/weights';
import { LinePlot, SERIES_COLOURS } from './LinePlot';

const ID = 'attn-only-2l';
const PERIOD = 40;
const schema = {
  ckpt: field.int(-1, -1, 999),
  seed: field.int(1, 0, 999999),
};

async function loadIndex(): Promise<{ list: CheckpointInfo[]; phase?: PhaseChange }> {
  const rt = await loadRuntime();
  const list = await rt.pageRegistry().checkpointIndex(ID);
  if (list.length === 0) throw new Error(`${ID} ships no training checkpoints`);
  return { list, phase: list.length >= 2 ? rt.phaseChange(list) : undefined };
}

/**
 * Watching induction heads form: a slider over the training checkpoints of
 * attn-only-2l. Each checkpoint's weights are fetched when chosen (one at a
 * time, with progress) and run live through the same graph on a repeated
 * random sequence; the curves are the numbers measured at export, with the
 * phase change marked.
 */
export default function FormationFigure({ prefix = 'tf' }: { prefix?: string }) {
  const [state, update] = useUrlState(schema, prefix);
  const live = useModels([ID]);
  const index = useLoader(loadIndex, { what: 'the checkpoint index' });
  const { model } = live;
  const list = index.value?.list;
  const sliderId = useId();
  const i = list ? (state.ckpt < 0 || state.ckpt >= list.length ? list.length - 1 : state.ckpt) : 0;
  // The checkpoint downloading now and how far (one at a time, on demand).
  const [loading, setLoading] = useState<{ step: number; fraction?: number } | undefined>(
    undefined,
  );
  // The last few checkpoints' weights (fp32, ~2.7 MB each), so stepping back is instant.
  const cache = useRef(new Map<string, ModelWeights>());

  const run = useComputation(async () => {
    if (!model || !list) return undefined;
    const info = list[i];
    const rt = await loadRuntime();
    let weights = cache.current.get(info.file);
    if (!weights) {
      setLoading({ step: info.step, fraction: 0 });
      try {
        const tensors = await rt.loadCheckpointWeights(ID, info.file, {
          baseUrl: modelsUrl(),
          onProgress: (p) =>
            setLoading({ step: info.step, fraction: p.total ? p.loaded / p.total : undefined }),
        });
        weights = new rt.ModelWeights(model.config, tensors);
      } finally {
        setLoading(undefined);
      }
      cache.current.set(info.file, weights);
      if (cache.current.size > 4) cache.current.delete(cache.current.keys().next().value as string);
    }
    const r = await rt.runRepeat(model, PERIOD, state.seed, { weights, channel: `${prefix}-run` });
    if (!r) return null;
    const m = r.rows[0];
    const best = rt.bestHead(m.induction, model.config.n_layers - 1);
    return { step: info.step, m, best };
  }, [model, list, i, state.seed, live.backendVersion]);

  const status: FigureStatus =
    live.status.kind !== 'ready'
      ? live.status
      : index.status.kind !== 'ready'
        ? index.status
        : live.status;
  const phase = index.value?.phase;
  const steps0 = index.value?.list.map((c) => Math.max(c.step, 1)) ?? [];
  // Marked as what it is: the largest rise between checkpoints (the prose says whether it is a jump).
  const band = phase && {
    from: steps0[phase.before],
    to: steps0[phase.after],
    label: 'largest rise in induction score',
  };
  const v = run.value;
  const steps = list?.map((c) => Math.max(c.step, 1)) ?? [];
  const cfg = model?.config;

  return (
    <Figure
      name="formation"
      title="Watching induction heads form"
      status={status}
      onRetry={() => {
        live.retry();
        index.retry();
      }}
      backend={live.badge}
      caption={
        <>
          Curves: numbers measured on each checkpoint when the model was exported
          (checkpoints/index.json). Table and map: the chosen checkpoint run live in your browser on{' '}
          {PERIOD} random tokens repeated (seed {state.seed}).
        </>
      }
    >
      {list && (
        <div class="ch6-row">
          <span class="kit-control">
            <label for={sliderId}>
              Checkpoint {i + 1} of {list.length}: step {list[i].step}
            </label>
            <input
              id={sliderId}
              type="range"
              min={0}
              max={list.length - 1}
              step={1}
              value={i}
              aria-valuetext={`step ${list[i].step}`}
              onInput={(e) => update({ ckpt: Number(e.currentTarget.value) })}
            />
          </span>
          <SeedField value={state.seed} onChange={(seed) => update({ seed })} />
        </div>
      )}
      {loading !== undefined && (
        <div role="status" class="kit-note">
          Loading the weights of step {loading.step}…{' '}
          <progress
            max={1}
            value={loading.fraction}
            aria-label={`Loading the weights of step ${loading.step}`}
          />
        </div>
      )}
      <RunState run={run} onReset={() => update({ ckpt: -1, seed: 1 })} />
      {list && (
        <div>
          <LinePlot
            label="Validation loss over training"
            xLabel="training step"
            yLabel="loss (nats)"
            logX
            series={[
              {
                name: 'validation loss',
                colour: SERIES_COLOURS[0],
                x: steps,
                y: list.map((c) => c.val_loss ?? NaN),
              },
              ...(list.every((c) => secondCopy(c) !== undefined)
                ? [
                    {
                      name: 'second-copy loss (repeats)',
                      colour: SERIES_COLOURS[1],
                      x: steps,
                      y: list.map((c) => secondCopy(c) as number),
                      dashed: true,
                    },
                  ]
                : []),
            ]}
            band={band}
            marker={steps[i]}
            zero={false}
          />
          <LinePlot
            label="Head scores over training"
            xLabel="training step"
            yLabel="score"
            logX
            series={[
              {
                name: 'best induction score (layer 1)',
                colour: SERIES_COLOURS[2],
                x: steps,
                y: list.map((c) => c.induction_score ?? NaN),
              },
              {
                name: 'best previous-token score (layer 0)',
                colour: SERIES_COLOURS[3],
                x: steps,
                y: list.map((c) => c.prev_token_score ?? NaN),
                dashed: true,
              },
            ]}
            band={band}
            marker={steps[i]}
          />
          <LinePlot
            label="In-context-learning score over training"
            xLabel="training step"
            yLabel="ICL score (nats)"
            logX
            series={[
              {
                name: 'loss at token 100 − loss at token 10',
                colour: SERIES_COLOURS[4],
                x: steps,
                y: list.map((c) => c.icl_score ?? NaN),
              },
            ]}
            band={band}
            marker={steps[i]}
            height={140}
          />
        </div>
      )}
      {v && cfg && (
        <div data-testid="formation-ready" data-key={`${v.step}:${fmt(v.m.secondCopyLoss, 6)}`}>
          <ul class="ch6-stats">
            <li>
              step <strong data-testid="formation-step">{v.step}</strong>
            </li>
            <li>
              first copy <strong>{fmt(v.m.firstCopyLoss)}</strong> → second copy{' '}
              <strong>{fmt(v.m.secondCopyLoss)}</strong> nats
            </li>
            <li>
              best induction head <strong>{`${v.best.layer}.${v.best.head}`}</strong> (
              {fmt(v.best.score, 2)})
            </li>
          </ul>
          <div class="kit-fit" style={{ maxWidth: '28rem' }}>
            <Heatmap
              values={v.m.induction.flatMap((r) => Array.from(r))}
              rows={cfg.n_layers}
              cols={cfg.n_heads}
              rowLabels={Array.from({ length: cfg.n_layers }, (_, l) => `layer ${l}`)}
              colLabels={Array.from({ length: cfg.n_heads }, (_, h) => `head ${h}`)}
              rowTitle="layer"
              colTitle="head"
              legendTitle="induction score"
              label={`Induction score of every head at step ${v.step}, measured live`}
              scale={probabilityScale}
              showValues
              format={(x) => x.toFixed(2)}
              cellSize={44}
            />
          </div>
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Jump to the checkpoint just before the shaded band, then step past it, and compare the induction scores of the layer-1 heads.',
            apply: phase ? () => update({ ckpt: phase.before }) : undefined,
          },
          {
            text: 'Compare when the previous-token score rises with when the induction score does.',
          },
          {
            text: 'Change the seed at a late checkpoint: the second-copy loss stays low for any random sequence.',
          },
        ]}
      />
    </Figure>
  );
}

/** The second-copy loss an index entry may carry (written by training/export.py). */
function secondCopy(c: CheckpointInfo): number | undefined {
  return (c as CheckpointInfo & { loss_second_copy?: number }).loss_second_copy;
}
