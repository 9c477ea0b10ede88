import Figure from '../kit/Figure';
import {
  DEFAULT_PROMPT,
  Fit,
  formatNumber,
  formatPercent,
  HeadChoice,
  headField,
  headIn,
  headName,
  Heatmap,
  LiveResult,
  loadRuntime,
  positionField,
  PositionStrip,
  promptField,
  PromptInput,
  resolvePosition,
  type RunInfo,
  RunState,
  Stat,
  Table,
  TryThis,
  unsignedScale,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import { useUrlState } from '../kit/use-url-state';

const schema = {
  prompt: promptField(DEFAULT_PROMPT),
  head: headField({ layer: 1, head: 0 }),
  pos: positionField(),
};

const KINDS = ['Q', 'K', 'V'] as const;

interface Result extends RunInfo {
  layer: number;
  head: number;
  /** `[4, d_head]`: singular values of W_Q, W_K, W_V, W_O. */
  singular: Float64Array;
  /** `[3, pos]`: share of the stream's squared norm inside the Q, K, V read subspaces. */
  fractions: Float64Array;
  /** Tokens whose embedding lies most in each read subspace, and whose unembedding most in the write subspace. */
  topTokens: { kind: string; tokens: { id: number; share: number }[] }[];
  baseline: number;
}

/**
 * Reading and writing: the directions a head reads (column spaces of W_Q,
 * W_K, W_V) and writes (row space of W_O), their singular values (d_head of
 * them), and how much of the live residual stream at each position lies in
 * each read subspace, against the d_head / d_model a random subspace gets.
 */
export default function ReadWrite() {
  const [s, set] = useUrlState(schema, 'rw');
  const m = useModelPrompt(['attn-only-2l'], s.prompt, (prompt) => set({ prompt }));
  const cfg = m.config;
  const head = headIn(cfg, s.head, { layer: 1, head: 0 });

  const run = usePromptRun<Result>(
    m,
    async (model, ids) => {
      const L = await loadRuntime();
      const { d_model, d_head, d_vocab } = model.config;
      const w = model.weights;
      const subs = [
        ...KINDS.map((k) => L.readSubspace(w, head.layer, head.head, k)),
        L.writeSubspace(w, head.layer, head.head),
      ];
      const hook = `blocks.${head.layer}.hook_resid_pre`;
      const r = await model.runLatest('rw', ids, { hooks: [hook], logits: false });
      if (!r) return null;
      const x = r.hooks[hook].data;
      const fractions = new Float64Array(3 * r.length);
      KINDS.forEach((_, k) => {
        for (let p = 0; p < r.length; p++)
          fractions[k * r.length + p] = L.projectionFraction(
            x.subarray(p * d_model, (p + 1) * d_model),
            subs[k].basis,
          );
      });
      // Token directions: rows of W_E for what a head reads, columns of W_U for what it writes.
      const WE = w.get('embed.W_E').data;
      const WU = w.get('unembed.W_U').data;
      const v = new Float64Array(d_model);
      const topTokens = subs.map((sub, k) => {
        const shares = new Float64Array(d_vocab);
        for (let t = 0; t < d_vocab; t++) {
          for (let i = 0; i < d_model; i++)
            v[i] = k < 3 ? WE[t * d_model + i] : WU[i * d_vocab + t];
          shares[t] = L.projectionFraction(v, sub.basis);
        }
        return {
          kind: k < 3 ? `reads (${KINDS[k]}) from embeddings of` : 'writes towards unembeddings of',
          tokens: L.topK(shares, 6).map((e) => ({ id: e.index, share: e.value })),
        };
      });
      return {
        layer: head.layer,
        head: head.head,
        length: r.length,
        singular: Float64Array.from(subs.flatMap((sub) => sub.singularValues)),
        fractions,
        topTokens,
        baseline: d_head / d_model,
        backend: r.backend,
      };
    },
    [headName(head)],
  );

  const r = run.value;
  const pos = r ? resolvePosition(s.pos, r.length) : 0;
  const fracScale = unsignedScale(r?.fractions ?? [], undefined, 0);
  const svScale = unsignedScale(r?.singular ?? []);
  const name = (id: number) => (m.tokenizer ? m.tokenizer.tokenStrings([id])[0] : String(id));
  const dHead = cfg?.d_head ?? 16;

  return (
    <Figure
      name="read-write"
      title="Reading and writing"
      model={m}
      python={{
        kind: 'read-write',
        model: 'attn-only-2l',
        prompt: s.prompt,
        layer: head.layer,
        head: head.head,
      }}
      caption={
        <>
          A head reads the stream through W_Q, W_K, W_V (each d_model × d_head: a {dHead}
          -dimensional subspace) and writes through W_O. The fraction is ‖x U‖² / ‖x‖² for an
          orthonormal basis U of the read subspace; a random {dHead}-dimensional subspace of the{' '}
          {cfg?.d_model ?? 128}-dimensional stream would hold{' '}
          {formatNumber((100 * dHead) / (cfg?.d_model ?? 128), 3)}% on average.
        </>
      }
    >
      <PromptInput {...m.input} />
      {cfg && (
        <HeadChoice config={cfg} head={head} label="Head" onChange={(h) => set({ head: h })} />
      )}
      <RunState run={run} />
      {r && (
        <LiveResult
          testId="rw-result"
          prompt={s.prompt}
          backend={r.backend}
          data-head={`${r.layer}.${r.head}`}
        >
          <p class="kit-section-title">
            Singular values of head {r.layer}.{r.head}'s matrices (rank {dHead} each)
          </p>
          <Fit cols={dHead} cell={34}>
            <Heatmap
              label={`Singular values of W_Q, W_K, W_V and W_O of head ${r.layer}.${r.head}`}
              rows={4}
              cols={dHead}
              values={r.singular}
              scale={svScale}
              legendTitle="singular value"
              rowLabels={['W_Q', 'W_K', 'W_V', 'W_O']}
              colLabels={Array.from({ length: dHead }, (_, i) => String(i + 1))}
              colTitle="singular value, largest first"
              showValues
              format={(v) => formatNumber(v, 2)}
            />
          </Fit>
          <p class="kit-section-title">
            How much of the stream entering layer {r.layer} each input reads, position by position
          </p>
          <PositionStrip tokens={m.strings} selected={pos} onSelect={(p) => set({ pos: p })} />
          <div class="kit-stats">
            {KINDS.map((k, i) => (
              <Stat
                key={k}
                testId={`rw-frac-${k}`}
                label={`${k} reads of the stream at position ${pos}`}
                value={formatPercent(r.fractions[i * r.length + pos])}
                note={`a random ${dHead}-dimensional subspace: ${formatNumber(100 * r.baseline, 3)}% on average`}
              />
            ))}
          </div>
          <Fit cols={r.length} cell={30}>
            <Heatmap
              label={`Share of the residual stream in head ${r.layer}.${r.head}'s read subspaces, by position`}
              rows={3}
              cols={r.length}
              values={r.fractions}
              scale={fracScale}
              legendTitle="share of ‖x‖² in the read subspace"
              rowLabels={['Q', 'K', 'V']}
              colLabels={m.strings}
              colTitle="position"
              format={formatPercent}
              highlight={{ row: 0, col: pos }}
              onSelect={(_, c) => set({ pos: c })}
            />
          </Fit>
          <Table
            testId="rw-tokens"
            caption="Tokens whose directions lie most in the head's subspaces"
            captionHidden
          >
            {r.topTokens.map((t) => (
              <tr key={t.kind}>
                <th scope="row">{t.kind}</th>
                <td>
                  {t.tokens.map((e) => (
                    <span key={e.id}>
                      <code>{name(e.id)}</code> {formatPercent(e.share)}{' '}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </Table>
        </LiveResult>
      )}
      <TryThis
        items={[
          {
            text: 'Compare a layer-0 head with a layer-1 head: which reads more of its stream than chance?',
            apply: () => set({ head: { layer: 0, head: 0 } }),
          },
          {
            text: 'Look at the singular values: do all 16 directions matter, or do a few carry the head?',
          },
          {
            text: 'Click along the key (K) row: which tokens put their stream where the key looks?',
          },
        ]}
      />
    </Figure>
  );
}
