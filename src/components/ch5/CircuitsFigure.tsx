import Figure from '../kit/Figure';
import {
  formatNumber,
  HeadChoice,
  headField,
  headIn,
  headName,
  loadRuntime,
  ModelSelect,
  promptField,
  PromptInput,
  RunState,
  TokenTable,
  TryThis,
  useComputation,
  useModels,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import './ch5.css';

const MODELS = ['attn-only-1l', 'attn-only-2l'] as const;
const schema = {
  model: field.oneOf(MODELS, 'attn-only-1l'),
  head: headField({ layer: 0, head: 0 }),
  token: promptField(' the'),
};

interface HeadEigen {
  name: string;
  eig: { re: number; im: number }[];
  copying: number;
}

/**
 * QK and OV circuits of a head, read from the shipped weights: for the
 * reader's token, the keys it most wants to attend to (token-level QK) and the
 * logits attending to it raises most (full OV); and every head's OV
 * eigenvalues in the complex plane with its copying score. A live run of the
 * model on "key … query" checks the QK reading against a real pattern.
 */
export default function CircuitsFigure({ prefix = 'qk' }: { prefix?: string }) {
  const [state, update] = useUrlState(schema, prefix);
  const m = useModels([state.model]);
  const { model, tokenizer } = m;
  const cfg = model?.config;
  const head = headIn(cfg, state.head, { layer: 0, head: 0 });
  const ids = tokenizer ? tokenizer.encode(state.token) : [];
  const token = ids[ids.length - 1];

  const eigen = useComputation(async () => {
    if (!model) return undefined;
    const rt = await loadRuntime();
    const out: HeadEigen[] = [];
    for (let l = 0; l < model.config.n_layers; l++)
      for (let h = 0; h < model.config.n_heads; h++) {
        const fm = rt.fullOvCircuit(model.weights, l, h);
        out.push({ name: `${l}.${h}`, eig: fm.eigenvalues(), copying: rt.copyingScoreOf(fm) });
      }
    return out;
  }, [model]);

  const circuits = useComputation(async () => {
    if (!model || token === undefined) return undefined;
    const rt = await loadRuntime();
    const qk = rt.topKInRow(rt.fullQkCircuit(model.weights, head.layer, head.head), token, 8);
    const ov = rt.topKInRow(rt.fullOvCircuit(model.weights, head.layer, head.head), token, 8);
    // Live check of the QK reading: the prompt "<best key> <token>" through the model; the
    // head's attention from the token to that key (only layer 0 reads the embeddings alone).
    const probe = [qk[0].index, token];
    const r = await model.run(probe, {
      hooks: [`blocks.${head.layer}.attn.hook_pattern`],
      logits: false,
    });
    const p = r.hooks[`blocks.${head.layer}.attn.hook_pattern`].data;
    const attention = p[(head.head * 2 + 1) * 2 + 0];
    return { token, qk, ov, attention };
  }, [model, token, head.layer, head.head, m.backendVersion]);

  const name = (id: number) => (tokenizer ? tokenizer.tokenStrings([id])[0] : String(id));
  const c = circuits.value;
  const fresh = c && c.token === token;
  const selectedName = headName(head);
  return (
    <Figure
      name="circuits"
      title="QK and OV circuits of a head"
      model={m}
      python={[
        ...(token === undefined
          ? []
          : [
              {
                label: 'the chosen head on your token',
                state: {
                  kind: 'circuit-rows' as const,
                  model: state.model,
                  layer: head.layer,
                  head: head.head,
                  token: state.token,
                  k: 8,
                },
              },
            ]),
        {
          label: 'every head’s copying score',
          state: { kind: 'copying' as const, model: state.model, accuracy: false },
        },
      ]}
      caption={
        <>
          Circuits are parameters: these lists come from {state.model}'s weights, the token-level QK
          circuit <code>W_E W_Q W_Kᵀ W_Eᵀ</code> and the full OV circuit{' '}
          <code>W_E W_V W_O W_U</code>, computed through their 16-dimensional factors and never
          formed whole. The last line runs the model live on a two-token prompt to show the QK
          reading at work.
        </>
      }
    >
      <ModelSelect
        value={state.model}
        models={MODELS}
        onChange={(model) => update({ model, head: { layer: 0, head: 0 } })}
      />
      {cfg && (
        <HeadChoice config={cfg} head={head} label="Head" onChange={(h) => update({ head: h })} />
      )}
      <PromptInput
        label="Token"
        value={state.token}
        rows={1}
        onInput={(tokenText) => update({ token: tokenText })}
        tokenCount={ids.length}
        hint="The figure reads the last token of what you type; a leading space is part of a word's token."
      />
      <RunState run={[circuits, eigen]} onReset={() => update({ token: ' the' })} />
      {c && fresh && (
        <div data-testid="circuits-ready" data-key={`${selectedName}:${c.token}`}>
          <div class="kit-grid">
            <div>
              <p class="kit-subhead">QK: as a query, “{name(c.token)}” attends most to…</p>
              <TokenTable
                value="score"
                rows={c.qk.map((r) => [name(r.index), formatNumber(r.value)])}
              />
            </div>
            <div>
              <p class="kit-subhead">OV: attending to “{name(c.token)}” raises the logits of…</p>
              <TokenTable
                value="logit"
                rows={c.ov.map((r) => [name(r.index), formatNumber(r.value)])}
              />
            </div>
          </div>
          <p class="kit-note">
            Live: on the prompt “{name(c.qk[0].index)}
            {name(c.token)}”, head {selectedName} puts <strong>{formatNumber(c.attention)}</strong>{' '}
            of its attention from “{name(c.token)}” on “{name(c.qk[0].index)}” (the rest on itself).
            {head.layer > 0 &&
              ' In layer 1 the key also carries what layer 0 wrote, so the token-level reading is only part of the story.'}
          </p>
        </div>
      )}
      {eigen.value && (
        <div>
          <p class="kit-subhead">Eigenvalues of every head's full OV circuit</p>
          <div class="ch5-eigen-grid">
            {eigen.value.map((e) => (
              <EigenPlot key={e.name} data={e} selected={e.name === selectedName} />
            ))}
          </div>
          <p class="kit-note">
            Each panel is the complex plane, scaled to that head's largest |λ|; orange points have a
            positive real part, blue negative. Copying score = Σλ / Σ|λ| over the 16 non-zero
            eigenvalues: 1 when all are positive (copying), −1 when all are negative.
          </p>
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Type a word from the middle of the vocabulary (“ river”) and compare heads: whose OV list puts the token itself near the top?',
            apply: () => update({ token: ' river' }),
          },
          {
            text: 'Find a head whose eigenvalues sit on the positive real axis, then check its OV list for a token you type.',
          },
          {
            text: 'Use a full stop as the query: which keys does it look for?',
            apply: () => update({ token: '.' }),
          },
        ]}
      />
    </Figure>
  );
}

/** One head's eigenvalues in the complex plane (axes through 0), with its copying score. */
function EigenPlot({ data, selected }: { data: HeadEigen; selected: boolean }) {
  const size = 110;
  const r = Math.max(1e-9, ...data.eig.map((e) => Math.hypot(e.re, e.im)));
  const sx = (x: number) => size / 2 + (x / r) * (size / 2 - 6);
  const sy = (y: number) => size / 2 - (y / r) * (size / 2 - 6);
  const shown = data.eig.filter((e) => Math.hypot(e.re, e.im) > 1e-6 * r);
  const text = (e: { re: number; im: number }) =>
    `${formatNumber(e.re)} ${e.im >= 0 ? '+' : '−'} ${formatNumber(Math.abs(e.im))}i`;
  return (
    <figure
      class={`ch5-eigen${selected ? ' ch5-eigen-selected' : ''}`}
      role="img"
      aria-label={`Head ${data.name}: copying score ${formatNumber(data.copying)}; eigenvalues ${shown.map(text).join(', ')}`}
    >
      <svg
        class="kit-plot"
        viewBox={`0 0 ${size} ${size}`}
        width={size}
        height={size}
        aria-hidden="true"
      >
        <line class="axis" x1={0} x2={size} y1={size / 2} y2={size / 2} />
        <line class="axis" y1={0} y2={size} x1={size / 2} x2={size / 2} />
        {shown.map((e, i) => (
          <circle
            key={i}
            cx={sx(e.re)}
            cy={sy(e.im)}
            r={3}
            style={{ fill: e.re >= 0 ? 'var(--map-pos)' : 'var(--map-neg)' }}
          >
            <title>{text(e)}</title>
          </circle>
        ))}
      </svg>
      <figcaption>
        {data.name}: {formatNumber(data.copying, 2)}
      </figcaption>
    </figure>
  );
}
