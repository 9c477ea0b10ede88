import { useRef } from 'preact/hooks';
import type { Baseline } from '../../model/circuits';
import type { Reader, Writer } from '../../model/virtual-weights';
import Figure from '../kit/Figure';
import {
  DEFAULT_PROMPT,
  Fit,
  formatNumber,
  formatPercent,
  Heatmap,
  LiveResult,
  loadRuntime,
  promptField,
  PromptInput,
  RadioChoice,
  type RunInfo,
  RunState,
  seedField,
  SeedField,
  Select,
  signedScale,
  Stat,
  TryThis,
  unsignedScale,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';

const N_HEADS = 8;
const WRITERS = ['embed', 'pos', ...Array.from({ length: N_HEADS }, (_, h) => `0.${h}`)] as const;
const READERS = Array.from({ length: N_HEADS }, (_, h) => `1.${h}`);
const INPUTS = ['Q', 'K', 'V'] as const;

const schema = {
  prompt: promptField(DEFAULT_PROMPT),
  writer: field.oneOf(WRITERS, '0.0'),
  reader: field.oneOf(READERS, '1.0'),
  input: field.oneOf(INPUTS, 'K'),
  seed: seedField(0),
};

function toWriter(name: string): Writer {
  if (name === 'embed' || name === 'pos') return { kind: name };
  const [l, h] = name.split('.').map(Number);
  return { kind: 'head', layer: l, head: h };
}

interface Grid {
  scores: Record<(typeof INPUTS)[number], Float64Array>;
  baselines: Record<(typeof INPUTS)[number], Baseline>;
}

interface Result extends RunInfo {
  /** The virtual weight matrix `[rows, d_head]` and its row labels. */
  vw: Float64Array;
  vwRows: number;
  vwRowLabels: string[];
  vwRowTitle: string;
  score: number;
  baseline: Baseline;
  /** `[writers, pos]` shares of what the reader reads, and the writer names. */
  shares: Float64Array;
  shareWriters: string[];
  grid: Grid;
}

/**
 * Virtual weights: a writer's output matrix times a later reader's input
 * matrix, the composition score of the pair against random matrices of the
 * same shapes, what the reader actually reads from each writer on the
 * prompt, and the grid of Q-, K- and V-composition scores of every pair of heads.
 */
export default function VirtualWeights() {
  const [s, set] = useUrlState(schema, 'vw');
  const m = useModelPrompt(['attn-only-2l'], s.prompt, (prompt) => set({ prompt }));
  const cfg = m.config;
  const dHead = cfg?.d_head ?? 16;
  const gridCache = useRef<{ seed: number; grid: Grid } | undefined>(undefined);
  const baseCache = useRef(new Map<string, Baseline>());

  const run = usePromptRun<Result>(
    m,
    async (model, ids) => {
      const L = await loadRuntime();
      const w = model.weights;
      const writer = toWriter(s.writer);
      const [rl, rh] = s.reader.split('.').map(Number);
      const reader: Reader = { layer: rl, head: rh, input: s.input };
      const rows =
        writer.kind === 'embed' ? ids : writer.kind === 'pos' ? ids.map((_, p) => p) : [];
      const V = L.virtualWeights(w, writer, reader, rows);
      const score = L.writerCompositionScore(w, writer, reader);
      const bKey = `${s.writer === 'embed' || s.writer === 'pos' ? s.writer : 'head'} ${s.input} ${s.seed}`;
      let baseline = baseCache.current.get(bKey);
      if (!baseline) {
        // Head to head: the same baseline as the grid below (and the text).
        baseline =
          writer.kind === 'head'
            ? L.compositionBaseline(w.config.d_model, w.config.d_head, s.input, 64, s.seed)
            : L.writerCompositionBaseline(w, writer, reader, 12, s.seed);
        baseCache.current.set(bKey, baseline);
      }
      if (gridCache.current?.seed !== s.seed) {
        const grid: Grid = {
          scores: {
            Q: L.compositionScores(w, 0, 1, 'Q'),
            K: L.compositionScores(w, 0, 1, 'K'),
            V: L.compositionScores(w, 0, 1, 'V'),
          },
          baselines: {
            Q: L.compositionBaseline(w.config.d_model, w.config.d_head, 'Q', 64, s.seed),
            K: L.compositionBaseline(w.config.d_model, w.config.d_head, 'K', 64, s.seed),
            V: L.compositionBaseline(w.config.d_model, w.config.d_head, 'V', 64, s.seed),
          },
        };
        gridCache.current = { seed: s.seed, grid };
      }
      const hooks = [
        'hook_embed',
        'hook_pos_embed',
        'blocks.0.attn.hook_result',
        `blocks.${rl}.hook_resid_pre`,
      ];
      const r = await model.runLatest('vw', ids, { hooks, logits: false });
      if (!r) return null;
      const shares = L.readShares(w, r.hooks, reader);
      const labels = m.tokenizer ? m.tokenizer.tokenStrings(ids) : ids.map(String);
      return {
        vw: Float64Array.from(V.to1DArray()),
        vwRows: V.rows,
        vwRowLabels:
          writer.kind === 'embed'
            ? labels
            : writer.kind === 'pos'
              ? rows.map(String)
              : Array.from({ length: V.rows }, (_, i) => `z${i}`),
        vwRowTitle:
          writer.kind === 'embed'
            ? 'token of the prompt'
            : writer.kind === 'pos'
              ? 'position'
              : `head ${s.writer}'s z`,
        score,
        baseline,
        shares: Float64Array.from(shares.flatMap((x) => Array.from(x.share))),
        shareWriters: shares.map((x) => x.writer),
        length: r.length,
        grid: gridCache.current.grid,
        backend: r.backend,
      };
    },
    [s.writer, s.reader, s.input, s.seed],
  );

  const r = run.value;
  const vwScale = signedScale(r?.vw ?? []);
  const shareScale = signedScale(r?.shares ?? []);
  const gridMax = r ? Math.max(...INPUTS.map((k) => Math.max(...r.grid.scores[k]))) : 1;
  const gridScale = unsignedScale([], gridMax);
  const writerRow = r ? r.shareWriters.indexOf(s.writer === 'embed' ? 'embed' : s.writer) : -1;

  return (
    <Figure
      name="virtual-weights"
      title="Virtual weights"
      model={m}
      python={{ kind: 'composition', model: 'attn-only-2l', composition: s.input }}
      caption={
        <>
          In the code's row-vector convention a head writes z W_O and reads x W_Q, so the virtual
          weights from head 0.a to head 1.b's key are W_O^(0.a) W_K^(1.b) ({dHead} × {dHead}). The
          composition score is ‖W_w C_r‖_F / (‖W_w‖_F ‖C_r‖_F) with W_w the writer's map (W_E, W_pos
          or W_OV) and C_r the reader's circuit (W_QK for Q, its transpose for K, W_OV for V), as in
          TransformerLens.
        </>
      }
    >
      <PromptInput {...m.input} />
      <div class="kit-controls">
        <Select
          label="Writer"
          value={s.writer}
          options={WRITERS.map((v) => ({
            value: v,
            label:
              v === 'embed'
                ? 'token embedding W_E'
                : v === 'pos'
                  ? 'position embedding W_pos'
                  : `head ${v}`,
          }))}
          onChange={(writer) => set({ writer })}
        />
        <Select
          label="Reader"
          value={s.reader}
          options={READERS.map((v) => ({ value: v, label: `head ${v}` }))}
          onChange={(reader) => set({ reader })}
        />
        <RadioChoice
          legend="Reader's input"
          value={s.input}
          options={INPUTS.map((k) => ({ value: k, label: k }))}
          onChange={(input) => set({ input })}
        />
        <SeedField
          label="Seed of the random baseline"
          value={s.seed}
          onChange={(seed) => set({ seed })}
        />
      </div>
      <RunState run={run} />
      {r && (
        <LiveResult testId="vw-result" prompt={s.prompt} backend={r.backend}>
          <div class="kit-stats">
            <Stat
              testId="vw-score"
              label={`${s.input}-composition score, ${s.writer} → ${s.reader}`}
              value={formatNumber(r.score)}
              note={`${formatNumber(r.score / r.baseline.mean, 2)} × the random baseline`}
            />
            <Stat
              testId="vw-share"
              label={`On your prompt, at the last token`}
              value={
                writerRow >= 0 ? formatPercent(r.shares[writerRow * r.length + r.length - 1]) : '–'
              }
              note={`of what ${s.reader}'s ${s.input} reads there was written by ${s.writer}`}
            />
            <Stat
              label="Random matrices of the same shapes"
              value={`${formatNumber(r.baseline.mean)} ± ${formatNumber(r.baseline.std, 2)}`}
              note={`mean ± std over ${r.baseline.samples} seeded samples`}
            />
          </div>
          <p class="kit-section-title">
            Virtual weights from {s.writer} to {s.reader}'s {s.input}
          </p>
          <Fit cols={dHead} cell={22}>
            <Heatmap
              label={`Virtual weight matrix from ${s.writer} to head ${s.reader}'s ${s.input} input`}
              rows={r.vwRows}
              cols={dHead}
              values={r.vw}
              scale={vwScale}
              legendTitle="virtual weight"
              rowLabels={r.vwRowLabels}
              rowTitle={r.vwRowTitle}
              colTitle={`${s.reader}'s ${s.input.toLowerCase()} dimension`}
              cellSize={Math.min(24, Math.max(8, Math.floor(360 / Math.max(r.vwRows, dHead))))}
            />
          </Fit>
          <p class="kit-section-title">
            On your prompt: who wrote what {s.reader}'s {s.input} reads
          </p>
          <p class="kit-note">
            Each column splits what the reader reads at that position among the writers; a column
            sums to 1 (negative: the writer cancels part of the rest).
          </p>
          <Fit cols={r.length} cell={30}>
            <Heatmap
              label={`Share of what head ${s.reader}'s ${s.input} reads that each writer wrote, by position`}
              rows={r.shareWriters.length}
              cols={r.length}
              values={r.shares}
              scale={shareScale}
              legendTitle="share of the reader's input"
              rowLabels={r.shareWriters}
              colLabels={m.strings}
              rowTitle="writer"
              colTitle="position"
              highlight={writerRow >= 0 ? { row: writerRow, col: r.length - 1 } : undefined}
            />
          </Fit>
          <p class="kit-section-title">
            Every pair of heads: composition scores from layer 0 into layer 1
          </p>
          <div class="kit-grid3">
            {INPUTS.map((k) => (
              <div key={k} data-testid={`vw-grid-${k}`}>
                <p class="kit-note">
                  {k}-composition (random: {formatNumber(r.grid.baselines[k].mean)} ±{' '}
                  {formatNumber(r.grid.baselines[k].std, 2)})
                </p>
                <Heatmap
                  label={`${k}-composition scores, layer-0 head (row) into layer-1 head (column)`}
                  rows={N_HEADS}
                  cols={N_HEADS}
                  values={r.grid.scores[k]}
                  scale={gridScale}
                  legendTitle="composition score"
                  rowLabels={Array.from({ length: N_HEADS }, (_, h) => `0.${h}`)}
                  colLabels={Array.from({ length: N_HEADS }, (_, h) => `1.${h}`)}
                  rowTitle="writer"
                  colTitle="reader"
                  cellSize={20}
                  highlight={
                    k === s.input && s.writer.startsWith('0.')
                      ? { row: Number(s.writer.slice(2)), col: Number(s.reader.slice(2)) }
                      : undefined
                  }
                  onSelect={(row, col) =>
                    set({
                      writer: `0.${row}` as (typeof WRITERS)[number],
                      reader: `1.${col}`,
                      input: k,
                    })
                  }
                />
              </div>
            ))}
          </div>
        </LiveResult>
      )}
      <TryThis
        items={[
          {
            text: 'Find the brightest cell of the K-composition grid and click it: which layer-1 head reads that layer-0 head with its keys?',
          },
          {
            text: 'Set the writer to the position embedding and the reader input to K: how much of a layer-1 key is about position?',
            apply: () => set({ writer: 'pos', input: 'K' }),
          },
          {
            text: 'Type a text that repeats itself, with the previous-token head as writer and an induction head’s key as reader: on the second copy the writer supplies most of what the key reads.',
            apply: () =>
              set({
                prompt:
                  'Mr and Mrs Dursley were proud to say that they were perfectly normal. Mr and Mrs Dursley were proud to say that they were perfectly normal.',
              }),
          },
        ]}
      />
    </Figure>
  );
}
