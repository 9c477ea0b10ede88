import Figure from '../kit/Figure';
import {
  AttentionPattern,
  HeadChoice,
  headField,
  headIn,
  headName,
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
  useModelPrompt,
  usePromptRun,
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
  const m = useModelPrompt([state.model], state.text, (text) => update({ text, pos: -1 }));
  const { model, ids, strings } = m;
  const run = usePromptRun(m, (model, ids) =>
    model.runLatest(`${prefix}-${model.config.model_name}`, ids, {
      hooks: Array.from(
        { length: model.config.n_layers },
        (_, l) => `blocks.${l}.attn.hook_pattern`,
      ),
      logits: false,
    }),
  );
  const r = run.value;
  const cfg = model?.config;
  const fresh =
    r && cfg && r.length === ids.length && r.hooks[`blocks.${cfg.n_layers - 1}.attn.hook_pattern`];
  const n = fresh ? r.length : 0;
  // With no position chosen, start at the first full stop: where a sentence's gist could be kept.
  const firstStop = strings.slice(0, n).findIndex((t) => t.includes('.'));
  const pos = state.pos === -1 && firstStop >= 0 ? firstStop : resolvePosition(state.pos, n);
  const heads = cfg
    ? Array.from({ length: cfg.n_layers * cfg.n_heads }, (_, i) => ({
        layer: Math.floor(i / cfg.n_heads),
        head: i % cfg.n_heads,
      }))
    : [];
  const chosen = headIn(cfg, state.head, { layer: 0, head: 0 });

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
  // Every head (rows) against the positions (columns): attention from the chosen token, or to it.
  const byHead = (label: string, values: Float64Array, colTitle: string, maskedText: string) => (
    <Heatmap
      label={label}
      values={values}
      rows={heads.length}
      cols={n}
      rowLabels={headLabels}
      colLabels={posLabels}
      rowTitle="head"
      colTitle={colTitle}
      legendTitle="attention probability"
      scale={probabilityScale}
      isMasked={(row, col) => Number.isNaN(values[row * n + col])}
      maskedText={maskedText}
      onSelect={(row) => update({ head: heads[row] })}
    />
  );

  return (
    <Figure
      name="attention-explorer"
      title="Attention explorer: every head on your prompt"
      model={m}
      python={
        fresh && cfg
          ? {
              kind: 'attention',
              model: state.model,
              prompt: state.text,
              layer: chosen.layer,
              head: chosen.head,
            }
          : null
      }
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
        onChange={(model) => update({ model, head: { layer: 0, head: 0 } })}
      />
      <PromptInput {...m.input} />
      <RunState run={run} onReset={() => update({ text: DEFAULT_TEXT, pos: -1 })} />
      {n > 0 && (
        <p class="kit-note">
          {/* The how-to is for the screen only: printing leaves [data-print-hint] out (global.css). */}
          <span data-print-hint>Choose the query token with the mouse or the arrow keys. </span>
          Query: position {pos}, “{strings[pos]}”.
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
          {byHead(
            `Attention from position ${pos} for every head`,
            from,
            'key',
            'in the future (masked)',
          )}
          <p class="kit-subhead">What attends to “{strings[pos]}”</p>
          {byHead(
            `Attention paid to position ${pos} by later queries, every head`,
            to,
            'query',
            'before the token (cannot see it)',
          )}
          <p class="kit-subhead">Full pattern of head {headName(chosen)}</p>
          <HeadChoice
            config={cfg}
            head={chosen}
            label="Head whose full pattern is shown"
            onChange={(head) => update({ head })}
          />
          <AttentionPattern
            label={`Attention pattern of head ${headName(chosen)}`}
            values={full}
            labels={posLabels}
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
