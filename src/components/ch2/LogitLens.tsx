import { useEffect, useRef } from 'preact/hooks';
import Figure from '../kit/Figure';
import { useUrlState } from '../kit/use-url-state';
import {
  formatPercent,
  Legend,
  modelPromptFields,
  ModelPromptInput,
  positionField,
  PredictionBars,
  probabilityScale,
  resolvePosition,
  RunState,
  shadeStyle,
  TryThis,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import type { TokenPrediction } from '../../model/predictions';
import './ch2.css';

const K = 5;

const schema = {
  ...modelPromptFields(),
  pos: positionField(-1),
};

interface LensResult {
  ids: number[];
  /** Stage names: "embedding", "after layer 0", ... */
  stages: string[];
  /** top[stage][pos] = the top K predictions read off the stream there. */
  top: TokenPrediction[][][];
  /** For each stage at the selected position: rank (0-based) and probability of the model's final top-1. */
  finalRank: { rank: number; prob: number }[];
  pos: number;
}

/**
 * Chapter 2, "Logit lens": the prediction read off the residual stream with
 * the unembedding after the embedding and after each layer, at every
 * position (top-1 token, shaded by its probability), and the top 5 at the
 * selected position. With no LayerNorm the last row is exactly the model's
 * output, and each earlier row is exactly the model with the later layers
 * deleted.
 */
export default function LogitLens() {
  const [state, update, reset] = useUrlState(schema, 'll');
  const m = useModelPrompt([state.model], state.prompt, (prompt) => update({ prompt, pos: -1 }));

  const run = usePromptRun<LensResult>(
    m,
    async (model, ids) => {
      const { n_layers } = model.config;
      const hooks = [
        'blocks.0.hook_resid_pre',
        ...Array.from({ length: n_layers }, (_, l) => `blocks.${l}.hook_resid_post`),
      ];
      const r = await model.runLatest('ch2-lens', ids, { hooks, logits: false });
      if (!r) return null;
      const { logitLens } = await import('../../model/metrics');
      const { topPredictions, probabilityOf } = await import('../../model/predictions');
      const pos = resolvePosition(state.pos, r.length);
      const top: TokenPrediction[][][] = Array.from({ length: n_layers + 1 }, () => []);
      let finalRank: { rank: number; prob: number }[] = [];
      for (let p = 0; p < r.length; p++) {
        const lens = logitLens(model.weights, r.hooks, p);
        lens.forEach((row, s) => top[s].push(topPredictions(row, K)));
        if (p === pos) {
          const final = top[n_layers][p][0].id;
          finalRank = lens.map((row) => {
            let rank = 0;
            for (let i = 0; i < row.length; i++) if (row[i] > row[final]) rank++;
            return { rank, prob: probabilityOf(row, final) };
          });
        }
      }
      const stages = [
        'embedding',
        ...Array.from({ length: n_layers }, (_, l) => `after layer ${l}`),
      ];
      return { ids, stages, top, finalRank, pos };
    },
    [state.pos],
  );
  const res = run.value;
  const tok = m.tokenizer;
  const strings = res && tok ? tok.tokenStrings(res.ids) : [];
  const show = (id: number) => (tok ? tok.tokenStrings([id])[0] : String(id));
  const finalTop = res ? res.top[res.stages.length - 1][res.pos][0].id : 0;
  const scroller = useRef<HTMLDivElement>(null);
  // Keep the selected position's column in view inside the table's own scroll box (never the page's).
  useEffect(() => {
    const box = scroller.current;
    const th = box?.querySelector<HTMLElement>('th.ch2-ll-selected');
    if (box && th)
      box.scrollLeft = Math.max(0, th.offsetLeft - box.clientWidth / 2 + th.offsetWidth / 2);
  }, [res]);

  return (
    <Figure
      name="ch2-lens"
      title="Logit lens"
      model={m}
      python={
        res && {
          kind: 'logit-lens',
          model: state.model,
          prompt: state.prompt,
          pos: res.pos,
          k: K,
        }
      }
      caption={
        <>
          Each cell is the most likely next token read off the stream at that point with W_U and
          b_U, shaded by its probability; an underlined token is the real next token of the prompt.
          The last row is the model’s own prediction.
        </>
      }
    >
      <ModelPromptInput model={state.model} onModel={(model) => update({ model })} {...m.input} />
      <RunState run={run} onReset={reset} />
      {res && (
        <div
          data-testid="lens"
          data-output={`${res.ids.join(',')}|${res.top.map((s) => s[res.pos][0].id).join(',')}`}
        >
          <div
            ref={scroller}
            class="kit-scroll"
            tabIndex={0}
            aria-label="Logit lens table: stages by positions"
          >
            <table class="kit-table ch2-ll-table">
              <thead>
                <tr>
                  <th scope="col">read after</th>
                  {strings.map((s, p) => (
                    <th scope="col" key={p} class={p === res.pos ? 'ch2-ll-selected' : undefined}>
                      <button
                        type="button"
                        class="kit-token"
                        aria-pressed={p === res.pos}
                        aria-label={`position ${p}: ${s}`}
                        onClick={() => update({ pos: p === res.ids.length - 1 ? -1 : p })}
                      >
                        <span class="kit-token-text">{s}</span>
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {res.stages.map((stage, s) => (
                  <tr key={stage}>
                    <th scope="row">{stage}</th>
                    {res.top[s].map((top, p) => {
                      const t = top[0];
                      const hit = p + 1 < res.ids.length && t.id === res.ids[p + 1];
                      return (
                        <td
                          key={p}
                          class={`${hit ? 'ch2-ll-hit' : ''}${p === res.pos ? ' ch2-ll-selected' : ''}`}
                          style={shadeStyle(probabilityScale, t.prob)}
                          title={`${stage}, position ${p}: ${show(t.id)} ${formatPercent(t.prob)}${hit ? ' (the real next token)' : ''}`}
                        >
                          <code>{show(t.id)}</code>
                          <span class="visually-hidden">
                            {' '}
                            {formatPercent(t.prob)}
                            {hit ? ', the real next token' : ''}
                          </span>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Legend
            scale={probabilityScale}
            title="probability of the top token"
            format={formatPercent}
          />
          <h4 class="kit-subhead">
            At “{strings[res.pos]}” (position {res.pos})
          </h4>
          <div class="ch2-grid">
            {res.stages.map((stage, s) => (
              <div key={stage}>
                <p class="kit-note">
                  {stage}: the final prediction <code>{show(finalTop)}</code> is ranked #
                  {res.finalRank[s].rank + 1} ({formatPercent(res.finalRank[s].prob)})
                </p>
                <PredictionBars
                  label={`Top ${K} read ${stage}`}
                  predictions={res.top[s][res.pos]}
                  show={show}
                />
              </div>
            ))}
          </div>
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Read the “embedding” row: the next token guessed from the current token and its position alone, before any attention.',
          },
          {
            text: 'A repeated random-looking phrase: when does the right continuation appear, after layer 0 or layer 1?',
            apply: () =>
              update({
                prompt: 'zebra quartz violin harbor zebra quartz violin harbor zebra quartz',
                pos: -1,
              }),
          },
          {
            text: 'Compare attn-only-1l: it has only two rows.',
            apply: () => update({ model: 'attn-only-1l' }),
          },
        ]}
      />
    </Figure>
  );
}
