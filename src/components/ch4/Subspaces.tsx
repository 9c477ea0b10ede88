import { useRef } from 'preact/hooks';
import type { Matrix } from 'ml-matrix';
import type { OverlapBaseline } from '../../model/subspaces';
import Figure from '../kit/Figure';
import {
  DEFAULT_PROMPT,
  Fit,
  formatNumber,
  Heatmap,
  LiveResult,
  loadRuntime,
  promptField,
  PromptInput,
  RadioChoice,
  type RunInfo,
  RunState,
  signedScale,
  Stat,
  TryThis,
  unsignedScale,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';

const HEADS = Array.from({ length: 16 }, (_, i) => `${Math.floor(i / 8)}.${i % 8}`);
const INPUTS = ['Q', 'K', 'V'] as const;

const schema = {
  prompt: promptField(DEFAULT_PROMPT),
  a: field.oneOf(HEADS, '0.0'),
  b: field.oneOf(HEADS, '0.1'),
  input: field.oneOf(INPUTS, 'K'),
};

interface Weights {
  /** Orthonormal bases of every head's write subspace, in `layer * n_heads + head` order. */
  writes: Matrix[];
  /** `[n, n]` overlap (mean squared principal cosine) of every pair of heads' write subspaces. */
  overlaps: Float64Array;
  /** `[input][8 x 8]`: layer-0 write subspace vs layer-1 Q/K/V read subspace overlaps. */
  writeRead: Record<string, Float64Array>;
  baseline: OverlapBaseline;
  spanned: { layer0: number; layer1: number; all: number };
  effective: { layer0: number; layer1: number; all: number };
}

interface Result extends RunInfo {
  weights: Weights;
  cosines: number[];
  /** Cosine between the vectors heads a and b actually write, at each position. */
  outputCos: Float64Array;
  /** Participation ratio of the final stream's PCA over the prompt's positions. */
  streamDims: number;
}

/**
 * Bandwidth and subspaces: how much the heads' output subspaces overlap
 * (principal angles), how the layer-0 writers line up with the layer-1
 * readers, how many dimensions all the heads write compared with d_model,
 * and on the prompt, how aligned two heads' actual outputs are.
 */
export default function Subspaces() {
  const [s, set] = useUrlState(schema, 'ss');
  const m = useModelPrompt(['attn-only-2l'], s.prompt, (prompt) => set({ prompt }));
  const cfg = m.config;
  const weightCache = useRef<Weights | undefined>(undefined);

  const run = usePromptRun<Result>(
    m,
    async (model, ids) => {
      const L = await loadRuntime();
      const w = model.weights;
      const { n_heads, n_layers, d_model, d_head } = w.config;
      if (!weightCache.current) {
        const writes: Matrix[] = [];
        for (let l = 0; l < n_layers; l++)
          for (let h = 0; h < n_heads; h++) writes.push(L.writeSubspace(w, l, h).basis);
        const n = writes.length;
        const overlaps = new Float64Array(n * n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) overlaps[i * n + j] = L.subspaceOverlap(writes[i], writes[j]);
        const writeRead: Record<string, Float64Array> = {};
        for (const k of INPUTS) {
          const g = new Float64Array(n_heads * n_heads);
          for (let b = 0; b < n_heads; b++) {
            const read = L.readSubspace(w, 1, b, k).basis;
            for (let a = 0; a < n_heads; a++)
              g[a * n_heads + b] = L.subspaceOverlap(writes[a], read);
          }
          writeRead[k] = g;
        }
        const l0 = writes.slice(0, n_heads);
        const l1 = writes.slice(n_heads, 2 * n_heads);
        weightCache.current = {
          writes,
          overlaps,
          writeRead,
          baseline: L.randomOverlapBaseline(d_model, d_head, d_head, 48, 0),
          spanned: {
            layer0: L.spannedDimensions(l0),
            layer1: L.spannedDimensions(l1),
            all: L.spannedDimensions(writes),
          },
          effective: {
            layer0: L.effectiveDimensions(l0),
            layer1: L.effectiveDimensions(l1),
            all: L.effectiveDimensions(writes),
          },
        };
      }
      const W = weightCache.current;
      const ia = HEADS.indexOf(s.a);
      const ib = HEADS.indexOf(s.b);
      const cosines = L.principalCosines(W.writes[ia], W.writes[ib]);
      const hooks = [
        ...Array.from({ length: n_layers }, (_, l) => `blocks.${l}.attn.hook_result`),
        `blocks.${n_layers - 1}.hook_resid_post`,
      ];
      const r = await model.runLatest('ss', ids, { hooks, logits: false });
      if (!r) return null;
      const out = (i: number, p: number) => {
        const l = Math.floor(i / n_heads);
        const h = i % n_heads;
        const at = (p * n_heads + h) * d_model;
        return r.hooks[`blocks.${l}.attn.hook_result`].data.subarray(at, at + d_model);
      };
      const outputCos = new Float64Array(r.length);
      for (let p = 0; p < r.length; p++) {
        const x = out(ia, p);
        const y = out(ib, p);
        let xy = 0;
        let xx = 0;
        let yy = 0;
        for (let i = 0; i < d_model; i++) {
          xy += x[i] * y[i];
          xx += x[i] * x[i];
          yy += y[i] * y[i];
        }
        outputCos[p] = xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
      }
      const resid = r.hooks[`blocks.${n_layers - 1}.hook_resid_post`].data;
      const streamDims =
        r.length >= 3 ? L.participationRatio(L.pca(resid, d_model).variances) : NaN;
      return {
        weights: W,
        cosines,
        outputCos,
        streamDims,
        length: r.length,
        backend: r.backend,
      };
    },
    [s.a, s.b],
  );

  const r = run.value;
  const W = r?.weights;
  const nH = HEADS.length;
  const ovScale = unsignedScale([], 1);
  // Off the diagonal only: a head with itself is 1 and would wash the rest out.
  const offDiagonal = W ? Array.from(W.overlaps).filter((_, i) => i % (nH + 1) !== 0) : [];
  const pairScale = unsignedScale(offDiagonal);
  const cosScale = signedScale([], 1);
  const wr = W?.writeRead[s.input];
  const wrScale = unsignedScale(wr ?? []);
  const base = W?.baseline;

  return (
    <Figure
      name="subspaces"
      title="Bandwidth and subspaces"
      model={m}
      python={{
        kind: 'subspaces',
        model: 'attn-only-2l',
        prompt: s.prompt,
        a: s.a,
        b: s.b,
      }}
      caption={
        <>
          Overlap is the mean squared cosine of the principal angles between two subspaces,
          ‖U_aᵀU_b‖²_F / 16: 1 for the same subspace, 0 for orthogonal ones, and about 16/128 =
          0.125 for random ones.
        </>
      }
    >
      <PromptInput {...m.input} />
      <RunState run={run} />
      {r && W && base && (
        <LiveResult testId="ss-result" prompt={s.prompt} backend={r.backend}>
          <div class="kit-stats">
            <Stat
              testId="ss-bandwidth"
              label="Dimensions the heads can write"
              value={`${8 * (cfg?.d_head ?? 16)} + ${8 * (cfg?.d_head ?? 16)} into ${cfg?.d_model ?? 128}`}
              note={`together they span ${W.spanned.all} dimensions; effective ${formatNumber(W.effective.all)} (layer 0: ${formatNumber(W.effective.layer0)}, layer 1: ${formatNumber(W.effective.layer1)})`}
            />
            <Stat
              testId="ss-pair"
              label={`Overlap of ${s.a} and ${s.b}'s output subspaces`}
              value={formatNumber(W.overlaps[HEADS.indexOf(s.a) * nH + HEADS.indexOf(s.b)])}
              note={`random pairs: ${formatNumber(base.mean)} ± ${formatNumber(base.std, 2)}`}
            />
            <Stat
              testId="ss-stream"
              label="Directions the stream actually uses on this prompt"
              value={formatNumber(r.streamDims)}
              note={`participation ratio of the final stream's PCA over ${r.length} positions, of ${cfg?.d_model ?? 128}`}
            />
          </div>
          <p class="kit-section-title">
            Output subspaces of every pair of heads (click a cell to compare two heads)
          </p>
          <Fit cols={nH} cell={26}>
            <Heatmap
              label="Overlap of the output subspaces of every pair of heads"
              rows={nH}
              cols={nH}
              values={W.overlaps}
              scale={pairScale}
              isMasked={(row, col) => row === col}
              maskedText="the same head (overlap 1)"
              legendTitle="overlap (mean squared principal cosine)"
              rowLabels={HEADS}
              colLabels={HEADS}
              rowTitle="head"
              colTitle="head"
              cellSize={20}
              highlight={{ row: HEADS.indexOf(s.a), col: HEADS.indexOf(s.b) }}
              onSelect={(row, col) => set({ a: HEADS[row], b: HEADS[col] })}
            />
          </Fit>
          <p class="kit-section-title">
            Principal cosines between {s.a} and {s.b}'s output subspaces, and between random
            subspaces
          </p>
          <Fit cols={r.cosines.length} cell={34}>
            <Heatmap
              label={`Principal cosines between the output subspaces of heads ${s.a} and ${s.b}, and the random baseline`}
              rows={2}
              cols={r.cosines.length}
              values={Float64Array.from([...r.cosines, ...base.cosines])}
              scale={ovScale}
              legendTitle="cosine of the principal angle"
              rowLabels={[`${s.a}–${s.b}`, 'random']}
              colTitle="principal angle, smallest first"
              showValues
              format={(v) => formatNumber(v, 2)}
            />
          </Fit>
          <p class="kit-section-title">
            On your prompt: cosine between what {s.a} and {s.b} write at each position
          </p>
          <Fit cols={r.length} cell={30}>
            <Heatmap
              label={`Cosine between the outputs of heads ${s.a} and ${s.b} at each position`}
              rows={1}
              cols={r.length}
              values={r.outputCos}
              scale={cosScale}
              legendTitle="cosine between the two heads' outputs"
              rowLabels={['cos']}
              colLabels={m.strings}
              colTitle="position"
              format={(v) => formatNumber(v, 2)}
            />
          </Fit>
          <p class="kit-section-title">
            Writers against readers: layer-0 outputs vs layer-1 inputs
          </p>
          <div class="kit-controls">
            <RadioChoice
              legend="Layer-1 input"
              value={s.input}
              options={INPUTS.map((k) => ({ value: k, label: k }))}
              onChange={(input) => set({ input })}
            />
          </div>
          {wr && (
            <Fit cols={8} cell={26}>
              <Heatmap
                label={`Overlap of layer-0 heads' output subspaces with layer-1 heads' ${s.input} read subspaces`}
                rows={8}
                cols={8}
                values={wr}
                scale={wrScale}
                legendTitle="overlap (random ≈ 0.125)"
                rowLabels={HEADS.slice(0, 8)}
                colLabels={HEADS.slice(8)}
                rowTitle="writer"
                colTitle={`reader (${s.input})`}
                cellSize={20}
              />
            </Fit>
          )}
        </LiveResult>
      )}
      <TryThis
        items={[
          {
            text: 'Compare a layer-0 head with a layer-1 head: do heads of different layers share more or less than heads of one layer?',
            apply: () => set({ a: '0.0', b: '1.0' }),
          },
          {
            text: 'Find the pair of layer-0 heads whose outputs overlap least: are they further apart than random?',
          },
          {
            text: 'Switch the reader input to K and look for the brightest writer: it should match the K-composition grid of the previous figure.',
            apply: () => set({ input: 'K' }),
          },
        ]}
      />
    </Figure>
  );
}
