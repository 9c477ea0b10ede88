import { useUrlState } from '../kit/use-url-state';
import { Exercise, ExercisePrompt, ExerciseSet, promptField, useModels } from '../kit';

import {
  checkConfident,
  checkFluent,
  checkSizes,
  FLUENT_LOSS,
  FLUENT_MIN_TOKENS,
} from './exercises';

const MODEL = 'attn-only-2l';

const schema = {
  confident: promptField(''),
  fluent: promptField(''),
  sizes: promptField(''),
};

/**
 * Chapter 1's exercises, each checked by running the shipped model on the
 * reader's answer: a confident prediction, a fluent passage, and the prompt
 * length at which one layer's activations outnumber its parameters.
 */
export default function Exercises() {
  const [state, update] = useUrlState(schema, 'ex1');
  const m = useModels([MODEL]);
  const ready = m.status.kind === 'ready';
  return (
    <ExerciseSet name="ch1-exercises" model={m} modelId={MODEL}>
      <Exercise
        n={1}
        task="Write a prompt after which the model puts more than half its probability on a single next token."
        check={() => checkConfident(m.model!, m.tokenizer!, state.confident)}
        disabled={!ready}
      >
        <ExercisePrompt
          model={m}
          value={state.confident}
          onInput={(confident) => update({ confident })}
        />
      </Exercise>
      <Exercise
        n={2}
        task={`Write a passage of at least ${FLUENT_MIN_TOKENS} tokens on which the model’s mean loss is below ${FLUENT_LOSS} nats. (Hint: what did it read in training? What can it copy?)`}
        check={() => checkFluent(m.model!, m.tokenizer!, state.fluent)}
        disabled={!ready}
      >
        <ExercisePrompt
          model={m}
          label="Your passage"
          value={state.fluent}
          onInput={(fluent) => update({ fluent })}
          rows={3}
        />
      </Exercise>
      <Exercise
        n={3}
        task="Find the shortest prompt on which layer 0’s attention patterns (all heads, hook_pattern) hold more numbers than layer 0 has parameters. Work it out first, then check."
        check={() => checkSizes(m.model!, m.tokenizer!, state.sizes)}
        disabled={!ready}
      >
        <ExercisePrompt
          model={m}
          value={state.sizes}
          onInput={(sizes) => update({ sizes })}
          rows={3}
        />
      </Exercise>
    </ExerciseSet>
  );
}
