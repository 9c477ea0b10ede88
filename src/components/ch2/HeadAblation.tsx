import Figure from '../kit/Figure';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import {
  formatNumber,
  formatSigned,
  HeadPicker,
  headSetField,
  Legend,
  modelPromptFields,
  ModelPromptInput,
  parseHead,
  positionField,
  PredictionBars,
  resolvePosition,
  RunState,
  signedScale,
  TokenStrip,
  TryThis,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import type { TokenPrediction } from '../../model/predictions';
import './ch2.css';

const schema = {
  ...modelPromptFields(),
  pos: positionField(-1),
  off: headSetField([]),
  sweep: field.bool(false),
};

interface Outcome {
  top: TokenPrediction[];
  /** Mean next-token loss over the prompt. */
  meanLoss: number;
}

interface AblationResult {
  ids: number[];
  pos: number;
  clean: Outcome;
  ablated: Outcome;
  /** With `sweep`: per head `[layer * n_heads + head]`, the change in mean loss when only that head is off. */
  sweep?: Float64Array;
}

/**
 * Chapter 2, "Which paths matter": switch heads off (zero-ablate their
 * `hook_z` through the model's head mask) and compare the prediction at a
 * position and the prompt's mean loss with the unchanged model; or sweep
 * every head, one at a time, in a single batched run.
 */
export default function HeadAblation() {
  const [state, update, reset] = useUrlState(schema, 'ab');
  const m = useModelPrompt([state.model], state.prompt, (prompt) => update({ prompt, pos: -1 }));
  const cfg = m.config;
  const off = state.off
    .map(parseHead)
    .filter(
      (h): h is { layer: number; head: number } =>
        !!h && !!cfg && h.layer < cfg.n_layers && h.head < cfg.n_heads,
    );

  const run = usePromptRun<AblationResult>(
    m,
    async (model, ids) => {
      const { n_layers, n_heads } = model.config;
      const { headMaskWithout } = await import('../../model/head-mask');
      const { eachHeadAblatedMask } = await import('../../model/interventions');
      const { perPositionLoss } = await import('../../model/metrics');
      const { logitsAt, topPredictions } = await import('../../model/predictions');
      // One batch: row 0 clean, row 1 the reader's ablation, then (sweep) one row per head.
      const per = n_layers * n_heads;
      const sweepMask = state.sweep
        ? eachHeadAblatedMask(n_layers, n_heads).subarray(per)
        : new Float32Array(0);
      const rows = 2 + (state.sweep ? per : 0);
      const mask = new Float32Array(rows * per).fill(1);
      mask.set(headMaskWithout(model.config, off), per);
      mask.set(sweepMask, 2 * per);
      const r = await model.runLatest(
        'ch2-ablate',
        Array.from({ length: rows }, () => ids),
        { headMask: mask },
      );
      if (!r) return null;
      const pos = resolvePosition(state.pos, r.length);
      const mean = (row: number) => {
        const l = perPositionLoss(r.logits!, ids, row);
        return l.length ? l.reduce((a, b) => a + b, 0) / l.length : NaN;
      };
      const outcome = (row: number): Outcome => ({
        top: topPredictions(logitsAt(r.logits!, pos, row), 5),
        meanLoss: mean(row),
      });
      const clean = outcome(0);
      let sweep: Float64Array | undefined;
      if (state.sweep) {
        sweep = new Float64Array(per);
        for (let i = 0; i < per; i++) sweep[i] = mean(2 + i) - clean.meanLoss;
      }
      return { ids, pos, clean, ablated: outcome(1), sweep };
    },
    [state.pos, state.off.join(','), state.sweep],
  );
  const res = run.value;
  const tok = m.tokenizer;
  const strings = res && tok ? tok.tokenStrings(res.ids) : [];
  const show = (id: number) => (tok ? tok.tokenStrings([id])[0] : String(id));
  const sweepScale = signedScale(res?.sweep ?? []);
  const ranked =
    res?.sweep && cfg
      ? Array.from(res.sweep.keys())
          .sort((a, b) => Math.abs(res.sweep![b]) - Math.abs(res.sweep![a]))
          .slice(0, 5)
          .map((i) => ({
            name: `${Math.floor(i / cfg.n_heads)}.${i % cfg.n_heads}`,
            delta: res.sweep![i],
          }))
      : [];
  const noHeadsOff = off.length === 0;

  const Prediction = ({ title, o, testid }: { title: string; o: Outcome; testid: string }) => (
    <div data-testid={testid}>
      <p class="kit-note">
        <strong>{title}</strong>: mean loss {formatNumber(o.meanLoss)} nats
      </p>
      <PredictionBars label={`${title}: top predictions`} predictions={o.top} show={show} />
    </div>
  );

  return (
    <Figure
      name="ch2-ablate"
      title="Which paths matter"
      model={m}
      python={
        res &&
        cfg && {
          kind: 'ablation',
          model: state.model,
          prompt: state.prompt,
          pos: res.pos,
          k: 5,
          off: off.map((h) => `${h.layer}.${h.head}`),
          sweep: state.sweep,
        }
      }
      caption={
        <>
          A head switched off has its output z multiplied by 0 inside the model (zero ablation), so
          every path through it is cut. All runs here (unchanged, your choice, and the sweep) are
          rows of one batched run.
        </>
      }
    >
      <ModelPromptInput
        model={state.model}
        onModel={(model) => update({ model, off: [] })}
        {...m.input}
      />
      {cfg && (
        <>
          <p class="kit-label">
            Heads switched off (select any; shading: the sweep’s change in loss)
          </p>
          <HeadPicker
            nLayers={cfg.n_layers}
            nHeads={cfg.n_heads}
            mode="multi"
            label="Heads switched off"
            selected={off.map((h) => `${h.layer}.${h.head}`)}
            onChange={(s) => update({ off: s })}
            selectedMeansOff
            values={res?.sweep}
            scale={res?.sweep ? sweepScale : undefined}
            describe={
              res?.sweep
                ? (l, h) =>
                    `switching it off alone changes the mean loss by ${formatSigned(res.sweep![l * cfg.n_heads + h])}`
                : undefined
            }
          />
          <div class="kit-row" style={{ marginTop: '0.5rem' }}>
            <button
              type="button"
              class="kit-secondary"
              aria-pressed={state.sweep}
              onClick={() => update({ sweep: !state.sweep })}
            >
              Sweep: switch off each head alone
            </button>
            <button
              type="button"
              class="kit-secondary"
              disabled={noHeadsOff}
              onClick={() => update({ off: [] })}
            >
              All heads on
            </button>
          </div>
        </>
      )}
      <RunState run={run} onReset={reset} />
      {res && (
        <div
          data-testid="ablation"
          data-output={`${res.ids.join(',')}|${res.pos}|${state.off.join(',')}|${res.ablated.meanLoss}`}
        >
          <TokenStrip
            label="Prompt tokens; choose the position whose prediction to show"
            tokens={strings}
            selected={res.pos}
            onSelect={(p) => update({ pos: p === res.ids.length - 1 ? -1 : p })}
          />
          <p class="kit-note">
            Predictions after “{strings[res.pos]}” (position {res.pos}):
          </p>
          <div class="ch2-grid">
            <Prediction title="All heads on" o={res.clean} testid="clean" />
            <Prediction
              title={
                noHeadsOff
                  ? 'Nothing switched off yet'
                  : `Without ${off.map((h) => `${h.layer}.${h.head}`).join(', ')}`
              }
              o={res.ablated}
              testid="ablated"
            />
          </div>
          <p class="kit-note" aria-live="polite">
            Change in mean loss:{' '}
            <strong data-testid="loss-change">
              {formatSigned(res.ablated.meanLoss - res.clean.meanLoss)}
            </strong>{' '}
            nats.
          </p>
          {res.sweep && (
            <div data-testid="sweep">
              <Legend
                scale={sweepScale}
                title="change in mean loss with that head alone switched off (nats)"
              />
              <p class="kit-note">
                Largest effects:{' '}
                {ranked.map((r, i) => (
                  <span key={r.name}>
                    {i > 0 && ', '}
                    {r.name} ({formatSigned(r.delta)})
                  </span>
                ))}
                .
              </p>
            </div>
          )}
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Run the sweep on the default prompt, then switch off the head with the largest effect.',
            apply: () => update({ sweep: true }),
          },
          {
            text: 'Switch off all of layer 0: what is left of the prediction?',
            apply: () =>
              cfg && update({ off: Array.from({ length: cfg.n_heads }, (_, h) => `0.${h}`) }),
          },
          {
            text: 'A repeated phrase: which heads does the model need to predict the second copy?',
            apply: () =>
              update({
                prompt:
                  'The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy',
                pos: -1,
                sweep: true,
              }),
          },
        ]}
      />
    </Figure>
  );
}
