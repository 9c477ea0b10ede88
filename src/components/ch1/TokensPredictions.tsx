import Figure from '../kit/Figure';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import {
  fitToContext,
  formatNumber,
  formatPercent,
  Legend,
  MODEL_IDS,
  ModelSelect,
  positionField,
  PromptInput,
  promptField,
  resolvePosition,
  RunState,
  TokenStrip,
  TryThis,
  unsignedScale,
  useComputation,
  useModels,
  probabilityScale,
  shadeStyle,
} from '../kit';
import type { TokenPrediction } from '../../model/predictions';

const DEFAULT_PROMPT = 'In the beginning God created the heaven and the earth. And the earth was';
const K = 5;

const schema = {
  prompt: promptField(DEFAULT_PROMPT),
  model: field.oneOf(MODEL_IDS, 'attn-only-2l'),
  pos: positionField(-1),
};

/** What one run gives the figure: per position, the top k and the loss of the real next token. */
interface Predictions {
  ids: number[];
  top: TokenPrediction[][];
  /** loss[p] = -log p(token p+1 | tokens <= p); length ids.length - 1. */
  loss: number[];
  /** p(actual next token) at each position but the last. */
  pNext: number[];
  meanLoss: number;
}

/**
 * Chapter 1, "Tokens and predictions": the reader's prompt as tokens with
 * ids, the model's top-5 next-token predictions at every position, and each
 * token shaded by its loss (how surprised the model was to see it).
 */
export default function TokensPredictions() {
  const [state, update] = useUrlState(schema, 'tp');
  const m = useModels([state.model]);
  const nCtx = m.model?.config.n_ctx ?? 128;
  const allIds = m.tokenizer ? m.tokenizer.encode(state.prompt) : [];
  const ids = fitToContext(allIds, nCtx);
  const key = ids.join(',');

  const run = useComputation<Predictions>(
    () =>
      m.model && ids.length > 0
        ? (async () => {
            const model = m.model!;
            const r = await model.runLatest('ch1-predictions', ids);
            if (!r) return null;
            const { logitsAt, topPredictions, probabilityOf } =
              await import('../../model/predictions');
            const top: TokenPrediction[][] = [];
            const loss: number[] = [];
            const pNext: number[] = [];
            for (let p = 0; p < ids.length; p++) {
              const row = logitsAt(r.logits!, p);
              top.push(topPredictions(row, K));
              if (p + 1 < ids.length) {
                const pr = probabilityOf(row, ids[p + 1]);
                pNext.push(pr);
                loss.push(-Math.log(pr));
              }
            }
            const meanLoss = loss.length ? loss.reduce((a, b) => a + b, 0) / loss.length : NaN;
            return { ids, top, loss, pNext, meanLoss };
          })()
        : undefined,
    [m.model, key, m.backendVersion],
  );

  const res = run.value;
  const tok = m.tokenizer;
  const strings = tok && res ? tok.tokenStrings(res.ids) : [];
  const pos = res ? resolvePosition(state.pos, res.ids.length) : 0;
  // Token p is shaded by the loss of predicting it from position p - 1 (none for the first).
  const tokenLoss = res ? [NaN, ...res.loss] : [];
  const lossScale = unsignedScale(res?.loss ?? [], Math.max(8, ...(res?.loss ?? [])));
  const show = (id: number) => (tok ? tok.tokenStrings([id])[0] : String(id));

  return (
    <Figure
      name="ch1-predictions"
      title="Tokens and predictions"
      model={m}
      caption={
        <>
          The model runs once on the whole prompt and predicts the next token at every position.
          Each token is shaded by its loss, −log p, the surprise of the model when that token
          arrived; the first token has no prediction before it.
        </>
      }
    >
      <div class="kit-row">
        <ModelSelect value={state.model} onChange={(model) => update({ model })} />
      </div>
      <PromptInput
        value={state.prompt}
        onInput={(prompt) => update({ prompt })}
        tokenCount={allIds.length}
        nCtx={nCtx}
      />
      <RunState
        run={run}
        onReset={() => update({ prompt: DEFAULT_PROMPT, pos: -1, model: 'attn-only-2l' })}
      />
      {res && tok && (
        <div
          data-testid="predictions"
          data-output={`${res.ids.join(',')}|${res.top.at(-1)?.[0]?.id}`}
        >
          <TokenStrip
            label="Prompt tokens, shaded by loss; choose a position to see its predictions"
            tokens={strings}
            ids={res.ids}
            values={tokenLoss}
            scale={lossScale}
            selected={pos}
            onSelect={(p) => update({ pos: p === res.ids.length - 1 ? -1 : p })}
            describe={(p) =>
              p === 0
                ? 'first token, no prediction'
                : `loss ${formatNumber(tokenLoss[p])} nats, p = ${formatPercent(res.pNext[p - 1])}`
            }
          />
          <Legend
            scale={lossScale}
            title="Loss of each token in nats (stronger underline = more surprising)"
          />
          <p class="kit-note">
            Mean loss over the prompt: <strong>{formatNumber(res.meanLoss)}</strong> nats (a uniform
            guess over 2,048 tokens would be {formatNumber(Math.log(2048))}).
          </p>
          <h4 class="kit-subhead">
            After “{strings[pos]}” (position {pos}), the model predicts
          </h4>
          <ol class="kit-bars" aria-label={`Top ${K} predictions after position ${pos}`}>
            {res.top[pos].map((t) => (
              <li key={t.id}>
                <span class="kit-bar-label">
                  <code>{show(t.id)}</code>
                  {pos + 1 < res.ids.length && t.id === res.ids[pos + 1] && (
                    <span class="kit-tag"> actual next</span>
                  )}
                </span>
                <span class="kit-bar-track">
                  <span class="kit-bar" style={{ width: `${Math.max(0.5, t.prob * 100)}%` }} />
                </span>
                <span class="kit-bar-value">{formatPercent(t.prob)}</span>
              </li>
            ))}
          </ol>
          {pos + 1 < res.ids.length && (
            <p class="kit-note">
              The real next token “{strings[pos + 1]}” got {formatPercent(res.pNext[pos])} (loss{' '}
              {formatNumber(res.loss[pos])} nats).
            </p>
          )}
          <details class="kit-details" open>
            <summary>Top {K} at every position</summary>
            <div
              class="kit-scroll kit-table-scroll"
              tabIndex={0}
              aria-label="Predictions at every position"
            >
              <table class="kit-table">
                <thead>
                  <tr>
                    <th scope="col">pos</th>
                    <th scope="col">token</th>
                    <th scope="col">next</th>
                    <th scope="col">p(next)</th>
                    {Array.from({ length: K }, (_, i) => (
                      <th scope="col" key={i}>
                        #{i + 1}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {res.top.map((top, p) => (
                    <tr key={p} class={p === pos ? 'kit-row-selected' : undefined}>
                      <td>{p}</td>
                      <td>
                        <code>{strings[p]}</code>
                      </td>
                      <td>{p + 1 < res.ids.length ? <code>{strings[p + 1]}</code> : '—'}</td>
                      <td>{p + 1 < res.ids.length ? formatPercent(res.pNext[p]) : '—'}</td>
                      {top.map((t) => (
                        <td
                          key={t.id}
                          style={shadeStyle(probabilityScale, t.prob)}
                          title={`${show(t.id)}: ${formatPercent(t.prob)}`}
                        >
                          <code>{show(t.id)}</code> {formatPercent(t.prob)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Legend
              scale={probabilityScale}
              title="Probability of a prediction"
              format={formatPercent}
            />
          </details>
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Repeat a sentence twice: does the loss drop on the second copy?',
            apply: () =>
              update({
                prompt:
                  'The old lighthouse keeper counted seven ships at dawn. The old lighthouse keeper counted seven ships at dawn.',
                pos: -1,
              }),
          },
          {
            text: 'A line the training text knows well (the King James Bible).',
            apply: () =>
              update({ prompt: 'And God said, Let there be light: and there was', pos: -1 }),
          },
          {
            text: 'Switch to attn-only-1l and compare the mean loss on the same prompt.',
            apply: () => update({ model: 'attn-only-1l' }),
          },
          { text: 'Misspell a word and watch its shade, and the shade of the token after it.' },
        ]}
      />
    </Figure>
  );
}
