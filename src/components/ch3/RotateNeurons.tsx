import { useRef } from 'preact/hooks';
import type { LogitComparison } from '../../model/predictions';
import type { ModelWeights } from '../../model/weights';
import Figure from '../kit/Figure';
import {
  DEFAULT_PROMPT,
  Fit,
  formatNumber,
  Heatmap,
  loadRuntime,
  NumberField,
  positionField,
  promptField,
  PromptInput,
  RadioChoice,
  resolvePosition,
  RunState,
  Stat,
  Strip,
  TokenStrip,
  TryThis,
  unsignedScale,
  useComputation,
  useModels,
  usePromptTokens,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import { PlaneRotationControls } from './parts';

const MODES = ['random', 'plane', 'permute'] as const;
const D_MLP = 512;

const schema = {
  prompt: promptField(DEFAULT_PROMPT),
  mode: field.oneOf(MODES, 'random'),
  seed: field.int(1, 0, 99999),
  i: field.int(0, 0, D_MLP - 1),
  j: field.int(1, 0, D_MLP - 1),
  deg: field.int(45, -180, 180),
  pos: positionField(),
};

interface Result {
  length: number;
  maxDiff: number;
  scale: number;
  epsilon: number;
  /** KL(original || rotated) of the next-token distribution at each position, nats. */
  kl: Float64Array;
  /** Positions whose top prediction changed. */
  flips: number;
  /** Mean next-token loss on the prompt, original and rotated (nats). */
  loss: [number, number];
  /** The top 3 tokens at each position, original and with the neurons changed. */
  top: LogitComparison['top'];
  backend: string;
}

/**
 * Rotate the neurons of gelu-1l's MLP: `W_in P`, `b_in P`, `P^T W_out`.
 * GELU acts on each neuron by itself, so unless P only permutes neurons the
 * model computes something else; the figure shows how much.
 */
export default function RotateNeurons() {
  const [s, set] = useUrlState(schema, 'rn');
  const m = useModels(['gelu-1l']);
  const model = m.model;
  const nCtx = model?.config.n_ctx ?? 128;
  const dMlp = model?.config.d_mlp ?? D_MLP;
  const tok = usePromptTokens(m.tokenizer, s.prompt, nCtx);
  const cache = useRef<{ key: string; weights: ModelWeights } | undefined>(undefined);
  const j = s.j === s.i ? (s.i + 1) % dMlp : s.j;
  const key = `${s.mode} ${s.mode === 'plane' ? `${s.i} ${j} ${s.deg}` : s.seed}`;

  const run = useComputation<Result>(
    () =>
      model && tok.ids.length
        ? (async () => {
            const L = await loadRuntime();
            if (cache.current?.key !== key) {
              const P =
                s.mode === 'random'
                  ? L.randomOrthogonal(dMlp, s.seed)
                  : s.mode === 'permute'
                    ? L.randomPermutation(dMlp, s.seed)
                    : L.planeRotation(dMlp, s.i, j, (s.deg * Math.PI) / 180);
              cache.current = { key, weights: L.rotateMlpNeurons(model.weights, 0, P) };
            }
            const base = await model.runLatest('rn-original', tok.ids);
            const rot = await model.runLatest('rn-rotated', tok.ids, {
              weights: cache.current.weights,
            });
            if (!base?.logits || !rot?.logits) return null;
            const n = base.length;
            const { kl, flips, top } = L.compareLogits(
              base.logits.data,
              rot.logits.data,
              model.config.d_vocab,
              3,
            );
            const mean = (x: Float64Array) =>
              x.length ? x.reduce((a, b) => a + b, 0) / x.length : NaN;
            const scale = L.maxAbs(base.logits.data);
            return {
              length: n,
              maxDiff: L.maxAbsDiff(rot.logits.data, base.logits.data),
              scale,
              epsilon: L.FLOAT32_EPSILON * scale,
              kl,
              flips,
              loss: [
                mean(L.perPositionLoss(base.logits, tok.ids)),
                mean(L.perPositionLoss(rot.logits, tok.ids)),
              ],
              top,
              backend: rot.backend,
            };
          })()
        : undefined,
    [model, tok.ids.join(','), key, m.backendVersion],
  );

  const r = run.value;
  const pos = r ? resolvePosition(s.pos, r.length) : 0;
  const klScale = unsignedScale(r?.kl ?? []);
  const name = (id: number) => (m.tokenizer ? m.tokenizer.tokenStrings([id])[0] : String(id));

  return (
    <Figure
      name="rotate-neurons"
      title="Rotate the neurons"
      model={m}
      caption={
        <>
          gelu-1l's 512 neurons are mixed by P: W_in → W_in P, b_in → b_in P, W_out → Pᵀ W_out.
          Without the GELU between them these would cancel exactly; with it they do not, unless P
          only reorders the neurons.
        </>
      }
    >
      <PromptInput
        value={s.prompt}
        onInput={(prompt) => set({ prompt })}
        tokenCount={tok.total}
        nCtx={nCtx}
      />
      <div class="kit-controls">
        <RadioChoice
          legend="Change of neuron basis P"
          value={s.mode}
          options={[
            { value: 'random', label: 'random rotation' },
            { value: 'plane', label: 'rotate two neurons' },
            { value: 'permute', label: 'permutation' },
          ]}
          onChange={(mode) => set({ mode })}
        />
        {s.mode === 'plane' ? (
          <PlaneRotationControls
            noun="Neuron"
            i={s.i}
            j={j}
            deg={s.deg}
            max={dMlp - 1}
            onChange={set}
          />
        ) : (
          <NumberField
            label="Seed"
            value={s.seed}
            min={0}
            max={99999}
            onChange={(seed) => set({ seed })}
          />
        )}
      </div>
      <RunState run={run} />
      {r && (
        <div data-testid="rn-result" data-prompt={s.prompt} data-backend={r.backend}>
          <div class="kit-stats">
            <Stat
              testId="rn-maxdiff"
              label="Largest logit change"
              value={formatNumber(r.maxDiff)}
              note={
                <>
                  {formatNumber(r.maxDiff / r.epsilon, 2)} float32 steps at logits of{' '}
                  {formatNumber(r.scale)}
                </>
              }
            />
            <Stat
              testId="rn-loss"
              label="Mean loss on this prompt (nats)"
              value={`${formatNumber(r.loss[0], 4)} → ${formatNumber(r.loss[1], 4)}`}
              note="original → with the neurons changed"
            />
            <Stat
              testId="rn-flips"
              label="Top prediction changed at"
              value={`${r.flips} of ${r.length} positions`}
            />
          </div>
          <p class="kit-section-title">
            How far each position's prediction moved: KL(original ‖ changed)
          </p>
          <Strip>
            <TokenStrip
              tokens={tok.strings}
              label="Position to inspect"
              selected={pos}
              onSelect={(p) => set({ pos: p })}
              describe={(p) => `KL ${formatNumber(r.kl[p])} nats`}
            />
          </Strip>
          <Fit cols={r.length} cell={30}>
            <Heatmap
              label="KL divergence of the next-token distribution at each position, original against changed neurons"
              rows={1}
              cols={r.length}
              values={r.kl}
              scale={klScale}
              legendTitle="KL divergence of the next-token distribution (nats)"
              rowLabels={['KL']}
              colLabels={tok.strings}
              colTitle="position"
              highlight={{ row: 0, col: pos }}
              onSelect={(_, c) => set({ pos: c })}
            />
          </Fit>
          <div class="kit-scroll">
            <table class="kit-table" data-testid="rn-top">
              <caption class="visually-hidden">Top predictions at position {pos}</caption>
              <thead>
                <tr>
                  <th scope="col">Rank</th>
                  <th scope="col">original model</th>
                  <th scope="col">neurons changed</th>
                </tr>
              </thead>
              <tbody>
                {r.top[pos].original.map((t, k) => (
                  <tr key={k}>
                    <td>{k + 1}</td>
                    <td>
                      <code>{name(t.index)}</code> {t.value.toFixed(3)}
                    </td>
                    <td>
                      <code>{name(r.top[pos].changed[k].index)}</code>{' '}
                      {r.top[pos].changed[k].value.toFixed(3)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Choose a permutation: the neurons are only reordered, and the logits agree to float precision.',
            apply: () => set({ mode: 'permute' }),
          },
          {
            text: 'Rotate just two neurons and move the angle from 0° up: the change grows from nothing.',
            apply: () => set({ mode: 'plane', deg: 10 }),
          },
          {
            text: 'Rotate two neurons by 180°: both flip sign, which GELU does not forgive either.',
            apply: () => set({ mode: 'plane', deg: 180 }),
          },
        ]}
      />
    </Figure>
  );
}
