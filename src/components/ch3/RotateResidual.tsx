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
  Select,
  signedScale,
  Stat,
  TryThis,
  useComputation,
  useModelPrompt,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import {
  rotationFields,
  RotationControls,
  TokenLogit,
  TopComparison,
  type BasisChoice,
} from './parts';
import { runBothWays, useWeightsCache, type LogitChange } from './rotated-run';

const MODELS = ['attn-only-2l', 'gelu-1l'] as const;
const MODES = ['random', 'plane'] as const;
const BASIS: BasisChoice<(typeof MODES)[number]> = {
  legend: 'Rotation R',
  options: [
    { value: 'random', label: 'random (seeded)' },
    { value: 'plane', label: 'in the plane of two axes' },
  ],
  noun: 'Axis',
};

const schema = {
  prompt: promptField(DEFAULT_PROMPT),
  model: field.oneOf(MODELS, 'attn-only-2l'),
  ...rotationFields(MODES, 128, 90),
  pos: positionField(),
};

interface Result extends LogitChange {
  /** max |x_rotated - x R|: the rotated model's stream is the rotated stream. */
  streamError: number;
  /** `[2, d_model]`: the final stream at each position, original then rotated (position-major). */
  coords: Float32Array[];
  rotCoords: Float32Array[];
  norms: [number, number][];
}

/**
 * Rotate the residual stream: every weight that writes the stream is
 * multiplied by R and every weight that reads it by R^T, and the rotated
 * weights run through the same graph. The logits agree to float precision
 * while the stream's coordinates change completely.
 */
export default function RotateResidual() {
  const [s, set] = useUrlState(schema, 'rr');
  const m = useModelPrompt([s.model], s.prompt, (prompt) => set({ prompt }));
  const model = m.model;
  const d = model?.config.d_model ?? 128;
  const rotated = useWeightsCache();
  const j = s.j === s.i ? (s.i + 1) % d : s.j;
  const key = `${s.model} ${s.mode} ${s.mode === 'random' ? s.seed : `${s.i} ${j} ${s.deg}`}`;

  const run = useComputation<Result>(
    () =>
      model && m.ids.length && model.config.model_name === s.model
        ? (async () => {
            const L = await loadRuntime();
            const R =
              s.mode === 'random'
                ? L.randomOrthogonal(d, s.seed)
                : L.planeRotation(d, s.i, j, (s.deg * Math.PI) / 180);
            const weights = rotated(key, () => L.rotateResidualStream(model.weights, R));
            const hook = `blocks.${model.config.n_layers - 1}.hook_resid_post`;
            const both = await runBothWays(L, model, m.ids, 'rr', weights, [hook]);
            if (!both) return null;
            const x = both.base.hooks[hook].data;
            const xr = both.rot.hooks[hook].data;
            const expected = L.changeBasis(x, d, R);
            const n = both.change.length;
            return {
              ...both.change,
              streamError: L.maxAbsDiff(xr, expected) / L.maxAbs(expected),
              coords: Array.from({ length: n }, (_, p) => x.slice(p * d, (p + 1) * d)),
              rotCoords: Array.from({ length: n }, (_, p) => xr.slice(p * d, (p + 1) * d)),
              norms: Array.from({ length: n }, (_, p) => [
                L.rowNorms(x.subarray(p * d, (p + 1) * d), d)[0],
                L.rowNorms(xr.subarray(p * d, (p + 1) * d), d)[0],
              ]),
            };
          })()
        : undefined,
    [model, m.ids.join(','), key, m.backendVersion],
  );

  const r = run.value;
  const pos = r ? resolvePosition(s.pos, r.length) : 0;
  const both = r ? new Float32Array([...r.coords[pos], ...r.rotCoords[pos]]) : undefined;
  const name = (id: number) => (m.tokenizer ? m.tokenizer.tokenStrings([id])[0] : String(id));

  return (
    <Figure
      name="rotate-residual"
      title="Rotate the residual stream"
      model={m}
      python={
        r && s.mode === 'plane'
          ? {
              kind: 'rotation',
              model: s.model,
              prompt: s.prompt,
              pos,
              space: 'residual',
              mode: 'plane',
              i: s.i,
              j,
              deg: s.deg,
              seed: s.seed,
            }
          : null
      }
      caption={
        <>
          Every weight that writes the stream (W_E, W_pos, W_O, b_O
          {s.model === 'gelu-1l' ? ', W_out, b_out' : ''}) is multiplied by R, every weight that
          reads it (W_Q, W_K, W_V{s.model === 'gelu-1l' ? ', W_in' : ''}, W_U) by Rᵀ, and the new
          weights run through the same ONNX graph as the shipped ones.
        </>
      }
    >
      <PromptInput {...m.input} />
      <RotationControls basis={BASIS} max={d - 1} state={s} j={j} onChange={set}>
        <Select
          label="Model"
          value={s.model}
          options={MODELS.map((v) => ({ value: v, label: v }))}
          onChange={(model) => set({ model })}
        />
      </RotationControls>
      <RunState run={run} />
      {r && (
        <LiveResult testId="rr-result" prompt={s.prompt} backend={r.backend}>
          <div class="kit-stats">
            <Stat
              testId="rr-maxdiff"
              label="Largest logit change, every position and token"
              value={formatNumber(r.maxDiff)}
              note={
                <>
                  logits reach {formatNumber(r.scale)}; one float32 step there is{' '}
                  {formatNumber(r.epsilon)}, so this is {formatNumber(r.maxDiff / r.epsilon, 2)}{' '}
                  steps of rounding
                </>
              }
            />
            <Stat
              testId="rr-norm"
              label={`Length of the stream at position ${pos}`}
              value={`${formatNumber(r.norms[pos][0], 5)} → ${formatNumber(r.norms[pos][1], 5)}`}
              note="a rotation keeps lengths and angles"
            />
            <Stat
              label="Rotated stream vs x R"
              value={formatNumber(r.streamError)}
              note="largest difference, relative: the new stream is the old one rotated"
            />
          </div>
          <PositionStrip tokens={m.strings} selected={pos} onSelect={(p) => set({ pos: p })} />
          <p class="kit-section-title">
            Final residual stream at position {pos}, coordinate by coordinate
          </p>
          {both && (
            <div class="kit-grid3">
              {(['original', 'rotated'] as const).map((which, k) => (
                <Fit key={which} cols={16} cell={20}>
                  <p class="kit-note">
                    {which === 'original' ? 'Shipped weights' : 'Rotated weights'}
                  </p>
                  <Heatmap
                    label={`Residual stream coordinates at position ${pos}, ${which} model (coordinate = 16 × row + column)`}
                    rows={d / 16}
                    cols={16}
                    values={both.subarray(k * d, (k + 1) * d)}
                    scale={signedScale(both)}
                    legendTitle="coordinate value"
                    rowLabels={Array.from({ length: d / 16 }, (_, i) => String(16 * i))}
                    colLabels={Array.from({ length: 16 }, (_, i) => `+${i}`)}
                    rowTitle="coordinate"
                    cellSize={20}
                  />
                </Fit>
              ))}
            </div>
          )}
          <TopComparison
            testId="rr-top"
            pos={pos}
            top={r.top[pos]}
            columns={[<>Next token at {pos}</>, 'original logit', 'rotated model']}
            cells={(t, c) => (
              <>
                <td>
                  <code>{name(t.index)}</code>
                </td>
                <td>{t.value.toFixed(4)}</td>
                <td>
                  <TokenLogit text={name(c.index)} value={c.value} digits={4} />
                </td>
              </>
            )}
          />
        </LiveResult>
      )}
      <TryThis
        items={[
          {
            text: 'Rotate by 90° in the plane of axes 0 and 1: coordinates 0 and 1 swap (one changes sign), the logits do not move.',
            apply: () => set({ mode: 'plane', i: 0, j: 1, deg: 90 }),
          },
          {
            text: 'Try several seeds: each random rotation scrambles every coordinate, and the largest logit change stays a few float32 steps.',
            apply: () => set({ mode: 'random', seed: s.seed + 1 }),
          },
          {
            text: 'Switch to gelu-1l: a model with an MLP has no privileged residual basis either, as long as W_in is rotated with the readers.',
            apply: () => set({ model: 'gelu-1l' }),
          },
        ]}
      />
    </Figure>
  );
}
