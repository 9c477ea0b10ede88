import { useId, useState } from 'preact/hooks';
import { DEFAULT_PROMPT, Exercise, ExerciseSet, PromptInput, useModels } from '../kit';
import { CHANGES, checkInvariances, checkRotation } from './exercises';
import './ch3.css';

/**
 * The end-of-chapter exercises of chapter 3, checked on the spot by
 * gelu-1l: find a prompt where mixing the neurons changes the prediction,
 * and predict which changes of basis leave the model's function unchanged.
 */
export default function Exercises() {
  const m = useModels(['gelu-1l']);
  const [prompt1, setPrompt1] = useState(DEFAULT_PROMPT);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const groupId = useId();
  const ready = Boolean(m.model && m.tokenizer);

  return (
    <ExerciseSet name="exercises-ch3" model={m} modelId="gelu-1l">
      <Exercise
        n={1}
        disabled={!ready}
        check={() => checkRotation(m.model!, m.tokenizer!, prompt1)}
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
        check={() => checkInvariances(m.model!, m.tokenizer!, picked)}
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
