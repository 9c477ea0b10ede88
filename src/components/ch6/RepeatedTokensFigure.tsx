import Figure from '../kit/Figure';
import {
  AttentionPattern,
  formatNumber as fmt,
  HeadChoice,
  headIn,
  headName,
  loadRuntime,
  type ModelId,
  parseHead,
  RunState,
  seedField,
  TryThis,
  useComputation,
  useModels,
} from '../kit';

import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import { periodField, RepeatControls } from './RepeatControls';
import { LinePlot, SERIES_COLOURS } from './LinePlot';

const schema = {
  seed: seedField(),
  period: periodField(),
  /** `layer.head`, or empty for the best induction head. */
  head: field.text('', 5),
};

/**
 * Repeated random tokens: a seeded random block and its repeat, run live.
 * The loss per token drops on the second copy when the model has induction
 * heads, and the induction stripe shows in the attention pattern.
 */
export default function RepeatedTokensFigure({
  prefix = 'rt',
  model: modelId = 'attn-only-2l',
}: {
  prefix?: string;
  model?: ModelId;
}) {
  const [state, update, reset] = useUrlState(schema, prefix);
  const live = useModels([modelId]);
  const { model, tokenizer } = live;
  const run = useComputation(async () => {
    if (!model) return undefined;
    const rt = await loadRuntime();
    const r = await rt.runRepeat(model, state.period, state.seed, { channel: `${prefix}-run` });
    if (!r) return null;
    const best = rt.bestHead(r.rows[0].induction, model.config.n_layers - 1);
    return { ...r, best };
  }, [model, state.seed, state.period, live.backendVersion]);

  const v = run.value;
  const cfg = model?.config;
  const asked = parseHead(state.head);
  const chosen = headIn(cfg, asked, v?.best);
  const n = v ? v.tokens.length : 0;
  const pattern =
    v && chosen
      ? (() => {
          const p = v.result.hooks[`blocks.${chosen.layer}.attn.hook_pattern`];
          const out = new Float64Array(n * n);
          for (let q = 0; q < n; q++)
            for (let k = 0; k < n; k++)
              out[q * n + k] = k <= q ? p.data[(chosen.head * n + q) * n + k] : NaN;
          return out;
        })()
      : undefined;
  const labels = v && tokenizer ? tokenizer.tokenStrings(v.tokens).map((s, i) => `${i} ${s}`) : [];
  const m = v?.rows[0];
  const uniformLoss = Math.log(cfg?.d_vocab ?? 2048);

  return (
    <Figure
      name={`repeated-tokens${modelId === 'attn-only-1l' ? '-1l' : ''}`}
      title={`Repeated random tokens on ${modelId}`}
      model={live}
      python={{
        kind: 'repeat-scores',
        model: modelId,
        period: state.period,
        seed: state.seed,
      }}
      caption={
        <>
          {state.period} random tokens (seed {state.seed}) followed by the same {state.period}{' '}
          again, run live through {modelId}. The dashed line marks where the repeat begins.
        </>
      }
    >
      <RepeatControls state={state} onChange={update} />
      {cfg && chosen && (
        <HeadChoice
          config={cfg}
          head={chosen}
          label="Head whose pattern is shown"
          onChange={(h) => update({ head: headName(h) })}
        />
      )}
      <RunState run={run} onReset={reset} />
      {v && m && chosen && pattern && (
        <div
          data-testid="repeat-ready"
          data-key={`${state.seed}:${state.period}:${fmt(m.secondCopyLoss, 6)}`}
        >
          <ul class="ch6-stats">
            <li>
              first copy: <strong data-testid="first-loss">{fmt(m.firstCopyLoss)}</strong>{' '}
              nats/token
            </li>
            <li>
              second copy: <strong data-testid="second-loss">{fmt(m.secondCopyLoss)}</strong>{' '}
              nats/token
            </li>
            <li>
              best induction head: <strong>{`${v.best.layer}.${v.best.head}`}</strong> (score{' '}
              {fmt(v.best.score, 2)})
            </li>
          </ul>
          <LinePlot
            label="Loss per token"
            xLabel="position"
            yLabel="loss (nats)"
            series={[
              {
                name: 'loss predicting the next token',
                colour: SERIES_COLOURS[0],
                x: Array.from(m.loss, (_, i) => i),
                y: Array.from(m.loss),
              },
              {
                name: `uniform guess (ln ${cfg?.d_vocab})`,
                colour: SERIES_COLOURS[1],
                x: [0, m.loss.length - 1],
                y: [uniformLoss, uniformLoss],
                dashed: true,
              },
            ]}
            divider={{ x: state.period - 0.5, label: 'repeat starts' }}
          />
          <p class="kit-subhead">
            Attention pattern of head {chosen.layer}.{chosen.head}
            {!state.head && ' (the best induction head)'}
          </p>
          <AttentionPattern
            label={`Attention pattern of head ${headName(chosen)} on the repeated sequence`}
            values={pattern}
            labels={labels}
          />
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Change the seed: does the second-copy loss stay low for every random sequence?',
            apply: () => update({ seed: state.seed + 1 }),
          },
          {
            text: `Pick each layer-1 head in turn and look for the stripe ${state.period - 1} steps below the diagonal.`,
          },
          {
            text: 'Pick a layer-0 head with a stripe right under the diagonal: a previous-token head.',
          },
        ]}
      />
    </Figure>
  );
}
