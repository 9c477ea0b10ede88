import Figure from '../kit/Figure';
import {
  Heatmap,
  loadRuntime,
  positionField,
  promptField,
  PromptInput,
  resolvePosition,
  RunState,
  signedScale,
  SignedBars,
  TryThis,
  useComputation,
  useModelPrompt,
} from '../kit';
import { useUrlState } from '../kit/use-url-state';
import './ch5.css';
import { Closure, PositionAndToken } from './path-parts';

/** A list said twice: at its end, copying " man" is up to the induction heads. */
const DEFAULT_TEXT =
  'A list of words: king fire, light day, house man. The same list: king fire, light day, house';
const DEFAULT_NEXT = ' man';
const schema = {
  text: promptField(DEFAULT_TEXT),
  pos: positionField(),
  next: promptField(DEFAULT_NEXT),
};

/** Individual terms listed after the group sums. */
const TOP_TERMS = 8;

/**
 * The two-layer path expansion written out, live: the logit of one token at
 * one position of attn-only-2l split into the direct path, the 8 layer-0
 * heads, the 8 layer-1 heads reading the embeddings, the 64 virtual heads
 * (a layer-0 head's output read by a layer-1 head's values: the mixed-product
 * term `(A^{1.h'} A^{0.h}) ⊗ (W_OV^{1.h'} W_OV^{0.h})`) and the biases, whose
 * sum is the model's logit.
 */
export default function TwoLayerPathsFigure({ prefix = 'p2' }: { prefix?: string }) {
  const [state, update, reset] = useUrlState(schema, prefix);
  const m = useModelPrompt(['attn-only-2l'], state.text, (text) => update({ text, pos: -1 }));
  const { model, tokenizer, ids, strings } = m;
  const nextIds = tokenizer && state.next ? tokenizer.encode(state.next) : [];
  const pos = resolvePosition(state.pos, ids.length);

  const split = useComputation(async () => {
    if (!model || ids.length === 0) return undefined;
    const r = await model.runLatest(`${prefix}-run`, ids, {
      hooks: [
        'hook_embed',
        'hook_pos_embed',
        'blocks.0.attn.hook_pattern',
        'blocks.1.attn.hook_pattern',
      ],
    });
    if (!r || !r.logits) return null;
    const rt = await loadRuntime();
    const w = model.weights;
    const { d_vocab, n_heads } = w.config;
    const logits = r.logits.data.subarray(pos * d_vocab, (pos + 1) * d_vocab);
    const top = rt.topK(logits, 1)[0].index;
    const token = nextIds.length > 0 ? nextIds[0] : top;
    const terms = rt.pathExpansion(w, r.hooks);
    const values = rt.termLogitsAt(w, terms, pos, token);
    const groups = { direct: 0, layer0: 0, layer1: 0, virtual: 0, bias: w.b_U[token] };
    const virtual = new Float64Array(n_heads * n_heads); // [layer-0 head, layer-1 head]
    terms.forEach((t, i) => {
      const v = values[i];
      if (t.kind === 'direct') groups.direct += v;
      else if (t.kind === 'bias') groups.bias += v;
      else if (t.kind === 'virtual') {
        groups.virtual += v;
        virtual[t.heads[0].head * n_heads + t.heads[1].head] = v;
      } else if (t.heads[0].layer === 0) groups.layer0 += v;
      else groups.layer1 += v;
    });
    const sum = values.reduce((a, b) => a + b, 0) + w.b_U[token];
    const ranked = Array.from(values.keys())
      .sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]))
      .slice(0, TOP_TERMS)
      .map((i) => ({ name: terms[i].name, kind: terms[i].kind, value: values[i] }));
    return {
      key: `${ids.join(',')}:${pos}:${token}`,
      token,
      top,
      logit: logits[token],
      sum,
      groups,
      virtual,
      ranked,
      nTerms: terms.length,
      backend: r.backend,
    };
  }, [model, ids.join(','), pos, nextIds.join(','), m.backendVersion]);

  const name = (id: number) => (tokenizer ? tokenizer.tokenStrings([id])[0] : String(id));
  const s = split.value;
  const n = model?.config.n_heads ?? 8;
  const heads = Array.from({ length: n }, (_, h) => String(h));
  return (
    <Figure
      name="two-layer-paths"
      title="The two-layer model, path by path"
      model={m}
      python={
        ids.length > 0
          ? {
              kind: 'path-expansion',
              model: 'attn-only-2l',
              prompt: state.text,
              pos,
              next: state.next,
            }
          : null
      }
      caption={
        <>
          attn-only-2l, run live on your prompt; the attention patterns come from the run, every
          other factor from the weights. With no LayerNorm the {s?.nTerms ?? 2 + 2 * n + n * n}{' '}
          terms (direct path, {n} + {n} heads, {n * n} virtual heads, biases) plus b_U add up to the
          model's logit; the line under the bars shows both numbers.
        </>
      }
    >
      <PromptInput {...m.input} />
      <RunState run={split} onReset={reset} />
      <PositionAndToken
        pos={pos}
        strings={strings}
        next={state.next}
        onPosition={(p) => update({ pos: p })}
        onNext={(next) => update({ next })}
      />
      {s && (
        <div
          data-testid="two-layer-ready"
          data-key={`${s.key}:${s.logit.toFixed(5)}`}
          data-backend={s.backend}
        >
          <p>
            Logit of <strong>“{name(s.token)}”</strong> after “{strings[pos]}”
            {nextIds.length === 0 && ' (the model’s top prediction)'}, by kind of path:
          </p>
          <SignedBars
            label={`Terms of the logit of ${name(s.token)}, by kind of path`}
            bars={[
              { label: 'direct', value: s.groups.direct },
              { label: `layer 0 (${n})`, value: s.groups.layer0 },
              { label: `layer 1 (${n})`, value: s.groups.layer1 },
              { label: `virtual (${n * n})`, value: s.groups.virtual },
              { label: 'biases, b_U', value: s.groups.bias },
              { label: 'sum', value: s.sum, strong: true },
            ]}
          />
          <Closure sum={s.sum} logit={s.logit} testId="two-layer-closure" />
          <p class="kit-subhead">The {TOP_TERMS} largest single terms</p>
          <SignedBars
            label={`The ${TOP_TERMS} largest terms of the logit of ${name(s.token)}`}
            bars={s.ranked.map((t) => ({ label: t.name.replace(' → ', '→'), value: t.value }))}
          />
          <p class="kit-subhead">Virtual heads: layer-0 head → layer-1 head</p>
          <div class="kit-fit" style={{ maxWidth: '28rem' }}>
            <Heatmap
              label={`Contribution of each virtual head to the logit of ${name(s.token)}`}
              rows={n}
              cols={n}
              values={s.virtual}
              scale={signedScale(s.virtual)}
              legendTitle="logit contribution"
              rowLabels={heads.map((h) => `0.${h}`)}
              colLabels={heads.map((h) => `1.${h}`)}
              rowTitle="layer-0 head (writes)"
              colTitle="layer-1 head (moves it on)"
              showValues
              format={(v) => v.toFixed(2).replace('-', '−')}
              cellSize={40}
            />
          </div>
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Which kind of path carries “ man”, the word the list repeats: the direct path, the layer-1 heads or the virtual heads? Which single heads?',
          },
          {
            text: 'Clear the next token to split the model’s own top guess instead: is it carried by the same paths?',
            apply: () => update({ next: '' }),
          },
          {
            text: 'Find the largest virtual head on a few prompts of your own. Is the virtual group ever as large as the layer-1 group?',
          },
        ]}
      />
    </Figure>
  );
}
