import Figure from '../kit/Figure';
import {
  formatNumber as fmt,
  HeadChoice,
  headName,
  loadRuntime,
  NumTable,
  parseHead,
  RunState,
  seedField,
  SignedBars,
  TryThis,
  useComputation,
  useModels,
} from '../kit';

import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import { RepeatControls } from './RepeatControls';

const schema = {
  seed: seedField(),
  target: field.text('', 5),
};

const PERIOD = 40;

/**
 * K-composition, tested: every layer-0 head ablated in turn (one batched run
 * of 1 + 8 rows) on a repeated random sequence; for each, the chosen layer-1
 * head's induction score and the second-copy loss, next to the K-composition
 * score of that pair computed from the weights alone.
 */
export default function KCompositionFigure({ prefix = 'kc' }: { prefix?: string }) {
  const [state, update, reset] = useUrlState(schema, prefix);
  const live = useModels(['attn-only-2l']);
  const { model } = live;

  const run = useComputation(async () => {
    if (!model) return undefined;
    const rt = await loadRuntime();
    const { n_layers, n_heads } = model.config;
    // Row 0: the model as is; row 1 + h: layer-0 head h zero-ablated.
    const mask = new Float32Array((1 + n_heads) * n_layers * n_heads).fill(1);
    for (let h = 0; h < n_heads; h++) mask[(1 + h) * n_layers * n_heads + h] = 0;
    const r = await rt.runRepeat(model, PERIOD, state.seed, {
      headMask: mask,
      channel: `${prefix}-run`,
    });
    if (!r) return null;
    const comp = rt.compositionScores(model.weights, 0, n_layers - 1, 'K');
    const baseline = rt.compositionBaseline(model.config.d_model, model.config.d_head, 'K', 64, 0);
    return { rows: r.rows, comp, baseline, best: rt.bestHead(r.rows[0].induction, n_layers - 1) };
  }, [model, state.seed, live.backendVersion]);

  const v = run.value;
  const cfg = model?.config;
  const asked = parseHead(state.target);
  const last = (cfg?.n_layers ?? 2) - 1;
  // Only a last-layer head can read layer 0 through its keys; any other choice falls back to the best.
  const target = cfg && asked && asked.layer === last && asked.head < cfg.n_heads ? asked : v?.best;

  return (
    <Figure
      name="k-composition"
      title="K-composition, tested by ablation"
      model={live}
      python={{ kind: 'composition', model: 'attn-only-2l', composition: 'K' }}
      caption={
        <>
          One batched run of attn-only-2l on {PERIOD} random tokens repeated (seed {state.seed}):
          the unchanged model and eight copies, each with one layer-0 head's output set to zero.
          K-composition scores come from the weights: ‖W_QKᵀ W_OV‖ / (‖W_QK‖ ‖W_OV‖).
        </>
      }
    >
      <RepeatControls state={state} onChange={update} />
      {cfg && target && (
        <HeadChoice
          config={cfg}
          head={target}
          label="Layer-1 head to watch (a layer-0 choice falls back to the best induction head)"
          onChange={(h) => update({ target: headName(h) })}
        />
      )}
      <RunState run={run} onReset={reset} />
      {v && target && cfg && (
        <div
          data-testid="kcomp-ready"
          data-key={`${state.seed}:${fmt(v.rows[0].secondCopyLoss, 6)}`}
        >
          <p>
            Unchanged model: head {target.layer}.{target.head} induction score{' '}
            <strong>{fmt(v.rows[0].induction[target.layer][target.head], 3)}</strong>, second-copy
            loss <strong>{fmt(v.rows[0].secondCopyLoss, 3)}</strong> (first copy{' '}
            {fmt(v.rows[0].firstCopyLoss, 3)}).
          </p>
          <NumTable
            label="Ablation table (scrolls sideways)"
            caption={
              <>
                With each layer-0 head ablated (random K-composition baseline:{' '}
                {fmt(v.baseline.mean, 3)} ± {fmt(v.baseline.std, 2)})
              </>
            }
            columns={[
              'ablated',
              <>
                induction score of {target.layer}.{target.head}
              </>,
              'second-copy loss',
              <>
                K-comp. 0.h → {target.layer}.{target.head}
              </>,
            ]}
          >
            {Array.from({ length: cfg.n_heads }, (_, h) => (
              <tr key={h}>
                <td>0.{h}</td>
                <td>{fmt(v.rows[1 + h].induction[target.layer][target.head], 3)}</td>
                <td>{fmt(v.rows[1 + h].secondCopyLoss, 3)}</td>
                <td>{fmt(v.comp[h * cfg.n_heads + target.head], 3)}</td>
              </tr>
            ))}
          </NumTable>
          <p class="kit-subhead">
            Change in second-copy loss (nats) when each layer-0 head is ablated
          </p>
          <SignedBars
            label="Change in second-copy loss per ablated layer-0 head"
            bars={Array.from({ length: cfg.n_heads }, (_, h) => ({
              label: `0.${h}`,
              value: v.rows[1 + h].secondCopyLoss - v.rows[0].secondCopyLoss,
            }))}
          />
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Find the layer-0 head whose ablation hurts most. Is it the previous-token head of the head-score figure?',
          },
          {
            text: 'Check whether the same head has the highest K-composition score with the induction head.',
          },
          {
            text: 'Choose a layer-1 head that is not an induction head: does any ablation matter to it?',
          },
        ]}
      />
    </Figure>
  );
}
