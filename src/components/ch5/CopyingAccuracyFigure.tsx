import { useRef } from 'preact/hooks';
import Figure from '../kit/Figure';
import {
  formatCount,
  formatFixed,
  formatNumber,
  formatPercent,
  loadRuntime,
  ModelSelect,
  NumTable,
  RunState,
  TryThis,
  useComputation,
  useModels,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import './ch5.css';

const MODELS = ['attn-only-1l', 'attn-only-2l'] as const;
const schema = { model: field.oneOf(MODELS, 'attn-only-2l') };

/** A copying score above this counts as "copies" in the summary line (the chapter's cut). */
const COPYING_CUT = 0.9;

interface HeadRow {
  name: string;
  copying: number;
  /** Share of tokens whose full OV row argmax is the token itself. */
  top1: number;
}

/** Lets the page paint between two heads' 2048 x 2048 passes (~0.1 s each). */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Two copying tests on every head's full OV circuit `W_E W_OV W_U`, from the
 * shipped weights: the eigenvalue copying score (Σλ / Σ|λ|, Elhage et al.,
 * 2021) and top-1 accuracy, the share of the 2,048 tokens whose row of the
 * circuit is largest at the token itself. The first asks whether the circuit
 * raises what it reads on the whole; the second whether it raises exactly it.
 */
export default function CopyingAccuracyFigure({ prefix = 'ca' }: { prefix?: string }) {
  const [state, update, reset] = useUrlState(schema, prefix);
  const m = useModels([state.model]);
  const { model } = m;
  const latest = useRef(0);

  const run = useComputation(async () => {
    if (!model) return undefined;
    const ticket = ++latest.current;
    const rt = await loadRuntime();
    const w = model.weights;
    const { n_layers, n_heads, d_vocab } = w.config;
    const rows: HeadRow[] = [];
    const t0 = performance.now();
    for (let l = 0; l < n_layers; l++)
      for (let h = 0; h < n_heads; h++) {
        await nextTask();
        if (ticket !== latest.current) return null; // the reader chose another model
        const fm = rt.fullOvCircuit(w, l, h);
        rows.push({
          name: `${l}.${h}`,
          copying: rt.copyingScoreOf(fm),
          top1: rt.diagonalArgmax(fm).rowAccuracy,
        });
      }
    return { model: w.config.model_name, rows, d_vocab, ms: performance.now() - t0 };
  }, [model]);

  const v = run.value;
  const copiers = v ? v.rows.filter((r) => r.copying > COPYING_CUT) : [];
  return (
    <Figure
      name="copying-accuracy"
      title="Copying, two ways"
      model={m}
      python={{ kind: 'copying', model: state.model, accuracy: true }}
      caption={
        <>
          Every head of {state.model}, from its weights. Copying score: Σλ / Σ|λ| over the
          eigenvalues of the full OV circuit <code>W_E W_OV W_U</code>. Top-1: the share of the
          vocabulary's tokens t whose row of that 2,048 × 2,048 circuit is largest at t itself
          (chance: 1 in 2,048), computed row block by row block and never stored whole.
        </>
      }
    >
      <ModelSelect value={state.model} models={MODELS} onChange={(model) => update({ model })} />
      <RunState run={run} onReset={reset} />
      {v && v.model === state.model && (
        <div
          data-testid="copying-ready"
          data-key={`${v.model}:${v.rows.map((r) => r.top1.toFixed(4)).join(',')}`}
        >
          <p>
            {copiers.length} of {v.rows.length} heads have a copying score above {COPYING_CUT}
            {copiers.length > 0 && (
              <>
                ; their top-1 accuracy runs from{' '}
                <strong>{formatPercent(Math.min(...copiers.map((r) => r.top1)))}</strong> to{' '}
                <strong>{formatPercent(Math.max(...copiers.map((r) => r.top1)))}</strong>
              </>
            )}
            .
          </p>
          <NumTable
            label="Copying score and top-1 accuracy of every head (scrolls sideways)"
            caption={
              <>
                Copying score, top-1 accuracy, and the number of the {formatCount(v.d_vocab)} tokens
                each head copies exactly; computed in your browser in {formatNumber(v.ms / 1000, 2)}{' '}
                s.
              </>
            }
            columns={['head', 'copying', 'top-1', 'exact copies']}
          >
            {v.rows.map((r) => (
              <tr key={r.name}>
                <td>{r.name}</td>
                <td>{formatFixed(r.copying, 3)}</td>
                <td>{formatPercent(r.top1)}</td>
                <td>{formatCount(r.top1 * v.d_vocab)}</td>
              </tr>
            ))}
          </NumTable>
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Find a head with a copying score near 1 but a top-1 accuracy of a few percent: what does it raise instead of the exact token? (The circuits figure above lists its OV row for any token.)',
          },
          {
            text: 'Switch to attn-only-1l: its heads copy by the eigenvalue test, but how many tokens does any of them copy exactly?',
            apply: () => update({ model: 'attn-only-1l' }),
          },
          {
            text: 'Back in attn-only-2l, which layer copies exactly? Why would an induction head need to?',
            apply: () => update({ model: 'attn-only-2l' }),
          },
        ]}
      />
    </Figure>
  );
}
