import { ExerciseSet, Exercise, parseHead, promptField, PromptInput, useModels } from '../kit';
import { useUrlState } from '../kit/use-url-state';
import { checkCopy, checkFullStop } from './exercises';
import './ch5.css';

const schema = {
  a: promptField('It rained all day. We stayed in and read'),
  b: promptField('The parrot sat on a branch. Everyone loved the'),
};

/** The exercises at the end of chapter 5, checked by the live models. */
export default function Exercises({ head = '0.0' }: { head?: string }) {
  const [state, update] = useUrlState(schema, 'ex5');
  const live = useModels(['attn-only-2l', 'attn-only-1l']);
  const [two, one] = live.models ?? [];
  const tokenizer = live.tokenizer;
  const id = parseHead(head) ?? { layer: 0, head: 0 };
  return (
    <ExerciseSet name="exercises-5" model={live} modelId={['attn-only-2l', 'attn-only-1l']}>
      <Exercise
        n={1}
        task={
          <>
            Write a text whose last token makes head {head} of attn-only-2l put more than half of
            its attention on full stops.
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
        task={
          <>
            Write a text after which attn-only-1l's most likely next token already appeared in the
            text, and is not the one the bigram table (the direct path) alone would pick.
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
    </ExerciseSet>
  );
}
