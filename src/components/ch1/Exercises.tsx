import { useUrlState } from '../kit/use-url-state';
import { Exercise, ExercisePrompt, ExerciseSet, promptField, useModels } from '../kit';

import {
  checkConfident,
  checkFluent,
  checkSizes,
  FLUENT_LOSS,
  FLUENT_MIN_TOKENS,
  MAX_REPEAT,
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
    <ExerciseSet name="ch1-exercises" chapter={1} model={m} modelId={MODEL}>
      <Exercise
        n={1}
        id="ch1.confident"
        kind="prompt"
        task="Write a prompt of natural text, saying nothing twice, after which the model puts more than half its probability on a single next token."
        check={() => checkConfident(m.model!, m.tokenizer!, state.confident)}
        answer={state.confident}
        hints={[
          'A model is confident where its training text was predictable. What did this model read, and which phrases there always continue the same way?',
          'Part of its corpus is the King James Bible, whose formulas repeat thousands of times: think of the three words before “LORD”.',
        ]}
        solution={
          <>
            “Thus saith the” gives “ LORD” more than half the probability. Set phrases of the
            training text work; copying does not count here, so the prompt may not say any span
            twice.
          </>
        }
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
        id="ch1.fluent"
        kind="prompt"
        task={`Write a passage of natural text, at least ${FLUENT_MIN_TOKENS} tokens long and saying no span of ${MAX_REPEAT} tokens twice, on which the model’s mean loss is below ${FLUENT_LOSS} nats.`}
        check={() => checkFluent(m.model!, m.tokenizer!, state.fluent)}
        answer={state.fluent}
        hints={[
          'Loss is low where every next token is predictable from what came before. Ordinary prose is not: which text did the model see so often that it nearly knows it by heart?',
          'The King James Bible is in its training corpus. A verse that opens a speech of the LORD to Moses is as predictable as text gets.',
        ]}
        solution={
          <>
            “And the LORD spake unto Moses, saying, Speak unto the children of Israel” has a mean
            loss well below {FLUENT_LOSS} nats. Repeating your own text would also lower the loss,
            but that is copying (chapter 6), so the check refuses it.
          </>
        }
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
        id="ch1.sizes"
        kind="prompt"
        task="Find the shortest prompt on which layer 0’s attention patterns (all heads, hook_pattern) hold more numbers than layer 0 has parameters. Only the number of tokens matters, so any text of the right length is right. Work it out first, then check."
        check={() => checkSizes(m.model!, m.tokenizer!, state.sizes)}
        answer={state.sizes}
        hints={[
          'Layer 0’s patterns hold one number per head, query and key: n_heads × n². Its parameters do not depend on the prompt at all. Count them from the anatomy figure.',
          'Layer 0’s attention has W_Q, W_K, W_V, W_O and their biases. Solve n_heads × n² > parameters for the smallest whole n; “ a” repeated n times is n tokens.',
        ]}
        solution={
          <>
            With P parameters in layer 0’s attention and 8 heads, the shortest length is n =
            ⌊√(P/8)⌋ + 1 (the check prints P). Any prompt of exactly n tokens passes, for example “
            a” repeated n times.
          </>
        }
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
