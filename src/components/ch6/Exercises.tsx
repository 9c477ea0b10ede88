import { ExerciseSet, Exercise, promptField, PromptInput, useModels } from '../kit';
import { useUrlState } from '../kit/use-url-state';
import { checkGap, checkName } from './exercises';

const schema = {
  a: promptField("The ship's cat was called Brindlewick Oskarsson. Nobody knew where"),
  b: promptField(''),
};

/** The exercises at the end of chapter 6, checked by the live models. */
export default function Exercises() {
  const [state, update] = useUrlState(schema, 'ex6');
  const live = useModels(['attn-only-2l', 'attn-only-1l']);
  const [two, one] = live.models ?? [];
  const tokenizer = live.tokenizer;
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
    </ExerciseSet>
  );
}
