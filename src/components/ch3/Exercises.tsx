import { useId } from 'preact/hooks';
import {
  Exercise,
  ExerciseSet,
  field,
  formatPercent,
  PromptInput,
  promptField,
  useModels,
} from '../kit';
import { useUrlState } from '../kit/use-url-state';
import { CHANGES, checkInvariances, checkRotation, CONFIDENT } from './exercises';
import './ch3.css';

const schema = {
  rotation: promptField(''),
  picked: field.text('', 200),
};

/** The ticked changes of exercise 2, from their comma-separated URL form. */
function pickedSet(text: string): Set<string> {
  return new Set(text.split(',').filter((id) => CHANGES.some((c) => c.id === id)));
}

/**
 * The end-of-chapter exercises of chapter 3, checked on the spot by
 * gelu-1l: find a prompt where mixing the neurons changes the prediction,
 * and predict which changes of basis leave the model's function unchanged.
 */
export default function Exercises() {
  const m = useModels(['gelu-1l']);
  const [state, update] = useUrlState(schema, 'ex3');
  const picked = pickedSet(state.picked);
  const groupId = useId();
  const ready = Boolean(m.model && m.tokenizer);

  return (
    <ExerciseSet name="exercises-ch3" chapter={3} model={m} modelId="gelu-1l">
      <Exercise
        n={1}
        id="ch3.rotation"
        kind="prompt"
        disabled={!ready}
        check={() => checkRotation(m.model!, m.tokenizer!, state.rotation)}
        answer={state.rotation}
        task={
          <>
            Find a prompt of natural text, not the chapter's own example, after which gelu-1l gives
            its top prediction at least {formatPercent(CONFIDENT)}, and on which rotating its
            neurons (a random rotation, seed 1) changes that top prediction.
          </>
        }
        hints={[
          'A rotation of the neurons is no symmetry of the model: the GELU acts on each neuron alone, so mixing them before it changes what comes out. The question is only whether the change is big enough to swap the winner.',
          'You need a prediction the model is sure of, so that the change is the rotation’s doing and not noise. Set phrases of its training text (it read the King James Bible) give sure predictions.',
        ]}
        solution={
          <>
            “I am the LORD your”: the model predicts “ God”, the rotated model something else. A
            rotation of the neurons is not a symmetry, because the GELU acts on each neuron alone;
            even a confident prediction does not survive it.
          </>
        }
      >
        <PromptInput
          value={state.rotation}
          onInput={(rotation) => update({ rotation })}
          label="Your prompt"
        />
      </Exercise>
      <Exercise
        n={2}
        id="ch3.invariances"
        kind="choice"
        disabled={!ready}
        check={() => checkInvariances(m.model!, m.tokenizer!, picked)}
        answer={[...picked].join(',')}
        task={
          <>
            Predict, then check: which of these changes of basis leave gelu-1l's output exactly the
            same (up to float rounding)? Tick those.
          </>
        }
        hints={[
          'A change of basis is free where nothing privileges the basis: where every reader and writer can be rotated with it. Which side of the GELU are you on?',
          'The residual stream has no elementwise operation here (no LayerNorm), so any rotation can be undone in the weights that read and write it. The GELU acts on each neuron alone: which maps commute with acting on each coordinate alone?',
        ]}
        solution={
          <>
            The residual rotation and the permutation of the neurons keep the function; the 1°
            rotation of two neurons and the sign flip of a neuron do not (GELU(−x) ≠ −GELU(x)).
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
                  update({
                    picked: CHANGES.filter((x) => next.has(x.id))
                      .map((x) => x.id)
                      .join(','),
                  });
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
