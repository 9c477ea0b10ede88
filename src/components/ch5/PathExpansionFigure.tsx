import Figure from '../kit/Figure';
import {
  formatNumber,
  loadRuntime,
  NumTable,
  positionField,
  promptField,
  PromptInput,
  resolvePosition,
  RunState,
  SignedBars,
  TryThis,
  useComputation,
  useModelPrompt,
} from '../kit';
import { useUrlState } from '../kit/use-url-state';

import './ch5.css';
import { Closure, PositionAndToken } from './path-parts';
import { DEFAULT_CANDS, TRIGRAM_ROWS } from './trigram-defaults';

const DEFAULT_TEXT = 'She poured the milk into the cup and drank the';
const schema = {
  text: promptField(DEFAULT_TEXT),
  pos: positionField(),
  next: promptField(''),
  cands: promptField(DEFAULT_CANDS),
};

/**
 * The one-layer path expansion, live: for a position and a next token, the
 * model's logit split into the direct path, each head's term and the biases,
 * which add up to the logit the model computed. Below, a search of the
 * weights for skip-trigrams A … B → C over tokens the reader chooses.
 */
export default function PathExpansionFigure({ prefix = 'pe' }: { prefix?: string }) {
  const [state, update] = useUrlState(schema, prefix);
  const m = useModelPrompt(['attn-only-1l'], state.text, (text) => update({ text, pos: -1 }));
  const { model, tokenizer, ids, strings } = m;
  const nextIds = tokenizer && state.next ? tokenizer.encode(state.next) : [];
  const pos = resolvePosition(state.pos, ids.length);

  const split = useComputation(async () => {
    if (!model || ids.length === 0) return undefined;
    const r = await model.runLatest(`${prefix}-run`, ids, {
      hooks: [
        'hook_embed',
        'hook_pos_embed',
        ...Array.from({ length: model.config.n_layers }, (_, l) => `blocks.${l}.attn.hook_pattern`),
      ],
    });
    if (!r || !r.logits) return null;
    const rt = await loadRuntime();
    const w = model.weights;
    const { d_vocab, d_model } = w.config;
    const logits = r.logits.data.subarray(pos * d_vocab, (pos + 1) * d_vocab);
    const top = rt.topK(logits, 1)[0].index;
    const token = nextIds.length > 0 ? nextIds[0] : top;
    const terms = rt.pathExpansion(w, r.hooks);
    const W_U = w.get('unembed.W_U').data;
    const project = (resid: Float64Array) => {
      let s = 0;
      for (let i = 0; i < d_model; i++) s += resid[pos * d_model + i] * W_U[i * d_vocab + token];
      return s;
    };
    const rows = terms.map((t) => ({
      label: t.kind === 'head' ? `head ${t.name}` : t.kind === 'direct' ? 'direct path' : 'b_O',
      value: project(t.resid),
    }));
    rows.push({ label: 'b_U', value: w.b_U[token] });
    const sum = rows.reduce((a, b) => a + b.value, 0);
    return { key: `${ids.join(',')}:${pos}`, token, terms: rows, sum, logit: logits[token], top };
  }, [model, ids.join(','), pos, nextIds.join(','), m.backendVersion]);

  const cands = tokenizer ? [...new Set(tokenizer.encode(state.cands))].slice(0, 64) : [];
  const trigrams = useComputation(async () => {
    if (!model || cands.length === 0) return undefined;
    const rt = await loadRuntime();
    return rt.skipTrigrams(model.weights, 0, cands, TRIGRAM_ROWS);
  }, [model, cands.join(',')]);

  const name = (id: number) => (tokenizer ? tokenizer.tokenStrings([id])[0] : String(id));
  const s = split.value;
  return (
    <Figure
      name="path-expansion"
      title="The one-layer model, term by term"
      model={m}
      python={
        ids.length > 0
          ? {
              kind: 'path-expansion',
              model: 'attn-only-1l',
              prompt: state.text,
              pos,
              next: state.next,
            }
          : null
      }
      caption={
        <>
          attn-only-1l, run live on your prompt. With no LayerNorm, the direct path (token and
          position embeddings through W_U), the eight head terms and the biases add up to the
          model's logit; the last line shows both numbers.
        </>
      }
    >
      <PromptInput {...m.input} />
      <RunState run={split} onReset={() => update({ text: DEFAULT_TEXT, pos: -1, next: '' })} />
      <PositionAndToken
        pos={pos}
        strings={strings}
        next={state.next}
        onPosition={(p) => update({ pos: p })}
        onNext={(next) => update({ next })}
      />
      {s && (
        <div data-testid="path-ready" data-key={`${s.key}:${s.token}:${s.logit.toFixed(5)}`}>
          <p>
            Logit of <strong>“{name(s.token)}”</strong> after “{strings[pos]}”
            {nextIds.length === 0 && ' (the model’s top prediction)'}:
          </p>
          <SignedBars
            label={`Terms of the logit of ${name(s.token)}`}
            bars={[...s.terms, { label: 'sum of terms', value: s.sum, strong: true }]}
          />
          <Closure sum={s.sum} logit={s.logit} testId="path-closure" />
        </div>
      )}
      <p class="kit-subhead">Skip-trigrams the model has learned</p>
      <PromptInput
        label="Candidate tokens for A and B"
        value={state.cands}
        rows={2}
        onInput={(c) => update({ cands: c })}
        tokenCount={cands.length}
        hint="C ranges over the whole vocabulary; up to 64 distinct tokens are used."
      />
      <RunState run={trigrams} onReset={() => update({ cands: DEFAULT_CANDS })} />
      {trigrams.value && (
        <NumTable
          label="Skip-trigram table (scrolls sideways)"
          data-testid="trigrams-ready"
          data-key={cands.join(',')}
          caption={
            <>
              Strongest A … B → C among your tokens. Attention: B's softmax share over the
              candidates from the token-level QK circuit. Boost: how much attending to A raises C
              above the average logit (full OV circuit).
            </>
          }
          columns={['head', 'A', 'B', '→ C', 'attention', 'boost']}
        >
          {trigrams.value.map((t, i) => (
            <tr key={i}>
              <td>{`${t.layer}.${t.head}`}</td>
              <td>{name(t.a)}</td>
              <td>{name(t.b)}</td>
              <td>{name(t.c)}</td>
              <td>{formatNumber(t.attention, 2)}</td>
              <td>{formatNumber(t.boost)}</td>
            </tr>
          ))}
        </NumTable>
      )}
      <TryThis
        items={[
          {
            text: 'Leave the next token empty and move along the prompt: where does a head term outweigh the direct path?',
          },
          {
            text: 'Ask for a word that appeared earlier in the prompt (“ milk”): which head raises it?',
            apply: () => update({ next: ' milk' }),
          },
          {
            text: 'Add tokens to the candidates and see whether rules with C = A (copying) dominate.',
          },
        ]}
      />
    </Figure>
  );
}
