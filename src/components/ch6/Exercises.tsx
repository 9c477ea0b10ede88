import { field, promptField, PromptInput, useComputation, useModels } from '../kit';
import { Exercise, ExerciseSet } from '../kit/Exercise';
import {
  checkNotebookOutput,
  NotebookCode,
  NumberAnswer,
  PredictChoice,
} from '../kit/ExerciseInputs';
import { useUrlState } from '../kit/use-url-state';
import {
  checkDropPredict,
  checkGap,
  checkName,
  checkStripe,
  dropOutcome,
  DROP_OPTIONS,
  notebookExpected,
  RANDOM_PERIOD,
  stripeVariant,
  stripeValues,
} from './exercises';
import code from './notebook.py?raw';
import { useStudentSeed } from '../kit/use-exercise-progress';

const schema = {
  a: promptField("The ship's cat was called Brindlewick Oskarsson. Nobody knew where"),
  b: promptField(''),
  c: field.oneOf(['', ...DROP_OPTIONS], ''),
  d: field.text('', 40),
  e: field.text('', 400),
};

/** The exercises at the end of chapter 6, checked by the live models. */
export default function Exercises() {
  const [state, update] = useUrlState(schema, 'ex6');
  const live = useModels(['attn-only-2l', 'attn-only-1l']);
  const [two, one] = live.models ?? [];
  const tokenizer = live.tokenizer;
  const drop = useComputation(() => (one ? dropOutcome(one) : undefined), [one]);
  const seed = useStudentSeed();
  const sv = stripeVariant(seed);
  const stripe = useComputation(
    () => (two ? stripeValues(two, sv) : undefined),
    [two, sv.seed, sv.head],
  );
  const expected = useComputation(() => (two ? notebookExpected(two) : undefined), [two]);
  return (
    <ExerciseSet
      name="exercises-6"
      chapter={6}
      model={live}
      modelId={['attn-only-2l', 'attn-only-1l']}
    >
      <Exercise
        n={1}
        id="ch6.name"
        kind="prompt"
        answer={state.a}
        task={
          <>
            Invent a name of three or more tokens, use it twice in natural sentences (not the
            chapter’s own example), and get attn-only-2l to give the repeated tokens a mean
            probability above 0.5.
          </>
        }
        hints={[
          'Induction predicts the token that followed the current token last time. Inside the second use of the name each token has such a precedent, except the first: the model cannot know the name is coming.',
          'Induction is surer of a token when the tokens before it also match: names of several tokens, whose pieces are rare elsewhere in the text, give the induction heads a long, unambiguous precedent. Try a few names; the tokenizer splits some far better than others.',
        ]}
        solution={
          <>
            “Our neighbour is called Quentin Zarkov. We like Quentin Zarkov” gives the repeated
            tokens a mean probability above 0.5. Many names reach 0.3-0.45; the pieces of the name
            matter.
          </>
        }
        disabled={!two || !tokenizer}
        check={() => checkName(two!, tokenizer!, state.a)}
      >
        <PromptInput
          label="Your text for exercise 1"
          value={state.a}
          onInput={(a) => update({ a })}
        />
      </Exercise>
      <Exercise
        n={2}
        id="ch6.gap"
        kind="prompt"
        answer={state.b}
        task={
          <>
            Write a text of natural words (not the chapter’s own example) on whose repeated tokens
            the two-layer model's loss is more than 1 nat below the one-layer model's.
          </>
        }
        hints={[
          'The one-layer model can copy a token it saw, but not tell which token comes next in a repeated sequence; the two-layer model, with induction heads, can. Your text needs repeats whose next token only induction predicts.',
          'Repeat something the model cannot guess from English alone, such as an invented name or an unusual phrase, so the bigram guesses fail and only induction can help.',
        ]}
        solution={
          <>
            “Our neighbour is called Zorblat Quimby. We like Zorblat Quimby”: the gap is several
            nats. A repeated common phrase gives less, because both models already predict it.
          </>
        }
        disabled={!two || !one || !tokenizer}
        check={() => checkGap(one!, two!, tokenizer!, state.b)}
      >
        <PromptInput
          label="Your text for exercise 2"
          value={state.b}
          onInput={(b) => update({ b })}
        />
      </Exercise>
      <Exercise
        n={3}
        id="ch6.drop"
        kind="predict"
        task={
          <>
            Predict, then check: take {RANDOM_PERIOD} random tokens and say them twice. How does the
            one-layer model’s loss on the second copy compare with the first? Commit your
            prediction; the model runs when you check.
          </>
        }
        disabled={!one}
        check={() => checkDropPredict(one!, state.c)}
        answer={state.c}
        hints={[
          'On the second copy, every next token appeared in the text already. A model that could tell which token follows which would get it nearly right; one that can only copy tokens it sees has fifty candidates.',
          'A one-layer model has no previous-token head to build an induction head on: it can raise every token of the first copy a little, not pick the right one.',
        ]}
        solution={
          <>
            {drop.value
              ? `${drop.value.first.toFixed(2)} nats on the first copy, ${drop.value.second.toFixed(2)} on the second`
              : '…'}
            :{' '}
            {drop.value?.truth === 'much'
              ? 'much lower'
              : drop.value?.truth === 'little'
                ? 'a little lower'
                : 'higher'}
            . Without induction, copying buys a one-layer model little.
          </>
        }
      >
        <PredictChoice
          value={state.c}
          options={[
            { value: 'much', label: 'much lower (by 2 nats or more)' },
            { value: 'little', label: 'a little lower (by less than 2 nats)' },
            { value: 'higher', label: 'higher' },
          ]}
          onChange={(c) => update({ c })}
        />
      </Exercise>
      <Exercise
        n={4}
        id="ch6.stripe"
        kind="numeric"
        task={
          <>
            Compute by hand. On {sv.period} random tokens said twice, head 1.{sv.head} of
            attn-only-2l puts this much attention from each token of the second copy on the token
            just after that token’s first occurrence:{' '}
            {stripe.value ? stripe.value.map((v) => v.toFixed(3)).join(', ') : '…'}. What is its
            induction score on this sequence?
            {seed && <> (Your variant, for student seed {seed}.)</>}
          </>
        }
        disabled={!two || !stripe.value}
        check={() => checkStripe(two!, state.d, sv)}
        answer={state.d}
        hints={[
          'An induction head attends from a repeated token to the token that followed it last time: the stripe one below the diagonal offset by the period. Its score is how much attention it puts there on average.',
          'Take the mean of the numbers shown.',
        ]}
        solution={
          <>
            The mean,{' '}
            <span data-testid="solution-value">
              {stripe.value
                ? (stripe.value.reduce((a, b) => a + b, 0) / stripe.value.length).toFixed(3)
                : '…'}
            </span>
            .
          </>
        }
      >
        <NumberAnswer value={state.d} onInput={(d) => update({ d })} />
      </Exercise>
      <Exercise
        n={5}
        id="ch6.notebook"
        kind="notebook"
        task={
          <>
            In a notebook: compute the induction score of every layer-1 head of attn-only-2l on 50
            tokens said twice, from TransformerLens’s cache. Paste what it prints.
          </>
        }
        disabled={!two}
        check={() =>
          Promise.resolve(
            expected.value
              ? checkNotebookOutput(state.e, expected.value)
              : { ok: false, message: 'The expected output is still being computed.' },
          )
        }
        answer={state.e}
        hints={[
          'cache["blocks.1.attn.hook_pattern"] is [batch, head_index, query_pos, key_pos]. For a sequence of period L said twice, the induction stripe is the diagonal at offset −(L − 1).',
          'Take pattern[h].diagonal(offset=-(L - 1)), drop its first entry (query L − 1, still in the first copy), and average.',
        ]}
        solution={<>Run the code as given; it prints the expected output shown under it.</>}
      >
        <NotebookCode code={code} expected={expected.value ?? undefined} modelId="attn-only-2l" />
        <PromptInput
          label="What your notebook printed"
          value={state.e}
          onInput={(e) => update({ e })}
        />
      </Exercise>
    </ExerciseSet>
  );
}
