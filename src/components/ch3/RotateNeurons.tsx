import Figure from '../kit/Figure';
import {
  DEFAULT_PROMPT,
  Fit,
  formatNumber,
  Heatmap,
  LiveResult,
  loadRuntime,
  positionField,
  PositionStrip,
  promptField,
  PromptInput,
  resolvePosition,
  RunState,
  Stat,
  TryThis,
  unsignedScale,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import { useUrlState } from '../kit/use-url-state';
import {
  rotationFields,
  RotationControls,
  TokenLogit,
  TopComparison,
  type BasisChoice,
} from './parts';
import { runBothWays, useWeightsCache, type LogitChange } from './rotated-run';

const MODES = ['random', 'plane', 'permute'] as const;
const BASIS: BasisChoice<(typeof MODES)[number]> = {
  legend: 'Change of neuron basis P',
  options: [
    { value: 'random', label: 'random rotation' },
    { value: 'plane', label: 'rotate two neurons' },
    { value: 'permute', label: 'permutation' },
  ],
  noun: 'Neuron',
};
const D_MLP = 512;

const schema = {
  prompt: promptField(DEFAULT_PROMPT),
  ...rotationFields(MODES, D_MLP, 45),
  pos: positionField(),
};

interface Result extends LogitChange {
  /** Mean next-token loss on the prompt, original and rotated (nats). */
  loss: [number, number];
}

/**
 * Rotate the neurons of gelu-1l's MLP: `W_in P`, `b_in P`, `P^T W_out`.
 * GELU acts on each neuron by itself, so unless P only permutes neurons the
 * model computes something else; the figure shows how much.
 */
export default function RotateNeurons() {
  const [s, set] = useUrlState(schema, 'rn');
  const m = useModelPrompt(['gelu-1l'], s.prompt, (prompt) => set({ prompt }));
  const dMlp = m.config?.d_mlp ?? D_MLP;
  const rotated = useWeightsCache();
  const j = s.j === s.i ? (s.i + 1) % dMlp : s.j;
  const key = `${s.mode} ${s.mode === 'plane' ? `${s.i} ${j} ${s.deg}` : s.seed}`;

  const run = usePromptRun<Result>(
    m,
    async (model, ids) => {
      const L = await loadRuntime();
      const weights = rotated(key, () => {
        const P =
          s.mode === 'random'
            ? L.randomOrthogonal(dMlp, s.seed)
            : s.mode === 'permute'
              ? L.randomPermutation(dMlp, s.seed)
              : L.planeRotation(dMlp, s.i, j, (s.deg * Math.PI) / 180);
        return L.rotateMlpNeurons(model.weights, 0, P);
      });
      const both = await runBothWays(L, model, ids, 'rn', weights);
      if (!both) return null;
      const mean = (x: Float64Array) => (x.length ? x.reduce((a, b) => a + b, 0) / x.length : NaN);
      const loss = (r: typeof both.base) => mean(L.perPositionLoss(r.logits!, ids));
      return { ...both.change, loss: [loss(both.base), loss(both.rot)] };
    },
    [key],
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
      python={
        r && s.mode !== 'random'
          ? {
              kind: 'rotation',
              model: 'gelu-1l',
              prompt: s.prompt,
              pos,
              space: 'neurons',
              mode: s.mode,
              i: s.i,
              j,
              deg: s.deg,
              seed: s.seed,
            }
          : null
      }
      caption={
        <>
          gelu-1l's 512 neurons are mixed by P: W_in → W_in P, b_in → b_in P, W_out → Pᵀ W_out.
          Without the GELU between them these would cancel exactly; with it they do not, unless P
          only reorders the neurons.
        </>
      }
    >
      <PromptInput {...m.input} />
      <RotationControls basis={BASIS} max={dMlp - 1} state={s} j={j} onChange={set} />
      <RunState run={run} />
      {r && (
        <LiveResult testId="rn-result" prompt={s.prompt} backend={r.backend}>
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
          <PositionStrip
            tokens={m.strings}
            selected={pos}
            onSelect={(p) => set({ pos: p })}
            describe={(p) => `KL ${formatNumber(r.kl[p])} nats`}
          />
          <Fit cols={r.length} cell={30}>
            <Heatmap
              label="KL divergence of the next-token distribution at each position, original against changed neurons"
              rows={1}
              cols={r.length}
              values={r.kl}
              scale={klScale}
              legendTitle="KL divergence of the next-token distribution (nats)"
              rowLabels={['KL']}
              colLabels={m.strings}
              colTitle="position"
              highlight={{ row: 0, col: pos }}
              onSelect={(_, c) => set({ pos: c })}
            />
          </Fit>
          <TopComparison
            testId="rn-top"
            pos={pos}
            top={r.top[pos]}
            columns={['Rank', 'original model', 'neurons changed']}
            cells={(t, c, k) => (
              <>
                <td>{k + 1}</td>
                <td>
                  <TokenLogit text={name(t.index)} value={t.value} digits={3} />
                </td>
                <td>
                  <TokenLogit text={name(c.index)} value={c.value} digits={3} />
                </td>
              </>
            )}
          />
        </LiveResult>
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
