import Figure from '../kit/Figure';
import {
  formatNumber,
  formatPercent,
  LiveResult,
  loadRuntime,
  promptField,
  PromptInput,
  RadioChoice,
  RunState,
  seedField,
  SeedField,
  Stat,
  TryThis,
  useComputation,
  useModelPrompt,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import { BarChart } from './BarChart';

const PLACES = ['resid-2l', 'resid-gelu', 'neurons'] as const;
type Place = (typeof PLACES)[number];

/** Where each choice reads activations from: model and hook. */
const WHERE: Record<Place, { model: 'attn-only-2l' | 'gelu-1l'; hook: string; label: string }> = {
  'resid-2l': {
    model: 'attn-only-2l',
    hook: 'blocks.1.hook_resid_post',
    label: 'residual stream, attn-only-2l',
  },
  'resid-gelu': {
    model: 'gelu-1l',
    hook: 'blocks.0.hook_resid_post',
    label: 'residual stream, gelu-1l',
  },
  neurons: { model: 'gelu-1l', hook: 'blocks.0.mlp.hook_post', label: 'MLP neurons, gelu-1l' },
};

/** A default prompt long enough (about 100 tokens) for per-coordinate statistics to mean something. */
export const LONG_PROMPT =
  'In the beginning God created the heaven and the earth. And the earth was without form, and void; ' +
  'and darkness was upon the face of the deep. And the Spirit of God moved upon the face of the waters. ' +
  'And God said, Let there be light: and there was light. And God saw the light, that it was good: ' +
  'and God divided the light from the darkness.';

const schema = {
  prompt: promptField(LONG_PROMPT),
  where: field.oneOf(PLACES, 'resid-2l'),
  seed: seedField(),
  skip0: field.bool(true),
};

interface Result {
  n: number;
  samples: number;
  /** Kurtosis per coordinate, sorted descending, in each basis. */
  standard: Float64Array;
  random: Float64Array;
  pca: Float64Array;
  /** Coordinates (standard basis) with the largest kurtosis. */
  topCoords: { index: number; value: number }[];
  /** Pooled histogram of standardised values, per basis. */
  histStandard: Uint32Array;
  histRandom: Uint32Array;
  edges: Float64Array;
  /** Share of variance along the first 10 principal directions, and the participation ratio. */
  pcaTop10: number;
  pcaDims: number;
  backend: string;
}

const median = (x: Float64Array) => {
  const v = Array.from(x)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return v.length
    ? v.length % 2
      ? v[v.length >> 1]
      : (v[v.length / 2 - 1] + v[v.length / 2]) / 2
    : NaN;
};
const countAbove = (x: Float64Array, t: number) => Array.from(x).filter((v) => v > t).length;

/**
 * Look at the coordinates: the kurtosis of every coordinate of an activation
 * over the prompt's positions, in the standard basis, in a random rotation of
 * it and in the PCA basis, with the pooled distribution of values. A basis
 * that features line up with shows heavy tails (kurtosis well above 3).
 */
export default function CoordinateStats() {
  const [s, set] = useUrlState(schema, 'cs');
  const where = WHERE[s.where];
  const m = useModelPrompt([where.model], s.prompt, (prompt) => set({ prompt }));
  const model = m.model;
  const first = s.skip0 ? 1 : 0;

  const run = useComputation<Result>(
    () =>
      model && model.config.model_name === where.model && m.ids.length - first >= 8
        ? (async () => {
            const L = await loadRuntime();
            const r = await model.runLatest('cs', m.ids, { hooks: [where.hook], logits: false });
            if (!r) return null;
            const act = r.hooks[where.hook]; // [batch, pos, n]
            const n = act.shape[2];
            const X = act.data.subarray(first * n, r.length * n);
            const rows = r.length - first;
            const kStd = L.coordinateKurtosis(X, n);
            const Xr = L.changeBasis(X, n, L.randomOrthogonal(n, s.seed));
            const kRand = L.coordinateKurtosis(Xr, n);
            const p = L.pca(X, n);
            const centred = Float64Array.from(X, (v, i) => v - p.mean[i % n]);
            const kPca = L.coordinateKurtosis(L.changeBasis(centred, n, p.components), n);
            const hs = L.histogram(L.standardiseColumns(X, n), 40, -10, 10);
            const hr = L.histogram(L.standardiseColumns(Xr, n), 40, -10, 10);
            const total = p.variances.reduce((a, b) => a + b, 0);
            const sortDesc = (x: Float64Array) =>
              Float64Array.from(x).sort((a, b) => (b || 0) - (a || 0));
            return {
              n,
              samples: rows,
              standard: sortDesc(kStd),
              random: sortDesc(kRand),
              pca: sortDesc(kPca),
              topCoords: L.topK(
                Float64Array.from(kStd, (v) => (Number.isFinite(v) ? v : -1)),
                5,
              ),
              histStandard: hs.counts,
              histRandom: hr.counts,
              edges: hs.edges,
              pcaTop10: p.variances.slice(0, 10).reduce((a, b) => a + b, 0) / total,
              pcaDims: L.participationRatio(p.variances),
              backend: r.backend,
            };
          })()
        : undefined,
    [model, m.ids.join(','), s.where, s.seed, s.skip0, m.backendVersion],
  );
  const r = run.value;

  return (
    <Figure
      name="coordinate-stats"
      title="Look at the coordinates"
      model={m}
      python={
        r
          ? {
              kind: 'coordinate-stats',
              model: where.model,
              prompt: s.prompt,
              hook: where.hook,
              skipFirst: s.skip0,
            }
          : null
      }
      caption={
        <>
          Each coordinate's kurtosis, E[(x − μ)⁴]/σ⁴, over the positions of the prompt: 3 for a
          Gaussian, much more for a coordinate that is quiet most of the time and occasionally
          large. The random basis is a seeded rotation of the same vectors; the PCA basis is the
          covariance's eigenvectors.
        </>
      }
    >
      <PromptInput
        {...m.input}
        rows={4}
        hint="Every position is one sample: longer prompts give steadier statistics."
      />
      <div class="kit-controls">
        <RadioChoice
          legend="Activations"
          value={s.where}
          options={PLACES.map((p) => ({ value: p, label: WHERE[p].label }))}
          onChange={(w) => set({ where: w })}
        />
        <SeedField
          label="Seed of the random basis"
          value={s.seed}
          onChange={(seed) => set({ seed })}
        />
        <label class="kit-inline">
          <span>
            <input
              type="checkbox"
              checked={s.skip0}
              onChange={(e) => set({ skip0: e.currentTarget.checked })}
            />{' '}
            leave out position 0
          </span>
        </label>
      </div>
      {m.ids.length - first < 8 && m.status.kind === 'ready' && (
        <p class="kit-warning">Type a longer prompt: the statistics need at least 8 positions.</p>
      )}
      <RunState run={run} />
      {r && (
        <LiveResult testId="cs-result" prompt={s.prompt} backend={r.backend}>
          <div class="kit-stats">
            <Stat
              testId="cs-standard"
              label="Median kurtosis, standard basis"
              value={formatNumber(median(r.standard))}
              note={`${countAbove(r.standard, 10)} of ${r.n} coordinates above 10; largest ${formatNumber(r.standard[0])}`}
            />
            <Stat
              testId="cs-random"
              label="Median kurtosis, random basis"
              value={formatNumber(median(r.random))}
              note={`${countAbove(r.random, 10)} of ${r.n} above 10; largest ${formatNumber(r.random[0])}`}
            />
            <Stat
              testId="cs-pca"
              label="Median kurtosis, PCA basis"
              value={formatNumber(median(r.pca))}
              note={`first 10 principal directions hold ${formatPercent(r.pcaTop10)} of the variance; participation ratio ${formatNumber(r.pcaDims)} of ${r.n} dimensions`}
            />
          </div>
          <p class="ch3-note">
            {r.samples} positions. Most heavy-tailed coordinates in the standard basis:{' '}
            {r.topCoords.map((c) => `${c.index} (${formatNumber(c.value)})`).join(', ')}.
          </p>
          <p class="kit-section-title">Kurtosis of every coordinate, sorted</p>
          <BarChart
            label="Kurtosis of each coordinate, sorted from the largest, in the standard and in a random basis"
            categories={Array.from({ length: r.n }, (_, i) => String(i + 1))}
            series={[
              { name: 'standard basis', values: r.standard },
              { name: 'random basis', values: r.random },
            ]}
            yTitle="kurtosis"
            xTitle="rank"
            log
            reference={{ value: 3, label: 'Gaussian (3)' }}
          />
          <p class="kit-section-title">All values, each standardised by its coordinate</p>
          <BarChart
            label="Histogram of standardised coordinate values, standard and random basis"
            categories={Array.from(r.edges.slice(0, -1), (e, b) =>
              formatNumber((e + r.edges[b + 1]) / 2, 2),
            )}
            series={[
              { name: 'standard basis', values: r.histStandard },
              { name: 'random basis', values: r.histRandom },
            ]}
            yTitle="count"
            xTitle="standard deviations from the coordinate's mean"
            log
          />
        </LiveResult>
      )}
      <TryThis
        items={[
          {
            text: 'Switch to the MLP neurons and compare their kurtosis with the residual stream’s.',
            apply: () => set({ where: 'neurons' }),
          },
          {
            text: 'Include position 0, whose stream is often unlike the rest, and watch the tails.',
            apply: () => set({ skip0: false }),
          },
          {
            text: 'Change the seed: the random basis’s numbers barely move, because every random basis looks alike.',
            apply: () => set({ seed: s.seed + 1 }),
          },
        ]}
      />
    </Figure>
  );
}
