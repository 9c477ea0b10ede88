import { useId } from 'preact/hooks';
import { field, formatPercent, PromptInput, promptField, useComputation, useModels } from '../kit';
import { Exercise, ExerciseSet } from '../kit/Exercise';
import {
  checkNotebookOutput,
  NotebookCode,
  NumberAnswer,
  PredictChoice,
} from '../kit/ExerciseInputs';
import { useUrlState } from '../kit/use-url-state';
import {
  CHANGES,
  checkFlip,
  checkInvariances,
  checkRotation,
  checkSmallPredict,
  CONFIDENT,
  gelu,
  neuronPre,
  notebookExpected,
  flipVariant,
  SMALL_OPTIONS,
  smallRotationOutcome,
  SURE_PROMPT,
} from './exercises';
import code from './notebook.py?raw';
import { useStudentSeed } from '../kit/use-exercise-progress';
import './ch3.css';

const schema = {
  rotation: promptField(''),
  picked: field.text('', 200),
  small: field.oneOf(['', ...SMALL_OPTIONS], ''),
  flip: field.text('', 40),
  notebook: field.text('', 400),
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
  const small = useComputation(
    () => (m.model && m.tokenizer ? smallRotationOutcome(m.model, m.tokenizer) : undefined),
    [m.model, m.tokenizer],
  );
  const seed = useStudentSeed();
  const neuron = flipVariant(seed, m.model?.config.d_mlp ?? 512);
  const flipX = useComputation(
    () => (m.model && m.tokenizer ? neuronPre(m.model, m.tokenizer, neuron) : undefined),
    [m.model, m.tokenizer, neuron],
  );
  const expected = useComputation(
    () => (m.model && m.tokenizer ? notebookExpected(m.model, m.tokenizer) : undefined),
    [m.model, m.tokenizer],
  );

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
      <Exercise
        n={3}
        id="ch3.small"
        kind="predict"
        disabled={!ready}
        check={() => checkSmallPredict(m.model!, m.tokenizer!, state.small)}
        answer={state.small}
        task={
          <>
            Predict, then check: after “{SURE_PROMPT}” gelu-1l is sure of its next token. Rotate
            neurons 0 and 1 by just 1° (a change of basis that is not a symmetry): will the top
            prediction change? Commit your prediction; the model runs when you check.
          </>
        }
        hints={[
          'Breaking a symmetry is not the same as changing the answer: the model is a smooth function of its weights, so a tiny rotation makes a tiny change. How big would it need to be to swap a sure winner?',
          'A 1° rotation moves each of two weight vectors out of 512 by about 1.7% of its length. Compare that with the lead of a favourite the model gives well over 30%.',
        ]}
        solution={
          <>
            {small.value ? small.value.message : '…'} It{' '}
            {small.value?.truth === 'same' ? 'stays the same' : 'changes'}: the function changes, by
            little.
          </>
        }
      >
        <PredictChoice
          value={state.small}
          options={[
            { value: 'same', label: 'the top prediction stays the same' },
            { value: 'changes', label: 'the top prediction changes' },
          ]}
          onChange={(small) => update({ small })}
        />
      </Exercise>
      <Exercise
        n={4}
        id="ch3.flip"
        kind="numeric"
        disabled={!ready || flipX.value === undefined}
        check={() => checkFlip(m.model!, m.tokenizer!, state.flip, neuron)}
        answer={state.flip}
        task={
          <>
            Compute by hand. At the last token of “{SURE_PROMPT}”, neuron {neuron}’s pre-activation
            is x = {flipX.value !== undefined ? flipX.value.toFixed(4) : '…'}. Flipping the neuron’s
            sign (its input weights and bias, and its output weights) replaces its output
            GELU(x)·w_out by −GELU(−x)·w_out. By how much does the coefficient of w_out change,
            GELU(x) + GELU(−x)? (GELU(x) = x·Φ(x), with Φ the standard normal distribution
            function.)
            {seed && <> (Your variant, for student seed {seed}.)</>}
          </>
        }
        hints={[
          'If GELU were odd (GELU(−x) = −GELU(x)), flipping a neuron would be a symmetry and the change would be 0. It is not: for large negative x it is near 0, for large positive x near x.',
          'GELU(x) + GELU(−x) = x·Φ(x) − x·Φ(−x) = x·(2Φ(x) − 1). Look Φ(x) up (or use erf: Φ(x) = (1 + erf(x/√2))/2).',
        ]}
        solution={
          <>
            x·(2Φ(x) − 1) ={' '}
            <span data-testid="solution-value">
              {flipX.value !== undefined
                ? (gelu(flipX.value) + gelu(-flipX.value)).toFixed(4)
                : '…'}
            </span>
            . Not zero, so the sign flip is not a symmetry, as exercise 2 found.
          </>
        }
      >
        <NumberAnswer value={state.flip} onInput={(flip) => update({ flip })} />
      </Exercise>
      <Exercise
        n={5}
        id="ch3.notebook"
        kind="notebook"
        disabled={!ready}
        check={() =>
          Promise.resolve(
            expected.value
              ? checkNotebookOutput(state.notebook, expected.value)
              : { ok: false, message: 'The expected output is still being computed.' },
          )
        }
        answer={state.notebook}
        task={
          <>
            In a notebook: permute gelu-1l’s MLP neurons in TransformerLens (a random permutation,
            applied to W_in’s columns, b_in and W_out’s rows), and check that the logits on “
            {SURE_PROMPT}” do not change. Paste what it prints.
          </>
        }
        hints={[
          'A permutation of the neurons commutes with the GELU, which acts on each neuron alone; so permuting W_in, b_in and W_out together gives the same function.',
          'Index the neuron axis: W_in is [d_model, d_mlp] (neurons are columns), W_out is [d_mlp, d_model] (neurons are rows). Write in place under torch.no_grad().',
        ]}
        solution={<>Run the code as given; it prints the expected output shown under it.</>}
      >
        <NotebookCode code={code} expected={expected.value ?? undefined} modelId="gelu-1l" />
        <PromptInput
          label="What your notebook printed"
          value={state.notebook}
          onInput={(notebook) => update({ notebook })}
        />
      </Exercise>
    </ExerciseSet>
  );
}
