import { field, parseHead, promptField, PromptInput, useComputation, useModels } from '../kit';
import { Exercise, ExerciseSet } from '../kit/Exercise';
import {
  checkNotebookOutput,
  NotebookCode,
  NumberAnswer,
  PredictChoice,
} from '../kit/ExerciseInputs';
import { judgePrediction, optionProbabilities } from '../kit/exercise-answers';
import { useUrlState } from '../kit/use-url-state';
import {
  checkCopy,
  checkEigen,
  checkFullStop,
  checkNamePredict,
  eigenSums,
  eigenVariant,
  MIN_WORDS,
  NAME_OPTIONS,
  NAME_PROMPT,
  notebookExpected,
} from './exercises';
import code from './notebook.py?raw';
import { useStudentSeed } from '../kit/use-exercise-progress';
import './ch5.css';

const schema = {
  a: promptField('It rained all day. We stayed in and read'),
  b: promptField('The parrot sat on a branch. Everyone loved the'),
  c: field.oneOf(['', ...NAME_OPTIONS], ''),
  d: field.text('', 40),
  e: field.text('', 400),
};

/** The exercises at the end of chapter 5, checked by the live models. */
export default function Exercises({ head = '0.0' }: { head?: string }) {
  const [state, update] = useUrlState(schema, 'ex5');
  const live = useModels(['attn-only-2l', 'attn-only-1l']);
  const [two, one] = live.models ?? [];
  const tokenizer = live.tokenizer;
  const id = parseHead(head) ?? { layer: 0, head: 0 };
  const nameProbs = useComputation(
    () =>
      one && tokenizer ? optionProbabilities(one, tokenizer, NAME_PROMPT, NAME_OPTIONS) : undefined,
    [one, tokenizer],
  );
  const seed = useStudentSeed();
  const eh = eigenVariant(seed);
  const sums = useComputation(
    () => (two ? eigenSums(two, eh) : undefined),
    [two, eh.layer, eh.head],
  );
  const expected = useComputation(() => (one ? notebookExpected(one) : undefined), [one]);
  return (
    <ExerciseSet
      name="exercises-5"
      chapter={5}
      model={live}
      modelId={['attn-only-2l', 'attn-only-1l']}
    >
      <Exercise
        n={1}
        id="ch5.full-stop"
        kind="prompt"
        answer={state.a}
        task={
          <>
            Write a text of at least {MIN_WORDS} real words whose last token makes head {head} of
            attn-only-2l put more than half of its attention on full stops.
          </>
        }
        hints={[
          <>
            A head’s attention from the last token is set by its QK circuit: the query of that token
            against the key of each earlier one. Which last tokens make head {head}’s query look for
            sentence ends? Use the attention explorer.
          </>,
          <>
            Try ending your text on a full stop itself, after a few short sentences: in many layer-0
            heads a full stop attends to the full stops before it.
          </>,
        ]}
        solution={
          <>
            For head 0.0: “And God said, Let there be light: and there was light.” — from the final
            full stop the head puts most of its attention on the earlier full stop and itself.
          </>
        }
        disabled={!two || !tokenizer}
        check={() => checkFullStop(two!, tokenizer!, state.a, id)}
      >
        <PromptInput
          label="Your text for exercise 1"
          value={state.a}
          onInput={(a) => update({ a })}
        />
      </Exercise>
      <Exercise
        n={2}
        id="ch5.copy"
        kind="prompt"
        answer={state.b}
        task={
          <>
            Write a text of natural words after which attn-only-1l's most likely next token already
            appeared in the text, and is not the one the bigram table (the direct path) alone would
            pick.
          </>
        }
        hints={[
          'A one-layer model copies with its OV circuits: a head that attends to a token can raise the logit of that same token. You need the heads, not the bigram table, to decide the answer.',
          'Repeat a phrase and stop in the middle of its second telling, at a word whose usual follower (by the bigram table) is something else.',
        ]}
        solution={
          <>
            “The parrot sat on a branch. Everyone loved the parrot. The parrot sat on a” — the
            model’s top guess appeared earlier, and the bigram table alone would pick another.
          </>
        }
        disabled={!one || !tokenizer}
        check={() => checkCopy(one!, tokenizer!, state.b)}
      >
        <PromptInput
          label="Your text for exercise 2"
          value={state.b}
          onInput={(b) => update({ b })}
        />
      </Exercise>
      <Exercise
        n={3}
        id="ch5.name"
        kind="predict"
        task={
          <>
            Predict, then check: after “{NAME_PROMPT}”, which of these will attn-only-1l find most
            likely next? (The check compares the probability of each option’s first token.) Commit
            your prediction; the model runs when you check.
          </>
        }
        disabled={!one || !tokenizer}
        check={() => checkNamePredict(one!, tokenizer!, state.c)}
        answer={state.c}
        hints={[
          'A one-layer model has only skip-trigrams: “this token here, that token earlier, so this next”. It can raise a token it sees earlier in the text, if its heads attend to it and copy.',
          'Does “ Quentin” earlier followed by “ Zarkov” help a one-layer model? It can attend to “ Zarkov” and copy it; it cannot know that “ Zarkov” came right after “ Quentin”.',
        ]}
        solution={
          <>
            {nameProbs.value
              ? judgePrediction(NAME_OPTIONS[0], nameProbs.value).message.replace(
                  /^You predicted .*?\. /,
                  '',
                )
              : '…'}{' '}
            A one-layer model can attend to “ Zarkov” and copy it, but it cannot know that “ Zarkov”
            followed “ Quentin”: that takes the induction heads of chapter 6.
          </>
        }
      >
        <PredictChoice
          value={state.c}
          options={NAME_OPTIONS.map((o) => ({ value: o, label: `“${o}”` }))}
          onChange={(c) => update({ c })}
        />
      </Exercise>
      <Exercise
        n={4}
        id="ch5.eigen"
        kind="numeric"
        task={
          <>
            Compute by hand. The full OV circuit of attn-only-2l’s head {eh.layer}.{eh.head}, W_E
            W_OV W_U, has eigenvalues λ (at most d_head of them non-zero) with Σ Re λ ={' '}
            {sums.value?.re.toFixed(4) ?? '…'} and Σ |λ| = {sums.value?.abs.toFixed(4) ?? '…'}. What
            is its copying score?
            {seed && <> (Your variant, for student seed {seed}.)</>}
          </>
        }
        disabled={!two || !sums.value}
        check={() => checkEigen(two!, state.d, eh)}
        answer={state.d}
        hints={[
          'A head copies when attending to a token raises that same token’s logit: its full OV circuit then has mostly positive eigenvalues. The copying score measures how positive.',
          'The score is Σ Re λ / Σ |λ|: 1 when every eigenvalue is positive, −1 when every one is negative.',
        ]}
        solution={
          <>
            Σ Re λ / Σ |λ| ={' '}
            <span data-testid="solution-value">{sums.value?.score.toFixed(3) ?? '…'}</span>: the
            head copies, as an induction head must.
          </>
        }
      >
        <NumberAnswer value={state.d} onInput={(d) => update({ d })} />
      </Exercise>
      <Exercise
        n={5}
        id="ch5.notebook"
        kind="notebook"
        task={
          <>
            In a notebook: compute the copying score of every head of attn-only-1l from its
            TransformerLens weights, through the small d_head × d_head side. Paste what it prints.
          </>
        }
        disabled={!one}
        check={() =>
          Promise.resolve(
            expected.value
              ? checkNotebookOutput(state.e, expected.value)
              : { ok: false, message: 'The expected output is still being computed.' },
          )
        }
        answer={state.e}
        hints={[
          'The full OV circuit W_E W_V W_O W_U is d_vocab × d_vocab, but it has rank d_head: the non-zero eigenvalues of AB are those of BA. Put W_E at the end and W_V at the start of the small product.',
          'torch.linalg.eigvals of W_O[h] @ W_U @ W_E @ W_V[h] (in float64) gives them; then Σ Re λ / Σ |λ|.',
        ]}
        solution={<>Run the code as given; it prints the expected output shown under it.</>}
      >
        <NotebookCode code={code} expected={expected.value ?? undefined} modelId="attn-only-1l" />
        <PromptInput
          label="What your notebook printed"
          value={state.e}
          onInput={(e) => update({ e })}
        />
      </Exercise>
    </ExerciseSet>
  );
}
