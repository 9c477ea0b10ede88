import { ExerciseSet, Exercise, promptField, PromptInput, useModels } from '../kit';
import { useUrlState } from '../kit/use-url-state';
import { checkGap, checkName } from './exercises';

const schema = {
  a: promptField("The ship's cat was called Brindlewick Oskarsson. Nobody knew where"),
  b: promptField('red green blue red green blue'),
};

/** The exercises at the end of chapter 6, checked by the live models. */
export default function Exercises() {
  const [state, update] = useUrlState(schema, 'ex6');
  const live = useModels(['attn-only-2l', 'attn-only-1l']);
  const [two, one] = live.models ?? [];
  const tokenizer = live.tokenizer;
  return (
    <ExerciseSet name="exercises-6" model={live} modelId={['attn-only-2l', 'attn-only-1l']}>
      <Exercise
        n={1}
        task={
          <>
            Invent a name of three or more tokens, use it twice, and get attn-only-2l to give the
            repeated tokens a mean probability above 0.5.
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
        task={
          <>
            Write a text on whose repeated tokens the two-layer model's loss is more than 1 nat
            below the one-layer model's.
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
