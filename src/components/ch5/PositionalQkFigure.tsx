import Figure from '../kit/Figure';
import {
  formatNumber,
  formatPercent,
  HeadPicker,
  headName,
  Heatmap,
  loadRuntime,
  parseHead,
  probabilityScale,
  RadioChoice,
  RunState,
  signedScale,
  Stat,
  TryThis,
  useComputation,
  useModels,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import './ch5.css';

const VIEWS = ['scores', 'pattern'] as const;
const SPANS = ['32', 'all'] as const;
const schema = {
  /** A layer-0 head (`0.3`); empty = the model's previous-token head, found live. */
  head: field.text('', 5),
  view: field.oneOf(VIEWS, 'scores'),
  span: field.oneOf(SPANS, '32'),
};

/** The random sequence on which the previous-token score picks the default head. */
const PERIOD = 40;
const SEED = 1;

/**
 * The positional QK circuit `W_pos W_QK W_posᵀ` of a layer-0 head of
 * attn-only-2l: the score each query position gives each key position from
 * the position embeddings alone, with the causal mask. By default the head is
 * the layer-0 head with the highest previous-token score, measured live; the
 * numbers say how often the strongest allowed key is the previous position.
 */
export default function PositionalQkFigure({ prefix = 'pq' }: { prefix?: string }) {
  const [state, update, reset] = useUrlState(schema, prefix);
  const m = useModels(['attn-only-2l']);
  const { model } = m;

  // Live: every head's previous-token score on a random sequence, which picks the default head.
  const scores = useComputation(async () => {
    if (!model) return undefined;
    const rt = await loadRuntime();
    const r = await rt.runRepeat(model, PERIOD, SEED, { channel: `${prefix}-prev` });
    if (!r) return null;
    const prev = r.rows[0].prevToken[0];
    return { prev, best: rt.bestHead(r.rows[0].prevToken, 0) };
  }, [model, m.backendVersion]);

  const asked = parseHead(state.head);
  const cfg = model?.config;
  const head =
    cfg && asked && asked.layer === 0 && asked.head < cfg.n_heads
      ? asked
      : scores.value && { layer: 0, head: scores.value.best.head };

  const circuit = useComputation(async () => {
    if (!model || !head) return undefined;
    const rt = await loadRuntime();
    const w = model.weights;
    const p = rt.positionalQk(w, 0, head.head);
    const tokenContrast = rt.diagonalContrast(rt.fullQkCircuit(w, 0, head.head));
    return { head: headName(head), p, tokenContrast, scale: 1 / Math.sqrt(w.config.d_head) };
  }, [model, head?.head]);

  const c = circuit.value;
  const fresh = c && head && c.head === headName(head);
  const n = c ? (state.span === 'all' ? c.p.n : Math.min(32, c.p.n)) : 0;
  const shown = c ? crop(state.view === 'scores' ? c.p.scores : c.p.pattern, c.p.n, n) : undefined;
  const masked = (q: number, k: number) => k > q;
  const positions = Array.from({ length: n }, (_, i) => String(i));
  const prev = scores.value?.prev;
  const best = scores.value?.best;

  return (
    <Figure
      name="positional-qk"
      title="Where a head looks from position alone"
      model={m}
      python={
        head
          ? {
              kind: 'positional-qk',
              model: 'attn-only-2l',
              layer: 0,
              head: head.head,
            }
          : null
      }
      caption={
        <>
          attn-only-2l's weights: the positional QK circuit <code>W_pos W_Q W_Kᵀ W_posᵀ</code> of a
          layer-0 head, 128 query positions by 128 key positions, keys after the query masked. The
          default head is the layer-0 head with the highest previous-token score, measured live on{' '}
          {PERIOD} random tokens repeated (seed {SEED}).
        </>
      }
    >
      {cfg && head && (
        <HeadPicker
          nLayers={1}
          nHeads={cfg.n_heads}
          mode="single"
          label="Layer-0 head (underline: previous-token score on random tokens)"
          selected={[headName(head)]}
          onChange={(names) => update({ head: names[0] ?? '' })}
          values={prev}
          scale={probabilityScale}
          describe={(_, h) =>
            prev ? `previous-token score ${formatNumber(prev[h], 2)}` : 'previous-token score'
          }
        />
      )}
      <div class="kit-controls">
        <RadioChoice
          legend="Show"
          value={state.view}
          options={[
            { value: 'scores', label: 'scores' },
            { value: 'pattern', label: 'softmax over allowed keys' },
          ]}
          onChange={(view) => update({ view })}
        />
        <RadioChoice
          legend="Positions"
          value={state.span}
          options={[
            { value: '32', label: 'first 32' },
            { value: 'all', label: 'all 128' },
          ]}
          onChange={(span) => update({ span })}
        />
      </div>
      <RunState run={[scores, circuit]} onReset={reset} />
      {c && fresh && shown && (
        <div
          data-testid="positional-qk-ready"
          data-key={`${c.head}:${state.view}:${state.span}:${c.p.previousShare.toFixed(4)}`}
        >
          {best && (
            <p class="kit-note">
              The previous-token head, measured live: <strong>0.{best.head}</strong> (score{' '}
              {formatNumber(best.score, 2)}).
              {head.head !== best.head && ` You are looking at ${c.head}.`}
            </p>
          )}
          <div class="kit-stats">
            <Stat
              label="Strongest allowed key is q − 1"
              value={formatPercent(c.p.previousShare)}
              note={`of the ${c.p.n - 1} queries after the first`}
              testId="positional-qk-previous"
            />
            <Stat
              label="Strongest allowed key is q itself"
              value={formatPercent(c.p.selfShare)}
              note="the query's own position"
            />
            <Stat
              label="Softmax weight on q − 1, positions alone"
              value={formatNumber(c.p.previousAttention, 2)}
              note={`uniform attention would give ${formatNumber(c.p.uniformAttention, 2)}`}
            />
            <Stat
              label="Token part: same token vs. average"
              value={formatNumber(c.tokenContrast * c.scale, 2)}
              note="mean diagonal minus mean entry of W_E W_QK W_Eᵀ / √d_head"
            />
          </div>
          <Heatmap
            label={`Positional QK ${state.view === 'scores' ? 'scores' : 'softmax'} of head ${c.head}, first ${n} positions`}
            rows={n}
            cols={n}
            values={shown}
            scale={state.view === 'scores' ? signedScale(allowed(shown, n)) : probabilityScale}
            legendTitle={
              state.view === 'scores'
                ? 'score (before the 1/√d_head scaling)'
                : 'attention from positions alone'
            }
            rowLabels={positions}
            colLabels={positions}
            rowTitle="query position"
            colTitle="key position"
            isMasked={masked}
            maskedText="masked (a future key)"
            format={(v) => formatNumber(v, 3)}
          />
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Read along the diagonal with the arrow keys: for most queries, which is larger, the score of q − 1 or of q itself?',
          },
          {
            text: 'Switch to the softmax view and to all 128 positions: does the stripe below the diagonal hold all the way down?',
            apply: () => update({ view: 'pattern', span: 'all' }),
          },
          {
            text: 'Pick another layer-0 head: does any other one look at the previous position from position alone?',
          },
        ]}
      />
    </Figure>
  );
}

/** The top-left `[n, n]` block of a row-major `[size, size]` matrix. */
function crop(values: Float64Array, size: number, n: number): Float64Array {
  if (n === size) return values;
  const out = new Float64Array(n * n);
  for (let q = 0; q < n; q++) out.set(values.subarray(q * size, q * size + n), q * n);
  return out;
}

/** The entries on or below the diagonal (keys a query may attend to), for the colour scale. */
function allowed(values: Float64Array, n: number): Float64Array {
  const out: number[] = [];
  for (let q = 0; q < n; q++) for (let k = 0; k <= q; k++) out.push(values[q * n + k]);
  return Float64Array.from(out);
}
