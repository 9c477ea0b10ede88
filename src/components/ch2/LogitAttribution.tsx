import { useId } from 'preact/hooks';
import Figure from '../kit/Figure';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import {
  colourFor,
  formatNumber,
  formatPercent,
  formatSigned,
  Legend,
  modelPromptFields,
  ModelPromptInput,
  positionField,
  resolvePosition,
  RunState,
  signedScale,
  TokenStrip,
  TryThis,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import type { Attribution } from '../../model/metrics';
import type { ModelConfig } from '../../model/config';
import './ch2.css';

const schema = {
  ...modelPromptFields(),
  pos: positionField(-1),
  /** Which token's logit: the model's top prediction, the real next token, or one the reader types. */
  target: field.oneOf(['top', 'next', 'custom'] as const, 'top'),
  token: field.text(' mat', 40),
};

interface DlaResult {
  ids: number[];
  pos: number;
  target: number;
  parts: Attribution[];
  sum: number;
  logit: number;
  prob: number;
}

function hooksFor(c: ModelConfig): string[] {
  const out = ['hook_embed', 'hook_pos_embed'];
  for (let l = 0; l < c.n_layers; l++) {
    out.push(`blocks.${l}.attn.hook_result`);
    if (!c.attn_only) out.push(`blocks.${l}.hook_mlp_out`);
  }
  return out;
}

const label = (c: string) =>
  c === 'embed' ? 'W_E (token)' : c === 'pos_embed' ? 'W_pos' : /^\d/.test(c) ? `head ${c}` : c;

/**
 * Chapter 2, "Direct logit attribution": how much each component (token and
 * position embedding, every head, each b_O, MLPs, b_U) pushes the logit of
 * one token at one position up or down, and the sum of those parts next to
 * the logit the model computed: equal up to float error, because there is no
 * LayerNorm.
 */
export default function LogitAttribution() {
  const [state, update, reset] = useUrlState(schema, 'dla');
  const m = useModelPrompt([state.model], state.prompt, (prompt) => update({ prompt, pos: -1 }));
  const tokenInputId = useId();
  const customIds = m.tokenizer ? m.tokenizer.encode(state.token) : [];

  const run = usePromptRun<DlaResult>(
    m,
    async (model, ids) => {
      const r = await model.runLatest('ch2-dla', ids, { hooks: hooksFor(model.config) });
      if (!r) return null;
      const { directLogitAttribution } = await import('../../model/metrics');
      const { logitsAt, topPredictions, probabilityOf } = await import('../../model/predictions');
      const pos = resolvePosition(state.pos, r.length);
      const row = logitsAt(r.logits!, pos);
      let target = topPredictions(row, 1)[0].id;
      if (state.target === 'next' && pos + 1 < ids.length) target = ids[pos + 1];
      if (state.target === 'custom' && customIds.length > 0) target = customIds[0];
      const parts = directLogitAttribution(model.weights, r.hooks, pos, target);
      const sum = parts.reduce((s, p) => s + p.value, 0);
      return {
        ids,
        pos,
        target,
        parts,
        sum,
        logit: row[target],
        prob: probabilityOf(row, target),
      };
    },
    [state.pos, state.target, customIds.join(',')],
  );
  const res = run.value;
  const tok = m.tokenizer;
  const strings = res && tok ? tok.tokenStrings(res.ids) : [];
  const targetText = res && tok ? tok.tokenStrings([res.target])[0] : '';
  const scale = signedScale(res?.parts.map((p) => p.value) ?? []);

  return (
    <Figure
      name="ch2-dla"
      title="Direct logit attribution"
      model={m}
      python={
        res && {
          kind: 'dla',
          model: state.model,
          prompt: state.prompt,
          pos: res.pos,
          target: state.target,
          token: state.token,
        }
      }
      caption={
        <>
          Each bar is one term of ℓ = u·(x_embed + x_pos + Σ heads + Σ b_O) + b_U, where u is the
          unembedding column of the chosen token; orange pushes the logit up, blue down. The sum of
          the bars is computed here in float64; the model’s logit comes from its own run.
        </>
      }
    >
      <ModelPromptInput model={state.model} onModel={(model) => update({ model })} {...m.input} />
      <fieldset class="kit-row dla-target">
        <legend class="kit-label">Whose logit</legend>
        {(
          [
            ['top', 'the model’s top prediction'],
            ['next', 'the real next token'],
            ['custom', 'a token I type:'],
          ] as const
        ).map(([v, text]) => (
          <label key={v}>
            <input
              type="radio"
              name={`dla-target-${tokenInputId}`}
              checked={state.target === v}
              onChange={() => update({ target: v })}
            />{' '}
            {text}
          </label>
        ))}
        <input
          id={tokenInputId}
          type="text"
          aria-label="Token to attribute (its first token is used)"
          value={state.token}
          maxLength={40}
          style={{ width: '8rem' }}
          onInput={(e) => update({ token: e.currentTarget.value, target: 'custom' })}
        />
      </fieldset>
      <RunState run={run} onReset={reset} />
      {res && tok && (
        <div
          data-testid="dla"
          data-output={`${res.ids.join(',')}|${res.pos}|${res.target}|${res.logit}`}
        >
          <TokenStrip
            label="Prompt tokens; choose the position whose prediction to attribute"
            tokens={strings}
            selected={res.pos}
            onSelect={(p) => update({ pos: p === res.ids.length - 1 ? -1 : p })}
          />
          <p class="kit-note">
            Logit of <code>{targetText}</code> (id {res.target}) at “{strings[res.pos]}” (position{' '}
            {res.pos}); the model gives it {formatPercent(res.prob)}.
            {state.target === 'next' &&
              res.pos + 1 >= res.ids.length &&
              ' (The last position has no real next token, so this is the top prediction.)'}
          </p>
          <div class="ch2-dla-total" data-testid="ch2-dla-total">
            <div>
              Sum of the {res.parts.length} parts
              <strong data-testid="dla-sum">{res.sum.toFixed(5)}</strong>
            </div>
            <div>
              The model’s logit
              <strong data-testid="dla-logit">{res.logit.toFixed(5)}</strong>
            </div>
            <div>
              Difference
              <strong>{formatNumber(res.sum - res.logit, 2)}</strong>
            </div>
          </div>
          <ol class="kit-bars ch2-dla-list" aria-label="Direct contribution of each component">
            {res.parts.map((p) => {
              const t = Math.abs(p.value) / scale.max;
              return (
                <li key={p.component} title={`${label(p.component)}: ${formatSigned(p.value)}`}>
                  <span class="kit-bar-label">{label(p.component)}</span>
                  <span class="kit-signed-track" aria-hidden="true">
                    <span
                      class="kit-signed-bar"
                      style={{
                        left: p.value < 0 ? `${50 - t * 50}%` : '50%',
                        width: `${t * 50}%`,
                        background: colourFor(scale, p.value >= 0 ? scale.max : -scale.max),
                      }}
                    />
                  </span>
                  <span class="kit-bar-value">{formatSigned(p.value)}</span>
                </li>
              );
            })}
          </ol>
          <Legend scale={scale} title="direct contribution to the logit" />
        </div>
      )}
      <TryThis
        items={[
          { text: 'Set the position to the second “ the”: which head pushes “ mat” up there?' },
          {
            text: 'Attribute the real next token at every position in turn: where does the token embedding alone do most of the work?',
            apply: () => update({ target: 'next' }),
          },
          {
            text: 'Type a token the model does not expect (“ dog”): which components push it down?',
            apply: () => update({ target: 'custom', token: ' dog' }),
          },
        ]}
      />
    </Figure>
  );
}
