import Figure from '../kit/Figure';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import {
  formatCount,
  formatShape,
  modelPromptFields,
  ModelPromptInput,
  RunState,
  Table,
  TryThis,
  useModelPrompt,
  usePromptRun,
} from '../kit';
import type { ModelPart } from '../../model/anatomy';
import { useId } from 'preact/hooks';
import './ch1.css';

const DEFAULT_PROMPT = 'The cat sat on the mat.';

const schema = {
  ...modelPromptFields(DEFAULT_PROMPT),
  part: field.text('attn.0', 20),
};

interface Anatomy {
  parts: ModelPart[];
  total: number;
  /** Shape of every activation of the selected part on this prompt, read from the run. */
  shapes: Record<string, readonly number[]>;
  /** Numbers in every activation of the whole run (all hooks), for the totals line. */
  activationCount: number;
  length: number;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Chapter 1, "Anatomy of the real model": the shipped model's parts with
 * their parameter tensors (shapes and counts read from the weights file) and,
 * for the reader's prompt, the activations each part computes (shapes read
 * from a live run with every hook).
 */
export default function ModelAnatomy() {
  const [state, update, reset] = useUrlState(schema, 'an');
  const m = useModelPrompt([state.model], state.prompt, (prompt) => update({ prompt }));
  const partsId = useId();

  const run = usePromptRun<Anatomy>(m, async (model, ids) => {
    const hooks = model.config.hook_names.filter((n) => n !== 'logits');
    const r = await model.runLatest('ch1-anatomy', ids, { hooks });
    if (!r) return null;
    const { modelParts, parameterCount } = await import('../../model/anatomy');
    const shapes: Record<string, readonly number[]> = { logits: r.logits!.shape };
    for (const [k, v] of Object.entries(r.hooks)) shapes[k] = v.shape;
    const activationCount = Object.values(shapes).reduce((s, sh) => s + count(sh), 0);
    return {
      parts: modelParts(model.weights),
      total: parameterCount(model.weights),
      shapes,
      activationCount,
      length: r.length,
    };
  });
  const res = run.value;
  const part = res?.parts.find((p) => p.id === state.part) ?? res?.parts[0];
  const partParams = part ? part.parameters.reduce((s, p) => s + p.count, 0) : 0;

  return (
    <Figure
      name="ch1-anatomy"
      title="Anatomy of the real model"
      model={m}
      python={res ? { kind: 'anatomy', model: state.model, prompt: state.prompt } : null}
      caption={
        <>
          Parameter shapes and counts are read from the shipped weights file; activation shapes come
          from running the model on your prompt, with the batch of one as the first axis. Shapes are
          stored TransformerLens shapes.
        </>
      }
    >
      <ModelPromptInput
        model={state.model}
        onModel={(model) => update({ model })}
        {...m.input}
        rows={1}
      />
      <RunState run={run} onReset={reset} />
      {res && part && (
        <div
          class="ch1-an-layout"
          data-testid="anatomy"
          data-output={`${res.length}|${res.total}|${res.activationCount}`}
        >
          <div class="an-diagram">
            <p class="kit-label" id={partsId}>
              Parts, in the order they compute
            </p>
            <div role="radiogroup" aria-labelledby={partsId} class="ch1-an-parts">
              {res.parts.map((p, i) => {
                const n = p.parameters.reduce((s, q) => s + q.count, 0);
                const selected = p.id === part.id;
                return (
                  <button
                    key={p.id}
                    type="button"
                    role="radio"
                    aria-checked={selected}
                    tabIndex={selected ? 0 : -1}
                    class={`ch1-an-part an-${p.id.split('.')[0]}`}
                    onClick={() => update({ part: p.id })}
                    onKeyDown={(e) => {
                      const d =
                        e.key === 'ArrowDown' || e.key === 'ArrowRight'
                          ? 1
                          : e.key === 'ArrowUp' || e.key === 'ArrowLeft'
                            ? -1
                            : 0;
                      if (!d) return;
                      e.preventDefault();
                      const j = Math.max(0, Math.min(res.parts.length - 1, i + d));
                      update({ part: res.parts[j].id });
                      const buttons = e.currentTarget.parentElement?.querySelectorAll('button');
                      (buttons?.[j] as HTMLButtonElement | undefined)?.focus();
                    }}
                  >
                    <span>{p.label}</span>
                    <span class="ch1-an-count">{formatCount(n)} parameters</span>
                  </button>
                );
              })}
            </div>
            <p class="kit-note">
              <strong>{formatCount(res.total)}</strong> parameters in all. On this prompt of{' '}
              {res.length} tokens the run computed{' '}
              <strong>{formatCount(res.activationCount)}</strong> activation values.
            </p>
          </div>
          <div class="an-detail" aria-live="polite">
            <h4 class="kit-subhead">{part.label}</h4>
            <p class="kit-note">
              Parameters: fixed after training, the same for every prompt ({formatCount(partParams)}{' '}
              values).
            </p>
            <TensorTable what="parameter" rows={part.parameters} />
            <p class="kit-note">
              Activations: computed from your prompt, recomputed whenever it changes.
            </p>
            <TensorTable
              what="activation"
              testId="activation-table"
              rows={part.hooks.map((h) => ({
                name: h,
                shape: res.shapes[h],
                count: res.shapes[h] && count(res.shapes[h]),
              }))}
            />
          </div>
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Select the token embedding: most of the parameters live there and in the unembedding.',
            apply: () => update({ part: 'embed' }),
          },
          {
            text: 'Select an attention layer and double the prompt: which shapes grow, and which grow fastest?',
            apply: () => update({ part: 'attn.0', prompt: `${state.prompt} ${state.prompt}` }),
          },
          {
            text: 'Switch to gelu-1l to see an MLP layer and its 512 neurons.',
            apply: () => update({ model: 'gelu-1l', part: 'mlp.0' }),
          },
        ]}
      />
    </Figure>
  );
}

/** Tensors by name with their shapes and sizes ("—" for one the run did not give). */
function TensorTable({
  what,
  rows,
  testId,
}: {
  /** What the first column names: "parameter" or "activation". */
  what: string;
  rows: readonly { name: string; shape?: readonly number[]; count?: number }[];
  testId?: string;
}) {
  return (
    <Table columns={[what, 'shape', 'values']} testId={testId}>
      {rows.map((t) => (
        <tr key={t.name}>
          <td>
            <code>{t.name}</code>
          </td>
          <td>{t.shape ? formatShape(t.shape) : '—'}</td>
          <td>{t.count !== undefined ? formatCount(t.count) : '—'}</td>
        </tr>
      ))}
    </Table>
  );
}
