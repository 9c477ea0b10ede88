import Figure from '../kit/Figure';
import { useUrlState } from '../kit/use-url-state';
import {
  formatNumber,
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
  Table,
  TokenStrip,
  TryThis,
  unsignedScale,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import type { TokenPrediction } from '../../model/predictions';

const DEFAULT_PROMPT = 'In the beginning God created the heaven and the earth. And the earth was';
const K = 5;

const schema = {
  ...modelPromptFields(DEFAULT_PROMPT),
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
  const [state, update, reset] = useUrlState(schema, 'tp');
  const m = useModelPrompt([state.model], state.prompt, (prompt) => update({ prompt }));

  const run = usePromptRun<Predictions>(m, async (model, ids) => {
    const r = await model.runLatest('ch1-predictions', ids);
    if (!r) return null;
    const { logitsAt, topPredictions, probabilityOf } = await import('../../model/predictions');
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
  });

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
      python={res && { kind: 'predictions', model: state.model, prompt: state.prompt, pos, k: K }}
      caption={
        <>
          The model runs once on the whole prompt and predicts the next token at every position.
          Each token is shaded by its loss, −log p, the surprise of the model when that token
          arrived; the first token has no prediction before it.
        </>
      }
    >
      <ModelPromptInput model={state.model} onModel={(model) => update({ model })} {...m.input} />
      <RunState run={run} onReset={reset} />
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
          <PredictionBars
            label={`Top ${K} predictions after position ${pos}`}
            predictions={res.top[pos]}
            show={show}
            tag={(id) =>
              pos + 1 < res.ids.length &&
              id === res.ids[pos + 1] && <span class="kit-tag"> actual next</span>
            }
          />
          {pos + 1 < res.ids.length && (
            <p class="kit-note">
              The real next token “{strings[pos + 1]}” got {formatPercent(res.pNext[pos])} (loss{' '}
              {formatNumber(res.loss[pos])} nats).
            </p>
          )}
          <details class="kit-details" open>
            <summary>Top {K} at every position</summary>
            <Table
              label="Predictions at every position"
              columns={[
                'pos',
                'token',
                'next',
                'p(next)',
                ...Array.from({ length: K }, (_, i) => <>#{i + 1}</>),
              ]}
            >
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
            </Table>
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
