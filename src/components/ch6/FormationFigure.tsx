import { useId, useRef, useState } from 'preact/hooks';
import Figure, { type FigureStatus } from '../kit/Figure';
import {
  formatNumber as fmt,
  loadRuntime,
  modelsUrl,
  RunState,
  seedField,
  TryThis,
  useComputation,
  useModels,
} from '../kit';

import { field } from '../kit/url-state';
import { useLoader } from '../kit/use-loader';
import { useUrlState } from '../kit/use-url-state';
import { HeadScoreGrid } from './HeadScoreGrid';
import { RepeatControls } from './RepeatControls';
import type { CheckpointInfo } from '../../model/loader';
import type { Formation, PhaseChange } from '../../model/phase-change';
import type { ModelWeights } from '../../model/weights';
import { LinePlot, SERIES_COLOURS, type Series } from './LinePlot';

const ID = 'attn-only-2l';
const PERIOD = 40;
const schema = {
  ckpt: field.int(-1, -1, 999),
  seed: seedField(),
};

async function loadIndex(): Promise<{
  list: CheckpointInfo[];
  phase?: PhaseChange;
  formed?: Formation;
}> {
  const rt = await loadRuntime();
  const list = await rt.pageRegistry().checkpointIndex(ID);
  if (list.length === 0) throw new Error(`${ID} ships no training checkpoints`);
  return {
    list,
    phase: list.length >= 2 ? rt.phaseChange(list) : undefined,
    formed: list.length >= 2 ? rt.formation(list) : undefined,
  };
}

/**
 * Watching induction heads form: a slider over the training checkpoints of
 * attn-only-2l. Each checkpoint's weights are fetched when chosen (one at a
 * time, with progress) and run live through the same graph on a repeated
 * random sequence; the curves are the numbers measured at export, with the
 * phase change marked.
 */
export default function FormationFigure({ prefix = 'tf' }: { prefix?: string }) {
  const [state, update, reset] = useUrlState(schema, prefix);
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
  const formed = index.value?.formed;
  // Shaded: the checkpoints where the best induction score is between 10% and 90% of its final value.
  const band =
    formed && formed.inBand.length > 0
      ? {
          from: formed.inBand[0],
          to: formed.inBand[formed.inBand.length - 1],
          label: 'induction heads forming',
        }
      : undefined;
  const v = run.value;
  const steps = list?.map((c) => c.step) ?? [];
  const cfg = model?.config;
  // Every curve is over the checkpoints' steps (linear, so the formation is not squeezed), with the
  // formation shaded and the chosen step marked.
  const overTraining = { xLabel: 'training step', band, marker: steps[i] };
  const curve = (
    name: string,
    colour: number,
    y: (c: CheckpointInfo) => number | undefined,
    dashed = false,
  ): Series => ({
    name,
    colour: SERIES_COLOURS[colour],
    x: steps,
    y: (list ?? []).map((c) => y(c) ?? NaN),
    dashed,
  });

  return (
    <Figure
      name="formation"
      title="Watching induction heads form"
      status={status}
      python={
        list && list[i]
          ? {
              kind: 'repeat-scores',
              model: ID,
              period: PERIOD,
              seed: state.seed,
              checkpoint: { step: list[i].step, file: list[i].file },
            }
          : null
      }
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
        <RepeatControls state={state} onChange={update}>
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
        </RepeatControls>
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
      <RunState run={run} onReset={reset} />
      {list && (
        <div>
          <LinePlot
            label="Validation loss over training"
            yLabel="loss (nats)"
            {...overTraining}
            series={[
              curve('validation loss', 0, (c) => c.val_loss),
              ...(list.every((c) => secondCopy(c) !== undefined)
                ? [curve('second-copy loss (repeats)', 1, secondCopy, true)]
                : []),
            ]}
            zero={false}
          />
          <LinePlot
            label="Head scores over training"
            yLabel="score"
            {...overTraining}
            series={[
              curve('best induction score (layer 1)', 2, (c) => c.induction_score),
              curve('best previous-token score (layer 0)', 3, (c) => c.prev_token_score, true),
            ]}
          />
          <LinePlot
            label="In-context-learning score over training"
            yLabel="ICL score (nats)"
            {...overTraining}
            series={[
              curve('loss at tokens 95–105 − loss at tokens 5–15', 4, (c) => c.icl_score),
              ...(list.every((c) => c.icl_stderr !== undefined)
                ? [
                    curve('±2 standard errors', 4, (c) => c.icl_score! + 2 * c.icl_stderr!, true),
                    {
                      ...curve(
                        '−2 standard errors',
                        4,
                        (c) => c.icl_score! - 2 * c.icl_stderr!,
                        true,
                      ),
                      legend: false,
                    },
                  ]
                : []),
            ]}
            zero={false}
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
          <HeadScoreGrid
            config={cfg}
            scores={v.m.induction}
            label={`Induction score of every head at step ${v.step}, measured live`}
            legendTitle="induction score"
          />
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
