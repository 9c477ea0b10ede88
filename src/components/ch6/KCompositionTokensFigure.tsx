import { useRef } from 'preact/hooks';
import Figure from '../kit/Figure';
import {
  Fit,
  formatCount,
  formatFixed,
  formatNumber,
  formatPercent,
  Heatmap,
  loadRuntime,
  NumTable,
  parseHead,
  promptField,
  PromptInput,
  RunState,
  Select,
  signedScale,
  Stat,
  TryThis,
  useComputation,
  useModels,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import './ch6.css';

/** Words that are one token each in the book's 2,048-token vocabulary. */
const DEFAULT_TOKENS =
  ' king fire light day house man land city son father heaven earth people hand name time';
/** At most this many distinct tokens of the box are shown. */
const MAX_SHOWN = 24;
const schema = {
  /** Layer-0 head (`0.3`); empty = the previous-token head, found live. */
  prev: field.text('', 5),
  /** Layer-1 head (`1.2`); empty = the best induction head, found live. */
  ind: field.text('', 5),
  tokens: promptField(DEFAULT_TOKENS),
};

/** The random sequence on which the live scores pick the default heads. */
const PERIOD = 40;
const SEED = 1;

/** Lets the page paint between two heads' 2048 x 2048 passes (~0.1 s each). */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface PairRow {
  head: number;
  eigen: number;
  /** For each token b, is the query token that most prefers keys after b, b itself? */
  columns: number;
  /** For each query token a, is the token it most wants before its key, a itself? */
  rows: number;
}

/**
 * The K-composition term of the induction circuit over tokens,
 * `W_E W_QK^{1.h} (W_OV^{0.p})ᵀ W_Eᵀ`: how much a layer-1 head's query on
 * token a attends to a key position whose previous token was b, through what
 * the previous-token head wrote there. Its eigenvalue score and top-1
 * diagonal accuracy, for every layer-1 head, and the matrix over a few
 * tokens the reader chooses. Computed factored (rank 16) from the weights.
 */
export default function KCompositionTokensFigure({ prefix = 'kt' }: { prefix?: string }) {
  const [state, update, reset] = useUrlState(schema, prefix);
  const m = useModels(['attn-only-2l']);
  const { model, tokenizer } = m;
  const cfg = model?.config;
  const latest = useRef(0);

  const live = useComputation(async () => {
    if (!model) return undefined;
    const rt = await loadRuntime();
    const r = await rt.runRepeat(model, PERIOD, SEED, { channel: `${prefix}-live` });
    if (!r) return null;
    const row = r.rows[0];
    return {
      prev: row.prevToken[0],
      ind: row.induction[1],
      bestPrev: rt.bestHead(row.prevToken, 0).head,
      bestInd: rt.bestHead(row.induction, 1).head,
    };
  }, [model, m.backendVersion]);

  const inLayer = (raw: string, layer: number) => {
    const h = parseHead(raw);
    return cfg && h && h.layer === layer && h.head < cfg.n_heads ? h.head : undefined;
  };
  const prev = inLayer(state.prev, 0) ?? live.value?.bestPrev;
  const ind = inLayer(state.ind, 1) ?? live.value?.bestInd;

  // Every layer-1 head with the chosen previous-token head: eigenvalues and both top-1s.
  const table = useComputation(async () => {
    if (!model || prev === undefined) return undefined;
    const ticket = ++latest.current;
    const rt = await loadRuntime();
    const t0 = performance.now();
    const rows: PairRow[] = [];
    for (let h = 0; h < model.config.n_heads; h++) {
      await nextTask();
      if (ticket !== latest.current) return null; // the reader chose another head
      const fm = rt.kCompositionCircuit(
        model.weights,
        { layer: 0, head: prev },
        { layer: 1, head: h },
      );
      const d = rt.diagonalArgmax(fm);
      rows.push({
        head: h,
        eigen: rt.copyingScoreOf(fm),
        columns: d.columnAccuracy,
        rows: d.rowAccuracy,
      });
    }
    return { prev, rows, ms: performance.now() - t0 };
  }, [model, prev]);

  const shownIds = tokenizer
    ? [...new Set(tokenizer.encode(state.tokens))].slice(0, MAX_SHOWN)
    : [];
  const sample = useComputation(async () => {
    if (!model || prev === undefined || ind === undefined || shownIds.length === 0)
      return undefined;
    const rt = await loadRuntime();
    const fm = rt.kCompositionCircuit(
      model.weights,
      { layer: 0, head: prev },
      { layer: 1, head: ind },
    );
    return {
      key: `${prev}:${ind}:${shownIds.join(',')}`,
      values: rt.submatrix(fm, shownIds, shownIds),
    };
  }, [model, prev, ind, shownIds.join(',')]);

  const names = tokenizer ? tokenizer.tokenStrings(shownIds) : [];
  const t = table.value;
  const s = sample.value;
  const chosen = t && t.prev === prev ? t.rows.find((r) => r.head === ind) : undefined;
  const headOptions = (layer: number, scores?: Float64Array, what = '') =>
    Array.from({ length: cfg?.n_heads ?? 0 }, (_, h) => ({
      value: `${layer}.${h}`,
      label: scores ? `${layer}.${h} (${what} ${formatNumber(scores[h], 2)})` : `${layer}.${h}`,
    }));

  return (
    <Figure
      name="k-composition-tokens"
      title="The induction circuit's K-composition, token by token"
      model={m}
      python={
        prev !== undefined && ind !== undefined
          ? {
              kind: 'k-circuit',
              model: 'attn-only-2l',
              prev,
              ind,
              tokens: state.tokens,
            }
          : null
      }
      caption={
        <>
          attn-only-2l's weights: <code>W_E W_QK^1.h (W_OV^0.p)ᵀ W_Eᵀ</code>, a 2,048 × 2,048 matrix
          of rank 16, kept as two factors; only the cells shown are formed, and the top-1 accuracies
          pass over the whole matrix a block of rows at a time. The default heads are the best
          previous-token and induction heads, measured live on {PERIOD} random tokens repeated (seed{' '}
          {SEED}).
        </>
      }
    >
      {cfg && prev !== undefined && ind !== undefined && (
        <div class="kit-controls">
          <Select
            label="Previous-token head (layer 0)"
            value={`0.${prev}`}
            options={headOptions(0, live.value?.prev, 'prev.')}
            onChange={(v) => update({ prev: v })}
          />
          <Select
            label="Induction head (layer 1)"
            value={`1.${ind}`}
            options={headOptions(1, live.value?.ind, 'ind.')}
            onChange={(v) => update({ ind: v })}
          />
        </div>
      )}
      <PromptInput
        label="Tokens to show"
        value={state.tokens}
        rows={2}
        onInput={(tokens) => update({ tokens })}
        tokenCount={shownIds.length}
        hint={`Up to ${MAX_SHOWN} distinct tokens; a leading space is part of a word's token.`}
      />
      <RunState run={[live, table, sample]} onReset={reset} />
      {chosen && t && (
        <div
          data-testid="kt-ready"
          data-key={`0.${t.prev}:1.${chosen.head}:${chosen.columns.toFixed(4)}`}
        >
          <div class="kit-stats">
            <Stat
              label={`Eigenvalue score, 0.${t.prev} → 1.${chosen.head}`}
              value={formatFixed(chosen.eigen, 3)}
              note="Σλ / Σ|λ|: 1 if every eigenvalue is positive"
              testId="kt-eigen"
            />
            <Stat
              label="Top-1 by key token b"
              value={formatPercent(chosen.columns)}
              note="tokens b whose strongest query token is b"
              testId="kt-top1"
            />
            <Stat
              label="Top-1 by query token a"
              value={formatPercent(chosen.rows)}
              note="tokens a whose strongest previous token is a"
            />
            <Stat
              label="Chance"
              value={`${formatFixed(100 / (cfg?.d_vocab ?? 1), 2)}%`}
              note={`1 in ${formatCount(cfg?.d_vocab ?? 1)}`}
            />
          </div>
        </div>
      )}
      {s && s.key === `${prev}:${ind}:${shownIds.join(',')}` && (
        <Fit cols={names.length} cell={28}>
          <Heatmap
            label={`K-composition term of 0.${prev} into 1.${ind} over the chosen tokens`}
            rows={names.length}
            cols={names.length}
            values={s.values}
            scale={signedScale(s.values)}
            legendTitle="score"
            rowLabels={names}
            colLabels={names}
            rowTitle="query token a"
            colTitle="token b before the key"
            format={(v) => formatNumber(v, 3)}
          />
        </Fit>
      )}
      {t && t.prev === prev && (
        <NumTable
          label="Every layer-1 head's K-composition term (scrolls sideways)"
          caption={
            <>
              Every layer-1 head with head 0.{t.prev}, the chosen one in bold (computed in your
              browser in {formatNumber(t.ms / 1000, 2)} s)
            </>
          }
          columns={['head', 'induction score', 'eigenvalue score', 'top-1 by b', 'top-1 by a']}
        >
          {t.rows.map((r) => (
            <tr key={r.head} class={r.head === ind ? 'ch6-chosen' : undefined}>
              <td>1.{r.head}</td>
              <td>{live.value ? formatNumber(live.value.ind[r.head], 2) : '—'}</td>
              <td>{formatFixed(r.eigen, 3)}</td>
              <td>{formatPercent(r.columns)}</td>
              <td>{formatPercent(r.rows)}</td>
            </tr>
          ))}
        </NumTable>
      )}
      <TryThis
        items={[
          {
            text: 'Read the diagonal of the heatmap with the arrow keys: is each token strongest against itself?',
          },
          {
            text: 'Choose a layer-0 head that is not a previous-token head: what happens to the eigenvalue score and to top-1?',
          },
          {
            text: 'Add words that often follow each other (“ Lord God”): does the matrix also favour some pairs off the diagonal?',
            apply: () => update({ tokens: `${state.tokens} Lord God` }),
          },
        ]}
      />
    </Figure>
  );
}
