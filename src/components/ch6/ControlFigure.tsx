import Figure, { type FigureStatus } from '../kit/Figure';
import {
  formatNumber as fmt,
  loadRuntime,
  NumTable,
  RunState,
  seedField,
  TryThis,
  useComputation,
  useModels,
} from '../kit';

import { useUrlState } from '../kit/use-url-state';
import { periodField, RepeatControls } from './RepeatControls';
import { LinePlot, SERIES_COLOURS } from './LinePlot';

const schema = {
  seed: seedField(),
  period: periodField(),
};

/**
 * The control: the repeated-random-tokens experiment on the one-layer model
 * (no induction head possible) beside the two-layer one, on the same tokens.
 */
export default function ControlFigure({ prefix = 'ct' }: { prefix?: string }) {
  const [state, update, reset] = useUrlState(schema, prefix);
  const live = useModels(['attn-only-1l', 'attn-only-2l']);
  const [oneModel, twoModel] = live.models ?? [];

  const run = useComputation(async () => {
    if (!oneModel || !twoModel) return undefined;
    const rt = await loadRuntime();
    // One after the other: two ORT sessions must not run at once on one WASM instance.
    const a = await rt.runRepeat(oneModel, state.period, state.seed, { channel: `${prefix}-1l` });
    const b = await rt.runRepeat(twoModel, state.period, state.seed, { channel: `${prefix}-2l` });
    if (!a || !b) return null;
    return {
      one: { m: a.rows[0], best: rt.bestHead(a.rows[0].induction) },
      two: { m: b.rows[0], best: rt.bestHead(b.rows[0].induction) },
    };
  }, [oneModel, twoModel, state.seed, state.period, live.backendVersion]);

  const status: FigureStatus = live.status;
  const v = run.value;
  const lnN = Math.log(state.period);
  return (
    <Figure
      name="control"
      title="The control: the same experiment on one layer"
      status={status}
      python={(['attn-only-1l', 'attn-only-2l'] as const).map((model) => ({
        label: `on ${model}`,
        state: {
          kind: 'repeat-scores',
          model,
          period: state.period,
          seed: state.seed,
        },
      }))}
      onRetry={live.retry}
      backend={live.badge}
      caption={
        <>
          Both models run live on the same {state.period} random tokens, repeated (seed {state.seed}
          ). The dotted line is ln {state.period} ≈ {fmt(lnN, 3)} nats: the loss of a model that
          knows which tokens appeared but not in which order.
        </>
      }
    >
      <RepeatControls state={state} onChange={update} />
      <RunState run={run} onReset={reset} />
      {v && (
        <div
          data-testid="control-ready"
          data-key={`${state.seed}:${state.period}:${fmt(v.one.m.secondCopyLoss, 6)}`}
        >
          <NumTable
            label="Losses of the two models (scrolls sideways)"
            columns={['model', 'first copy', 'second copy', 'best induction score']}
          >
            {(
              [
                ['attn-only-1l', v.one],
                ['attn-only-2l', v.two],
              ] as const
            ).map(([id, x]) => (
              <tr key={id}>
                <td>{id}</td>
                <td>{fmt(x.m.firstCopyLoss)}</td>
                <td data-testid={`second-${id}`}>{fmt(x.m.secondCopyLoss)}</td>
                <td>
                  {fmt(x.best.score, 3)} ({x.best.layer}.{x.best.head})
                </td>
              </tr>
            ))}
          </NumTable>
          <LinePlot
            label="Loss per token, one-layer and two-layer models"
            xLabel="position"
            yLabel="loss (nats)"
            divider={{ x: state.period - 0.5, label: 'repeat starts' }}
            series={[
              {
                name: 'attn-only-1l',
                colour: SERIES_COLOURS[1],
                x: Array.from(v.one.m.loss, (_, i) => i),
                y: Array.from(v.one.m.loss),
              },
              {
                name: 'attn-only-2l',
                colour: SERIES_COLOURS[0],
                x: Array.from(v.two.m.loss, (_, i) => i),
                y: Array.from(v.two.m.loss),
              },
              {
                name: `ln ${state.period}`,
                colour: SERIES_COLOURS[2],
                x: [0, v.one.m.loss.length - 1],
                y: [lnN, lnN],
                dashed: true,
              },
            ]}
          />
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Make the block shorter (10 tokens): ln n falls, and so does what copying alone can reach.',
            apply: () => update({ period: 10 }),
          },
          {
            text: 'Compare the two curves on the first copy: without repeats the extra layer buys little.',
          },
        ]}
      />
    </Figure>
  );
}
