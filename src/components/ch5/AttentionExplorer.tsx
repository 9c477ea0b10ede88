import Figure from '../kit/Figure';
import {
  fitToContext,
  headField,
  headName,
  HeadPicker,
  Heatmap,
  ModelSelect,
  positionField,
  probabilityScale,
  promptField,
  PromptInput,
  resolvePosition,
  RunState,
  TokenStrip,
  TryThis,
  useComputation,
  useModels,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import './ch5.css';

const MODELS = ['attn-only-2l', 'attn-only-1l'] as const;
const DEFAULT_TEXT =
  'The cat sat on the mat. Later, the dog sat on the rug. The cat and the dog sat together.';
const schema = {
  text: promptField(DEFAULT_TEXT),
  model: field.oneOf(MODELS, 'attn-only-2l'),
  pos: positionField(),
  head: headField({ layer: 0, head: 0 }),
};

/**
 * Attention explorer: every head of every layer on the reader's prompt.
 * Choosing a token shows where each head attends from it (rows: heads,
 * columns: keys) and what attends to it (rows: heads, columns: queries), and
 * one head's full pattern.
 */
export default function AttentionExplorer({ prefix = 'ax' }: { prefix?: string }) {
  const [state, update] = useUrlState(schema, prefix);
  const m = useModels([state.model]);
  const { model, tokenizer } = m;
  const nCtx = model?.config.n_ctx ?? 128;
  const all = tokenizer ? tokenizer.encode(state.text) : [];
  const ids = fitToContext(all, nCtx);
  const run = useComputation(
    () =>
      model && ids.length > 0
        ? model.runLatest(`${prefix}-${model.config.model_name}`, ids, {
            hooks: Array.from(
              { length: model.config.n_layers },
              (_, l) => `blocks.${l}.attn.hook_pattern`,
            ),
            logits: false,
          })
        : undefined,
    [model, ids.join(','), m.backendVersion],
  );
  const r = run.value;
  const cfg = model?.config;
  const fresh =
    r && cfg && r.length === ids.length && r.hooks[`blocks.${cfg.n_layers - 1}.attn.hook_pattern`];
  const n = fresh ? r.length : 0;
  const strings = tokenizer ? tokenizer.tokenStrings(ids) : [];
  // With no position chosen, start at the first full stop: where a sentence's gist could be kept.
  const firstStop = strings.slice(0, n).findIndex((t) => t.includes('.'));
  const pos = state.pos === -1 && firstStop >= 0 ? firstStop : resolvePosition(state.pos, n);
  const heads = cfg
    ? Array.from({ length: cfg.n_layers * cfg.n_heads }, (_, i) => ({
        layer: Math.floor(i / cfg.n_heads),
        head: i % cfg.n_heads,
      }))
    : [];
  const chosen =
    cfg && state.head.layer < cfg.n_layers && state.head.head < cfg.n_heads
      ? state.head
      : { layer: 0, head: 0 };

  let from: Float64Array | undefined;
  let to: Float64Array | undefined;
  let full: Float64Array | undefined;
  if (fresh && cfg && n > 0) {
    const A = (l: number, h: number, q: number, k: number) =>
      r.hooks[`blocks.${l}.attn.hook_pattern`].data[(h * n + q) * n + k];
    const f = new Float64Array(heads.length * n);
    const t = new Float64Array(heads.length * n);
    heads.forEach(({ layer, head }, i) => {
      for (let k = 0; k < n; k++) {
        f[i * n + k] = k <= pos ? A(layer, head, pos, k) : NaN;
        t[i * n + k] = k >= pos ? A(layer, head, k, pos) : NaN;
      }
    });
    from = f;
    to = t;
    full = new Float64Array(n * n);
    for (let q = 0; q < n; q++)
      for (let k = 0; k < n; k++)
        full[q * n + k] = k <= q ? A(chosen.layer, chosen.head, q, k) : NaN;
  }
  const headLabels = heads.map(headName);
  const posLabels = strings.map((s, i) => `${i} ${s}`);
  const masked = (values: Float64Array | undefined, cols: number) => (row: number, col: number) =>
    Number.isNaN(values?.[row * cols + col] ?? NaN);

  return (
    <Figure
      name="attention-explorer"
      title="Attention explorer: every head on your prompt"
      model={m}
      caption={
        <>
          Attention patterns computed live by {state.model} on your prompt. In the first two maps
          each row is a head (layer.head); every row of a head's full pattern sums to one.
        </>
      }
    >
      <ModelSelect
        value={state.model}
        models={MODELS}
        onChange={(id) =>
          update({ model: id as (typeof MODELS)[number], head: { layer: 0, head: 0 } })
        }
      />
      <PromptInput
        value={state.text}
        onInput={(text) => update({ text, pos: -1 })}
        tokenCount={all.length}
        nCtx={nCtx}
      />
      <RunState run={run} onReset={() => update({ text: DEFAULT_TEXT, pos: -1 })} />
      {n > 0 && (
        <p class="kit-note">
          Choose the query token with the mouse or the arrow keys (now {pos}: “{strings[pos]}”).
        </p>
      )}
      <TokenStrip
        label="Prompt tokens: choose the query position"
        tokens={strings.slice(0, n)}
        selected={pos}
        onSelect={(p) => update({ pos: p })}
      />
      {from && to && full && cfg && (
        <div data-testid="attention-ready" data-key={`${n}:${pos}:${ids.join(',')}`}>
          <p class="kit-subhead">Where each head attends from “{strings[pos]}”</p>
          <Heatmap
            label={`Attention from position ${pos} for every head`}
            values={from}
            rows={heads.length}
            cols={n}
            rowLabels={headLabels}
            colLabels={posLabels}
            rowTitle="head"
            colTitle="key"
            legendTitle="attention probability"
            scale={probabilityScale}
            isMasked={masked(from, n)}
            maskedText="in the future (masked)"
            onSelect={(row) => update({ head: heads[row] })}
          />
          <p class="kit-subhead">What attends to “{strings[pos]}”</p>
          <Heatmap
            label={`Attention paid to position ${pos} by later queries, every head`}
            values={to}
            rows={heads.length}
            cols={n}
            rowLabels={headLabels}
            colLabels={posLabels}
            rowTitle="head"
            colTitle="query"
            legendTitle="attention probability"
            scale={probabilityScale}
            isMasked={masked(to, n)}
            maskedText="before the token (cannot see it)"
            onSelect={(row) => update({ head: heads[row] })}
          />
          <p class="kit-subhead">Full pattern of head {headName(chosen)}</p>
          <HeadPicker
            nLayers={cfg.n_layers}
            nHeads={cfg.n_heads}
            selected={[headName(chosen)]}
            onChange={(names) => {
              const [l, h] = (names[0] ?? '0.0').split('.').map(Number);
              update({ head: { layer: l, head: h } });
            }}
            mode="single"
            label="Head whose full pattern is shown"
          />
          <Heatmap
            label={`Attention pattern of head ${headName(chosen)}`}
            values={full}
            rows={n}
            cols={n}
            rowLabels={posLabels}
            colLabels={posLabels}
            rowTitle="query"
            colTitle="key"
            legendTitle="attention probability"
            scale={probabilityScale}
            isMasked={(q, k) => k > q}
            maskedText="in the future (masked)"
            highlight={{ row: pos, col: pos }}
            onSelect={(q) => update({ pos: q })}
          />
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'In attn-only-2l, find a layer-0 head whose full pattern is a stripe just below the diagonal: a previous-token head.',
          },
          {
            text: 'Choose the last full stop and look at “What attends to” it: which heads keep coming back there?',
          },
          {
            text: 'Use a prompt that repeats a phrase, and watch the layer-1 heads on the second copy.',
            apply: () =>
              update({
                text: 'Mr Plumtree grew giant marrows. Everyone admired Mr Plumtree grew giant marrows.',
                pos: -1,
              }),
          },
        ]}
      />
    </Figure>
  );
}
