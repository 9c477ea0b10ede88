import Figure from '../kit/Figure';
import {
  fitToContext,
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
  TryThis,
  useComputation,
  useModels,
} from '../kit';

import { useUrlState } from '../kit/use-url-state';

const DEFAULT_TEXT =
  'Our new neighbour is called Zorblat Quimby. He keeps bees. Yesterday Zorblat Quimby gave us honey.';
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
  const [state, update] = useUrlState(schema, prefix);
  const live = useModels(['attn-only-2l']);
  const { model, tokenizer } = live;
  const nCtx = model?.config.n_ctx ?? 128;
  const all = tokenizer ? tokenizer.encode(state.text) : [];
  const prompt = { tokens: fitToContext(all, nCtx) };

  const run = useComputation(async () => {
    if (!model || prompt.tokens.length < 2) return undefined;
    const { n_layers, d_vocab } = model.config;
    const r = await model.runLatest(`${prefix}-run`, prompt.tokens, {
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
    const loss = rt.perPositionLoss(r.logits, prompt.tokens);
    // prob[i] = p(token i | tokens before it), for i >= 1.
    const prob = [NaN, ...Array.from(loss, (l) => Math.exp(-l))];
    // Positions whose next token the model could copy by induction: the current token occurred
    // before, followed by the true next token.
    const inductive = prompt.tokens.map(
      (t, i) =>
        i + 1 < prompt.tokens.length &&
        rt.prefixMatches(prompt.tokens, i).some((k) => prompt.tokens[k] === prompt.tokens[i + 1]),
    );
    return { r, loss, prob, inductive, d_vocab, key: prompt.tokens.join(',') };
  }, [model, prompt.tokens.join(','), live.backendVersion]);

  const v = run.value && run.value.key === prompt.tokens.join(',') ? run.value : undefined;
  const n = prompt.tokens.length;
  const defaultPos = v ? Math.max(0, v.inductive.lastIndexOf(true)) : 0;
  const pos = state.pos >= 0 && state.pos < n - 1 ? state.pos : defaultPos;

  const detail = useComputation(async () => {
    if (!model || !v || pos >= prompt.tokens.length - 1) return undefined;
    const rt = await loadRuntime();
    const next = prompt.tokens[pos + 1];
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

  const strings = tokenizer ? tokenizer.tokenStrings(prompt.tokens) : [];
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
      caption={
        <>
          attn-only-2l, live. Each token is shaded by the probability the model gave it before
          seeing it (bright = expected). Head contributions are each head's output at the chosen
          position projected on the unembedding of the actual next token.
        </>
      }
    >
      <PromptInput
        label="Text with an invented name or phrase, used twice"
        value={state.text}
        rows={3}
        onInput={(text) => update({ text, pos: -1 })}
        tokenCount={all.length}
        nCtx={nCtx}
      />
      <RunState run={[run, detail]} onReset={() => update({ text: DEFAULT_TEXT, pos: -1 })} />
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
                <table class="kit-num-table">
                  <thead>
                    <tr>
                      <th scope="col">token</th>
                      <th scope="col">probability</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.top.map((t) => (
                      <tr key={t.index}>
                        <td>{name(t.index)}</td>
                        <td>{formatPercent(t.p)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
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
