import { ExerciseSet, Exercise, parseHead, promptField, PromptInput, useModels } from '../kit';
import { useUrlState } from '../kit/use-url-state';
import { checkCopy, checkFullStop, MIN_WORDS } from './exercises';
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
    </ExerciseSet>
  );
}
