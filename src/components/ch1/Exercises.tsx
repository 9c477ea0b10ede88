import { useUrlState } from '../kit/use-url-state';
import { field, formatCount, promptField, useComputation, useModels } from '../kit';
import { Exercise, ExercisePrompt, ExerciseSet } from '../kit/Exercise';
import {
  checkNotebookOutput,
  NotebookCode,
  NumberAnswer,
  PredictChoice,
} from '../kit/ExerciseInputs';
import { judgePrediction, optionProbabilities } from '../kit/exercise-answers';
import code from './notebook.py?raw';

import {
  checkConfident,
  checkFluent,
  checkSizes,
  FLUENT_LOSS,
  FLUENT_MIN_TOKENS,
  MAX_REPEAT,
  checkParams,
  parameterCount,
  checkPredict,
  notebookExpected,
  PREDICT_OPTIONS,
  PREDICT_PROMPT,
} from './exercises';

const MODEL = 'attn-only-2l';

const schema = {
  confident: promptField(''),
  fluent: promptField(''),
  sizes: promptField(''),
  predict: field.oneOf(['', ...PREDICT_OPTIONS], ''),
  params: field.text('', 40),
  notebook: field.text('', 400),
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
  const expected = useComputation(
    () => (m.model && m.tokenizer ? notebookExpected(m.model, m.tokenizer) : undefined),
    [m.model, m.tokenizer],
  );
  const cfg = m.model?.config;
  const predicted = useComputation(
    () =>
      m.model && m.tokenizer
        ? optionProbabilities(m.model, m.tokenizer, PREDICT_PROMPT, PREDICT_OPTIONS)
        : undefined,
    [m.model, m.tokenizer],
  );
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
      <Exercise
        n={4}
        id="ch1.predict"
        kind="predict"
        task={
          <>
            Predict, then check: after “{PREDICT_PROMPT}”, which of these continuations will the
            model find most likely? Commit your prediction; the model runs when you check.
          </>
        }
        check={() => checkPredict(m.model!, m.tokenizer!, state.predict)}
        answer={state.predict}
        hints={[
          'The model predicts from what it read in training and from what is in the prompt. A model this small learns short, frequent patterns much better than the meaning of a verse.',
          'Think about which word most often follows “ was” in its training text, and whether a two-layer model can copy “ light” from earlier in the prompt.',
        ]}
        solution={
          <>
            {predicted.value
              ? judgePrediction(PREDICT_OPTIONS[0], predicted.value).message.replace(
                  /^You predicted .*?\. /,
                  '',
                )
              : '…'}{' '}
            The favourite is “ no” (“and there was no …” is frequent in the King James Bible), not
            the verse’s own “ light”: the model knows frequent continuations, not the text by heart.
          </>
        }
        disabled={!ready}
      >
        <PredictChoice
          value={state.predict}
          options={PREDICT_OPTIONS.map((o) => ({ value: o, label: `“${o}”` }))}
          onChange={(predict) => update({ predict })}
        />
      </Exercise>
      <Exercise
        n={5}
        id="ch1.params"
        kind="numeric"
        task={
          <>
            Count by hand: how many parameters does {MODEL} have? Its sizes are d_vocab{' '}
            {cfg?.d_vocab}, d_model {cfg?.d_model}, n_ctx {cfg?.n_ctx}, {cfg?.n_layers} layers of{' '}
            {cfg?.n_heads} heads with d_head {cfg?.d_head}; its tensors are{' '}
            {cfg?.weight_names.join(', ')}.
          </>
        }
        check={() => checkParams(m.model!, state.params)}
        answer={state.params}
        hints={[
          'Each tensor’s shape follows from its TransformerLens name: W_E is [d_vocab, d_model], W_Q is [n_heads, d_model, d_head], b_Q is [n_heads, d_head], W_O is [n_heads, d_head, d_model], b_O is [d_model]. Multiply out each and add.',
          'Per layer: 3 × n_heads·d_model·d_head (W_Q, W_K, W_V) + n_heads·d_head·d_model (W_O) + 3 × n_heads·d_head + d_model (biases). Then add W_E, W_pos, W_U and b_U once.',
        ]}
        solution={
          <>
            <span data-testid="solution-value">
              {m.model ? formatCount(parameterCount(m.model)) : '…'}
            </span>{' '}
            parameters: the sum of the sizes of the tensors listed in the task, with the shapes of
            the hint (computed here from the shipped weights).
          </>
        }
        disabled={!ready}
      >
        <NumberAnswer
          label="Number of parameters"
          value={state.params}
          onInput={(params) => update({ params })}
        />
      </Exercise>
      <Exercise
        n={6}
        id="ch1.notebook"
        kind="notebook"
        task={
          <>
            In a notebook: load the shipped {MODEL} into TransformerLens and print its most likely
            next token after “Thus saith the” with its probability. Paste what it prints.
          </>
        }
        check={() =>
          Promise.resolve(
            expected.value
              ? checkNotebookOutput(state.notebook, expected.value)
              : { ok: false, message: 'The expected output is still being computed.' },
          )
        }
        answer={state.notebook}
        hints={[
          'The code loads the state dict into a HookedTransformer built from the config; model(tokens) returns logits [batch, pos, d_vocab]. Tokens must come from the book’s tokenizer, with no BOS token.',
          'Take the last position’s logits, apply softmax over the vocabulary, and print repr() of the decoded top token and its probability to three decimals, as the code does.',
        ]}
        solution={<>Run the code as given; it prints the expected output shown under it.</>}
        disabled={!ready}
      >
        <NotebookCode code={code} expected={expected.value ?? undefined} modelId={MODEL} />
        <ExercisePrompt
          model={m}
          label="What your notebook printed"
          value={state.notebook}
          onInput={(notebook) => update({ notebook })}
          rows={2}
        />
      </Exercise>
    </ExerciseSet>
  );
}
