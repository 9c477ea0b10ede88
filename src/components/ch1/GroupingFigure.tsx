import Figure from '../kit/Figure';
import { useUrlState } from '../kit/use-url-state';
import {
  DEFAULT_PROMPT,
  formatCount,
  formatNumber,
  HeadChoice,
  headField,
  headIn,
  headName,
  Heatmap,
  promptField,
  PromptInput,
  RunState,
  signedScale,
  TryThis,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import './ch1.css';

const MODEL = 'attn-only-2l';

const schema = {
  prompt: promptField(DEFAULT_PROMPT),
  head: headField({ layer: 0, head: 0 }),
};

interface Grouped {
  n: number;
  tokens: number[];
  /** Queries-first scores, [n, n]. */
  scores: Float64Array;
  qFirst: { multiplyAdds: number; ms: number };
  bFirst: { multiplyAdds: number; ms: number };
  /** max |queries-first - bilinear-first| over causal entries. */
  diffGroupings: number;
  /** max |queries-first - the model's hook_attn_scores| over causal entries. */
  diffModel: number;
  maxAbs: number;
}

/**
 * Chapter 1, "Same map, different grouping": one head's attention scores on
 * the reader's prompt computed two ways from the real weights: queries and
 * keys first, (X W_Q)(X W_K)^T, and the bilinear map first, X (W_Q W_K^T) X^T
 * (biases carried along), with the difference between them, against the
 * model's own `hook_attn_scores`, and the multiply-adds each costs.
 */
export default function GroupingFigure() {
  const [state, update, reset] = useUrlState(schema, 'gr');
  const m = useModelPrompt([MODEL], state.prompt, (prompt) => update({ prompt }));
  const cfg = m.config;
  const head = headIn(cfg, state.head, { layer: 0, head: 0 });

  const run = usePromptRun<Grouped>(
    m,
    async (model, ids) => {
      const l = head.layer;
      const r = await model.runLatest('ch1-grouping', ids, {
        hooks: [`blocks.${l}.hook_resid_pre`, `blocks.${l}.attn.hook_attn_scores`],
        logits: false,
      });
      if (!r) return null;
      const g = await import('../../model/grouping');
      const X = g.layerInput(r.hooks, l);
      const a = g.scoresQueriesFirst(model.weights, X, l, head.head);
      const b = g.scoresBilinearFirst(model.weights, X, l, head.head);
      const n = r.length;
      let maxAbs = 0;
      for (let q = 0; q < n; q++)
        for (let k = 0; k <= q; k++) maxAbs = Math.max(maxAbs, Math.abs(a.scores[q * n + k]));
      return {
        n,
        tokens: ids,
        scores: a.scores,
        qFirst: { multiplyAdds: a.multiplyAdds, ms: a.ms },
        bFirst: { multiplyAdds: b.multiplyAdds, ms: b.ms },
        diffGroupings: g.maxCausalDiff(a.scores, b.scores, n),
        diffModel: g.maxCausalDiff(a.scores, g.modelScores(r.hooks, l, head.head), n),
        maxAbs,
      };
    },
    [headName(head)],
  );
  const res = run.value;
  const labels = res && m.tokenizer ? m.tokenizer.tokenStrings(res.tokens) : [];
  const d = cfg?.d_model ?? 128;
  const dh = cfg?.d_head ?? 16;

  return (
    <Figure
      name="ch1-grouping"
      title="Same map, different grouping"
      model={m}
      python={{
        kind: 'grouping',
        model: MODEL,
        prompt: state.prompt,
        layer: head.layer,
        head: head.head,
      }}
      caption={
        <>
          Scores before the softmax, scaled by 1/√d_head, of head {headName(head)} of {MODEL}. Left
          grouping: queries and keys first. Right grouping: the {d + 1}×{d + 1} matrix W̃_Q W̃_Kᵀ
          first (a row and column for the biases). Both in float64 here; the model itself ran in
          float32 on the backend shown.
        </>
      }
    >
      <PromptInput {...m.input} />
      {cfg && (
        <HeadChoice config={cfg} head={head} label="Head" onChange={(h) => update({ head: h })} />
      )}
      <RunState run={run} onReset={reset} />
      {res && (
        <div data-testid="grouping" data-output={`${res.n}|${res.scores[res.n * res.n - 1]}`}>
          <div class="ch1-gr-stats">
            <div class="ch1-gr-card">
              <h4>
                (X W<sub>Q</sub>)(X W<sub>K</sub>)ᵀ
              </h4>
              <p>
                {formatCount(res.qFirst.multiplyAdds)} multiply-adds ({res.qFirst.ms.toFixed(2)} ms
                here)
              </p>
              <p>
                stores 2 × {d}×{dh} = {formatCount(2 * d * dh)} weights
              </p>
            </div>
            <div class="ch1-gr-card">
              <h4>
                X (W<sub>Q</sub> W<sub>K</sub>ᵀ) Xᵀ
              </h4>
              <p>
                {formatCount(res.bFirst.multiplyAdds)} multiply-adds ({res.bFirst.ms.toFixed(2)} ms
                here)
              </p>
              <p>
                one {d}×{d} matrix = {formatCount(d * d)} numbers, rank at most {dh}
              </p>
            </div>
            <div class="ch1-gr-card">
              <h4>Same numbers?</h4>
              <p data-testid="diff-groupings">
                max |left − right| = {formatNumber(res.diffGroupings, 2)} (scores up to{' '}
                {formatNumber(res.maxAbs)})
              </p>
              <p data-testid="diff-model">
                max |left − model’s hook_attn_scores| = {formatNumber(res.diffModel, 2)}
              </p>
            </div>
          </div>
          <Heatmap
            label={`Attention scores of head ${headName(head)}`}
            rows={res.n}
            cols={res.n}
            values={res.scores}
            scale={signedScale(
              Array.from(res.scores).filter((_, i) => i % res.n <= Math.floor(i / res.n)),
            )}
            legendTitle="score (before softmax)"
            rowLabels={labels}
            colLabels={labels}
            rowTitle="query"
            colTitle="key"
            isMasked={(q, k) => k > q}
            maskedText="masked: a later position (−∞ before the softmax)"
          />
        </div>
      )}
      <TryThis
        items={[
          { text: 'Lengthen the prompt: which grouping’s cost grows faster, and why?' },
          {
            text: 'A long prompt: compare the two multiply-add counts with the short one.',
            apply: () =>
              update({
                prompt: 'one two three four five six seven eight nine ten '.repeat(10).trim(),
              }),
          },
          { text: 'Pick a layer-1 head: its input X already contains what layer 0 wrote.' },
        ]}
      />
    </Figure>
  );
}
