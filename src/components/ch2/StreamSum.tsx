import Figure from '../kit/Figure';
import { useUrlState } from '../kit/use-url-state';
import {
  formatNumber,
  formatSigned,
  Legend,
  modelPromptFields,
  ModelPromptInput,
  positionField,
  resolvePosition,
  RunState,
  shadeStyle,
  signedScale,
  Table,
  TokenStrip,
  TryThis,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import type { StreamStage } from '../../model/residual-terms';
import type { ModelConfig } from '../../model/config';
import './ch2.css';

const schema = {
  ...modelPromptFields(),
  pos: positionField(-1),
};

/** One term as the figure shows it. */
interface Row {
  component: string;
  layer: number;
  norm: number;
  /** Signed length of the term along the final stream: these sum to |final stream|. */
  along: number;
}

interface StreamResult {
  ids: number[];
  pos: number;
  rows: Row[];
  stages: StreamStage[];
  finalNorm: number;
  config: ModelConfig;
}

/** The hooks the decomposition needs for this model. */
function hooksFor(c: ModelConfig): string[] {
  const out = ['hook_embed', 'hook_pos_embed', 'blocks.0.hook_resid_pre'];
  for (let l = 0; l < c.n_layers; l++) {
    out.push(`blocks.${l}.attn.hook_result`, `blocks.${l}.hook_resid_post`);
    if (!c.attn_only) out.push(`blocks.${l}.hook_mlp_out`);
  }
  return out;
}

const label = (c: string) =>
  c === 'embed'
    ? 'token embedding'
    : c === 'pos_embed'
      ? 'position embedding'
      : /^\d/.test(c)
        ? `head ${c}`
        : c;

/**
 * The central-channel drawing, to scale: the band's thickness is the
 * stream's norm after each stage and each wire's thickness is the norm of
 * what that component wrote, with the same pixels per unit, so "a big stream
 * and small edits" is a measurement, not a metaphor.
 */
function Channel({ res }: { res: StreamResult }) {
  const { config, rows, stages } = res;
  const W = 640;
  const H = 250;
  const mid = 150;
  const maxNorm = Math.max(...stages.map((s) => s.norm), ...rows.map((r) => r.norm), 1e-9);
  const k = 70 / maxNorm; // px per unit of norm
  const start = 90;
  const end = W - 110;
  const layerW = (end - start) / config.n_layers;
  // Layer l's heads write over [a_l, b_l]; the band takes its new thickness at b_l.
  const region = (l: number) => [start + l * layerW + 6, start + (l + 1) * layerW - 14];
  const segX = [20, ...Array.from({ length: config.n_layers }, (_, l) => region(l)[1]), W - 20];
  const wire = (r: Row) => Math.max(0.6, r.norm * k);
  return (
    <svg
      class="ch2-ss-channel"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`The residual stream at position ${res.pos}, drawn to scale: band thickness is the stream's norm after each stage, wire thickness the norm of each term.`}
    >
      {stages.map((s, i) => {
        const h = Math.max(1, s.norm * k);
        return (
          <rect
            key={s.hook}
            class="ch2-ss-band"
            x={segX[i]}
            y={mid - h / 2}
            width={segX[i + 1] - segX[i]}
            height={h}
          >
            <title>{`stream after ${s.label}: norm ${formatNumber(s.norm)}`}</title>
          </rect>
        );
      })}
      {/* Embeddings enter at the left. */}
      {rows
        .filter((r) => r.layer < 0)
        .map((r, i) => (
          <g key={r.component}>
            <line
              class="ch2-ss-wire"
              x1={30 + i * 34}
              y1={H - 20}
              x2={30 + i * 34}
              y2={mid}
              stroke-width={wire(r)}
            >
              <title>{`${label(r.component)}: norm ${formatNumber(r.norm)}`}</title>
            </line>
            <text
              x={30 + i * 34}
              y={H - 6}
              font-size="10"
              text-anchor="middle"
              class="ch2-ss-muted"
            >
              {r.component === 'embed' ? 'W_E' : 'W_pos'}
            </text>
          </g>
        ))}
      {Array.from({ length: config.n_layers }, (_, l) => {
        const heads = rows.filter((r) => r.layer === l && /^\d/.test(r.component));
        const [x0, x1] = region(l);
        const dx = (x1 - x0 - (config.attn_only ? 0 : 44)) / Math.max(heads.length, 1);
        const mlp = rows.find((r) => r.component === `mlp ${l}`);
        return (
          <g key={l}>
            <text x={x0} y={16} font-size="11">
              layer {l}
            </text>
            {heads.map((r, h) => {
              const x = x0 + h * dx + dx / 2;
              return (
                <g key={r.component}>
                  <line
                    class={`ch2-ss-wire${r.along < 0 ? ' ch2-ss-wire-neg' : ''}`}
                    x1={x}
                    y1={44}
                    x2={x}
                    y2={mid}
                    stroke-width={wire(r)}
                  >
                    <title>{`head ${r.component}: norm ${formatNumber(r.norm)}`}</title>
                  </line>
                  <rect
                    class="ch2-ss-box"
                    x={x - dx * 0.42}
                    y={26}
                    width={dx * 0.84}
                    height={18}
                    rx={2}
                  />
                  <text x={x} y={38.5} font-size={Math.min(9, dx * 0.5)} text-anchor="middle">
                    {r.component.split('.')[1]}
                  </text>
                </g>
              );
            })}
            {mlp && (
              <g>
                <line
                  class={`ch2-ss-wire${mlp.along < 0 ? ' ch2-ss-wire-neg' : ''}`}
                  x1={x1 - 20}
                  y1={mid}
                  x2={x1 - 20}
                  y2={H - 44}
                  stroke-width={wire(mlp)}
                >
                  <title>{`MLP ${l}: norm ${formatNumber(mlp.norm)}`}</title>
                </line>
                <rect class="ch2-ss-box" x={x1 - 38} y={H - 44} width={36} height={18} rx={2} />
                <text x={x1 - 20} y={H - 31} font-size="9" text-anchor="middle">
                  MLP
                </text>
              </g>
            )}
          </g>
        );
      })}
      <text x={W - 20} y={mid + 4} font-size="11" text-anchor="end" class="ch2-ss-muted">
        → W_U
      </text>
      {stages.map((s, i) => (
        <text
          key={s.hook}
          x={i === 0 ? 120 : (segX[i] + segX[i + 1]) / 2}
          y={H - 6}
          font-size="10"
          text-anchor="middle"
          class="ch2-ss-muted"
        >
          ‖x‖ {formatNumber(s.norm)}
        </text>
      ))}
    </svg>
  );
}

/**
 * Chapter 2, "The stream as a sum": at a chosen position, every term of the
 * residual stream (token and position embedding, every head's
 * `hook_result`, each `b_O`, MLPs where present) with its norm and its
 * signed length along the final stream, the stream's norm after each stage,
 * the check that the terms add up to it, and the central-channel drawing of
 * the same numbers, to scale.
 */
export default function StreamSum() {
  const [state, update, reset] = useUrlState(schema, 'ss');
  const m = useModelPrompt([state.model], state.prompt, (prompt) => update({ prompt, pos: -1 }));

  const run = usePromptRun<StreamResult>(
    m,
    async (model, ids) => {
      const r = await model.runLatest('ch2-stream', ids, {
        hooks: hooksFor(model.config),
        logits: false,
      });
      if (!r) return null;
      const { residualTerms, streamStages, norm, sumOfTerms, projectTerms } =
        await import('../../model/residual-terms');
      const pos = resolvePosition(state.pos, r.length);
      const terms = residualTerms(model.weights, r.hooks, pos);
      const stages = streamStages(model.weights, r.hooks, terms, pos);
      const final = sumOfTerms(terms, model.config.d_model);
      const finalNorm = norm(final);
      const along = projectTerms(terms, final);
      const rows = terms.map((t, k) => ({
        component: t.component,
        layer: t.layer,
        norm: t.norm,
        along: along[k],
      }));
      return { ids, pos, rows, stages, finalNorm, config: model.config };
    },
    [state.pos],
  );
  const res = run.value;
  const strings = res && m.tokenizer ? m.tokenizer.tokenStrings(res.ids) : [];
  const alongScale = signedScale(res?.rows.map((r) => r.along) ?? []);
  const maxHead = res
    ? Math.max(...res.rows.filter((r) => /^\d/.test(r.component)).map((r) => r.norm))
    : 0;

  return (
    <Figure
      name="ch2-stream"
      title="The stream as a sum"
      model={m}
      python={
        res && {
          kind: 'stream-terms',
          model: state.model,
          prompt: state.prompt,
          pos: res.pos,
        }
      }
      caption={
        <>
          Every term is read from a live run (<code>hook_embed</code>, <code>hook_pos_embed</code>,
          each head’s <code>attn.hook_result</code>) or from the weights (<code>b_O</code>). “Along
          the final stream” is each term’s dot product with the unit vector of the final stream;
          those lengths add up exactly to the final stream’s norm.
        </>
      }
    >
      <ModelPromptInput model={state.model} onModel={(model) => update({ model })} {...m.input} />
      <RunState run={run} onReset={reset} />
      {res && (
        <div data-testid="stream" data-output={`${res.ids.join(',')}|${res.pos}|${res.finalNorm}`}>
          <TokenStrip
            label="Prompt tokens; choose the position to decompose"
            tokens={strings}
            selected={res.pos}
            onSelect={(p) => update({ pos: p === res.ids.length - 1 ? -1 : p })}
          />
          <Channel res={res} />
          <p class="kit-note ss-key">
            <span class="ch2-ss-key-swatch" style={{ background: 'var(--map-pos)' }} /> a term whose
            signed length along the final stream is positive,{' '}
            <span class="ch2-ss-key-swatch" style={{ background: 'var(--map-neg)' }} /> negative.
            Band and wires share one scale: thickness is the norm
            <span data-print-hint> (hover a wire or band for its value)</span>.
          </p>
          <p class="kit-note">
            At “{strings[res.pos]}” (position {res.pos}) the final stream has norm{' '}
            <strong>{formatNumber(res.finalNorm)}</strong>; the largest single head write has norm{' '}
            <strong>{formatNumber(maxHead)}</strong>.
          </p>
          <div class="ch2-grid">
            <Table
              testId="stages"
              caption="The stream after each stage, and the check that the terms sum to it"
              columns={['after', '‖stream‖', 'max |Σ terms − stream|']}
            >
              {res.stages.map((s) => (
                <tr key={s.hook}>
                  <td>{s.label}</td>
                  <td>{formatNumber(s.norm)}</td>
                  <td>{formatNumber(s.maxError, 2)}</td>
                </tr>
              ))}
            </Table>
            <Table
              testId="terms"
              label="Every term of the stream"
              columns={['term', '‖term‖', 'along final']}
              after={<Legend scale={alongScale} title="signed length along the final stream" />}
            >
              {res.rows.map((r) => (
                <tr key={r.component}>
                  <td>{label(r.component)}</td>
                  <td>{formatNumber(r.norm)}</td>
                  <td style={shadeStyle(alongScale, r.along)}>{formatSigned(r.along)}</td>
                </tr>
              ))}
              <tr>
                <td>
                  <strong>sum</strong>
                </td>
                <td />
                <td>
                  <strong>{formatSigned(res.rows.reduce((s, r) => s + r.along, 0))}</strong>
                </td>
              </tr>
            </Table>
          </div>
        </div>
      )}
      <TryThis
        items={[
          { text: 'Move along the prompt: at which positions do heads write the most?' },
          {
            text: 'A repeated sentence: do some heads write more on the second copy than on the first?',
            apply: () =>
              update({
                prompt:
                  'Mary had a little lamb, its fleece was white as snow. Mary had a little lamb, its fleece',
                pos: -1,
              }),
          },
          {
            text: 'Switch to gelu-1l: how big is the MLP’s write next to the heads’?',
            apply: () => update({ model: 'gelu-1l' }),
          },
        ]}
      />
    </Figure>
  );
}
