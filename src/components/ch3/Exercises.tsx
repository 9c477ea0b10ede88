import { useId, useState } from 'preact/hooks';
import {
  type CheckResult,
  DEFAULT_PROMPT,
  Exercise,
  ExerciseSet,
  fitToContext,
  formatNumber,
  loadRuntime,
  PromptInput,
  useModels,
} from '../kit';
import './ch3.css';

/** The changes of basis exercise 2 offers, and how each is built. */
const CHANGES = [
  { id: 'resid', label: 'rotate the residual stream (random rotation, seed 3)' },
  { id: 'permute', label: 'permute the 512 neurons (seed 3)' },
  { id: 'small', label: 'rotate neurons 0 and 1 by just 1°' },
  { id: 'sign', label: 'flip the sign of neuron 0 (and of its output weights)' },
] as const;

/**
 * The end-of-chapter exercises of chapter 3, checked on the spot by
 * gelu-1l: find a prompt where mixing the neurons changes the prediction,
 * and predict which changes of basis leave the model's function unchanged.
 */
export default function Exercises3() {
  const m = useModels(['gelu-1l']);
  const [prompt1, setPrompt1] = useState(DEFAULT_PROMPT);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const groupId = useId();
  const model = m.model;
  const tokenizer = m.tokenizer;
  const ready = Boolean(model && tokenizer);

  const check1 = async (): Promise<CheckResult> => {
    if (!model || !tokenizer) return { ok: false, message: 'The model is still loading.' };
    const ids = fitToContext(tokenizer.encode(prompt1), model.config.n_ctx);
    if (!ids.length) return { ok: false, message: 'Type a prompt first.' };
    const L = await loadRuntime();
    const P = L.randomOrthogonal(model.config.d_mlp ?? 512, 1);
    const base = await model.run(ids);
    const rot = await model.run(ids, { weights: L.rotateMlpNeurons(model.weights, 0, P) });
    const V = model.config.d_vocab;
    const at = (ids.length - 1) * V;
    const a = L.topK(base.logits!.data.subarray(at, at + V), 1)[0].index;
    const b = L.topK(rot.logits!.data.subarray(at, at + V), 1)[0].index;
    const [ta, tb] = tokenizer.tokenStrings([a, b]);
    return a !== b
      ? {
          ok: true,
          message: `The model predicts “${ta}”; with its neurons rotated it predicts “${tb}”.`,
        }
      : {
          ok: false,
          message: `Both predict “${ta}”. Mixing the neurons moved the logits, but not enough to change the winner here: try another prompt.`,
        };
  };

  const check2 = async (): Promise<CheckResult> => {
    if (!model || !tokenizer) return { ok: false, message: 'The model is still loading.' };
    const L = await loadRuntime();
    const { Matrix } = await import('ml-matrix');
    const d = model.config.d_mlp ?? 512;
    const ids = tokenizer.encode(DEFAULT_PROMPT);
    const base = await model.run(ids);
    const scale = L.maxAbs(base.logits!.data);
    const flip = Matrix.eye(d, d);
    flip.set(0, 0, -1);
    const weights = {
      resid: L.rotateResidualStream(model.weights, L.randomOrthogonal(model.config.d_model, 3)),
      permute: L.rotateMlpNeurons(model.weights, 0, L.randomPermutation(d, 3)),
      small: L.rotateMlpNeurons(model.weights, 0, L.planeRotation(d, 0, 1, Math.PI / 180)),
      sign: L.rotateMlpNeurons(model.weights, 0, flip),
    };
    const verdicts = [];
    let right = 0;
    for (const c of CHANGES) {
      const r = await model.run(ids, { weights: weights[c.id] });
      const diff = L.maxAbsDiff(r.logits!.data, base.logits!.data);
      const unchanged = diff < 1e-5 * scale;
      if (unchanged === picked.has(c.id)) right++;
      verdicts.push(
        `${c.label}: largest logit change ${formatNumber(diff)} (${unchanged ? 'unchanged' : 'changed'})`,
      );
    }
    return {
      ok: right === CHANGES.length,
      message: `${right} of ${CHANGES.length} right. ${verdicts.join('; ')}.`,
    };
  };

  return (
    <ExerciseSet name="exercises-ch3" model={m} modelId="gelu-1l">
      <Exercise
        n={1}
        disabled={!ready}
        check={check1}
        task={
          <>
            Find a prompt on which rotating gelu-1l's neurons (a random rotation, seed 1) changes
            the model's top prediction for the next token.
          </>
        }
      >
        <PromptInput value={prompt1} onInput={setPrompt1} label="Your prompt" />
      </Exercise>
      <Exercise
        n={2}
        disabled={!ready}
        check={check2}
        task={
          <>
            Predict, then check: which of these changes of basis leave gelu-1l's output exactly the
            same (up to float rounding)? Tick those.
          </>
        }
      >
        <fieldset class="ch3-checks" aria-labelledby={groupId}>
          <legend id={groupId}>Changes that leave the function unchanged</legend>
          {CHANGES.map((c) => (
            <label key={c.id} class="ch3-check">
              <input
                type="checkbox"
                checked={picked.has(c.id)}
                onChange={(e) => {
                  const next = new Set(picked);
                  if (e.currentTarget.checked) next.add(c.id);
                  else next.delete(c.id);
                  setPicked(next);
                }}
              />{' '}
              {c.label}
            </label>
          ))}
        </fieldset>
      </Exercise>
    </ExerciseSet>
  );
}
