import Figure from '../kit/Figure';
import {
  formatNumber as fmt,
  formatPercent,
  loadRuntime,
  positionField,
  probabilityScale,
  promptField,
  PromptInput,
  RunState,
  SignedBars,
  TokenStrip,
  TokenTable,
  TryThis,
  useComputation,
  useModelPrompt,
} from '../kit';

import { useUrlState } from '../kit/use-url-state';

import { OWN_TEXT as DEFAULT_TEXT } from './own-text-default';
const schema = {
  text: promptField(DEFAULT_TEXT),
  pos: positionField(),
};

/**
 * Your own text: the reader writes text that repeats an invented name; each
 * token is shaded by the probability the model gave it, and for a chosen
 * position the figure shows the top predictions and which heads raised the
 * actual next token (direct logit attribution, exact with no LayerNorm).
 */
export default function OwnTextFigure({ prefix = 'ot' }: { prefix?: string }) {
  const [state, update, reset] = useUrlState(schema, prefix);
  const live = useModelPrompt(['attn-only-2l'], state.text, (text) => update({ text, pos: -1 }));
  const { model, tokenizer, ids, strings } = live;

  const run = useComputation(async () => {
    if (!model || ids.length < 2) return undefined;
    const { n_layers, d_vocab } = model.config;
    const r = await model.runLatest(`${prefix}-run`, ids, {
      hooks: [
        'hook_embed',
        'hook_pos_embed',
        ...Array.from({ length: n_layers }, (_, l) => [
          `blocks.${l}.attn.hook_result`,
          `blocks.${l}.attn.hook_pattern`,
        ]).flat(),
      ],
    });
    if (!r || !r.logits) return null;
    const rt = await loadRuntime();
    const loss = rt.perPositionLoss(r.logits, ids);
    // prob[i] = p(token i | tokens before it), for i >= 1.
    const prob = [NaN, ...Array.from(loss, (l) => Math.exp(-l))];
    // Positions whose next token the model could copy by induction: the current token occurred
    // before, followed by the true next token.
    const inductive = ids.map(
      (t, i) => i + 1 < ids.length && rt.prefixMatches(ids, i).some((k) => ids[k] === ids[i + 1]),
    );
    return { r, loss, prob, inductive, d_vocab, key: ids.join(',') };
  }, [model, ids.join(','), live.backendVersion]);

  const v = run.value && run.value.key === ids.join(',') ? run.value : undefined;
  const n = ids.length;
  const defaultPos = v ? Math.max(0, v.inductive.lastIndexOf(true)) : 0;
  const pos = state.pos >= 0 && state.pos < n - 1 ? state.pos : defaultPos;

  const detail = useComputation(async () => {
    if (!model || !v || pos >= ids.length - 1) return undefined;
    const rt = await loadRuntime();
    const next = ids[pos + 1];
    const logits = v.r.logits!.data.subarray(pos * v.d_vocab, (pos + 1) * v.d_vocab);
    const lse = rt.logSumExp(logits, 0, v.d_vocab);
    const top = rt.topK(logits, 5).map((t) => ({ index: t.index, p: Math.exp(t.value - lse) }));
    const heads = rt
      .directLogitAttribution(model.weights, v.r.hooks, pos, next)
      .filter((a) => /^\d+\.\d+$/.test(a.component));
    // The six heads with the largest |attribution|.
    const size = heads.map((a) => Math.abs(a.value));
    const dla = rt.topK(size, 6).map((t) => heads[t.index]);
    return { next, top, dla, pos };
  }, [model, v, pos]);

  const name = (id: number) => (tokenizer ? tokenizer.tokenStrings([id])[0] : String(id));
  const d = detail.value && detail.value.pos === pos ? detail.value : undefined;
  const repeatedMean =
    v && v.inductive.some(Boolean)
      ? v.inductive.reduce((s, ind, i) => (ind ? s + v.prob[i + 1] : s), 0) /
        v.inductive.filter(Boolean).length
      : undefined;
  return (
    <Figure
      name="own-text"
      title="Your own text: predicting the repeat"
      model={live}
      python={
        v && pos < n - 1
          ? {
              kind: 'dla',
              model: 'attn-only-2l',
              prompt: state.text,
              pos,
              target: 'next',
              token: '',
            }
          : null
      }
      caption={
        <>
          attn-only-2l, live. Each token is shaded by the probability the model gave it before
          seeing it (bright = expected). Head contributions are each head's output at the chosen
          position projected on the unembedding of the actual next token.
        </>
      }
    >
      <PromptInput
        {...live.input}
        label="Text with an invented name or phrase, used twice"
        rows={3}
      />
      <RunState run={[run, detail]} onReset={reset} />
      {v && (
        <div data-testid="own-ready" data-key={`${n}:${fmt(repeatedMean ?? -1, 6)}`}>
          <TokenStrip
            label="Tokens shaded by the probability the model gave them; choose one to see what the model predicts after it"
            tokens={strings}
            values={v.prob}
            scale={probabilityScale}
            describe={(i) => (i === 0 ? 'first token' : `probability ${formatPercent(v.prob[i])}`)}
            selected={pos}
            onSelect={(p) => update({ pos: Math.min(p, n - 2) })}
          />
          <p>
            {repeatedMean === undefined ? (
              <>No token here is followed by what followed its earlier occurrence: repeat a name.</>
            ) : (
              <>
                Where a repeat could be completed by induction, the model gave the right next token
                a mean probability of{' '}
                <strong data-testid="repeat-prob">{fmt(repeatedMean, 3)}</strong>.
              </>
            )}
          </p>
          {d && (
            <div class="kit-grid">
              <div>
                <p class="kit-subhead">
                  After “{strings[pos]}” the model predicts (actual: “{name(d.next)}”)
                </p>
                <TokenTable
                  value="probability"
                  rows={d.top.map((t) => [name(t.index), formatPercent(t.p)])}
                />
              </div>
              <div>
                <p class="kit-subhead">Heads that move the logit of “{name(d.next)}” most</p>
                <SignedBars
                  label={`Head contributions to the logit of ${name(d.next)}`}
                  bars={d.dla.map((a) => ({ label: `head ${a.component}`, value: a.value }))}
                />
              </div>
            </div>
          )}
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Invent a longer name and use it three times: is the third use easier than the second?',
            apply: () =>
              update({
                text: 'Wilhelmina Fotheringay-Thwaite sang. Then Wilhelmina Fotheringay-Thwaite danced. Later Wilhelmina Fotheringay-Thwaite slept.',
                pos: -1,
              }),
          },
          {
            text: 'Break the repeat by changing one letter in the second copy and see which prediction fails.',
          },
          {
            text: 'Choose the token just before the second copy begins: what can the model know at that point?',
          },
        ]}
      />
    </Figure>
  );
}
