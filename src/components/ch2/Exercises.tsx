import { useUrlState } from '../kit/use-url-state';
import {
  Exercise,
  ExercisePrompt,
  ExerciseSet,
  headField,
  headName,
  HeadPicker,
  parseHead,
  promptField,
  useModels,
} from '../kit';

import { checkBeat, checkKnock, checkLens, LENS_RANK } from './exercises';

const MODEL = 'attn-only-2l';

const schema = {
  beat: promptField(''),
  knock: promptField(''),
  head: headField({ layer: 1, head: 0 }),
  lens: promptField(''),
};

/**
 * Chapter 2's exercises, checked by the live model: a head whose direct
 * effect beats the token embedding, one head whose removal changes the
 * answer, and a prediction the embedding alone could not make.
 */
export default function Exercises() {
  const [state, update] = useUrlState(schema, 'ex2');
  const m = useModels([MODEL]);
  const cfg = m.model?.config;
  const ready = m.status.kind === 'ready';
  const head =
    cfg && state.head.layer < cfg.n_layers && state.head.head < cfg.n_heads
      ? state.head
      : { layer: 0, head: 0 };
  return (
    <ExerciseSet name="ch2-exercises" chapter={2} model={m} modelId={MODEL}>
      <Exercise
        n={1}
        id="ch2.beat"
        kind="prompt"
        task="Find a prompt of natural text (not the chapter’s own example) where, at the last position, some single head’s direct contribution to the model’s top prediction is larger than the token embedding’s."
        check={() => checkBeat(m.model!, m.tokenizer!, state.beat)}
        answer={state.beat}
        hints={[
          'The token embedding’s direct path is a bigram table: it wins where the last token alone says what comes next. A head wins where the answer depends on tokens further back.',
          'Make the next token depend on context: a phrase whose continuation is set by a word several tokens earlier, as in a well-known verse cut off mid-sentence.',
        ]}
        solution={
          <>
            “And God said, Let there be light: and there was” — the top prediction gets more from
            head 1.1 than from the embedding of “ was”. Direct logit attribution (the first figure)
            shows the split.
          </>
        }
        disabled={!ready}
      >
        <ExercisePrompt model={m} value={state.beat} onInput={(beat) => update({ beat })} />
      </Exercise>
      <Exercise
        n={2}
        id="ch2.knock"
        kind="prompt"
        task="Choose a head and a prompt of natural text (not the chapter’s own example) such that switching that one head off changes the model’s top prediction at the last position."
        check={() => checkKnock(m.model!, m.tokenizer!, state.knock, head)}
        answer={`${headName(head)}: ${state.knock}`}
        hints={[
          'Switching a head off matters only where the answer rests on what that head moves. Which heads in layer 1 move information from earlier tokens?',
          'Use the ablation figure’s sweep on a prompt of your own to see which head moves the top prediction most, and choose a prompt where the favourite is not far ahead of the runner-up.',
        ]}
        solution={
          <>
            Head 1.3 with “And the LORD spake unto Moses,”: with every head the model predicts “
            saying”; without 1.3 it predicts something else.
          </>
        }
        disabled={!ready}
      >
        {cfg && (
          <HeadPicker
            nLayers={cfg.n_layers}
            nHeads={cfg.n_heads}
            mode="single"
            label="Head to switch off"
            selected={[headName(head)]}
            onChange={(s) => {
              const h = parseHead(s[0]);
              if (h) update({ head: h });
            }}
          />
        )}
        <ExercisePrompt model={m} value={state.knock} onInput={(knock) => update({ knock })} />
      </Exercise>
      <Exercise
        n={3}
        id="ch2.lens"
        kind="prompt"
        task={`Find a prompt of natural text whose final top prediction is not even in the top ${LENS_RANK} of the logit lens after the embedding: a prediction the current token alone could not make.`}
        check={() => checkLens(m.model!, m.tokenizer!, state.lens)}
        answer={state.lens}
        hints={[
          'The logit lens after the embedding reads the stream before any head has written: it is what the last token alone suggests. You need a last token that, alone, points somewhere else.',
          'End on a common function word (“was”, “and”) whose usual continuations differ from what the sentence as a whole calls for.',
        ]}
        solution={
          <>
            “And God said, Let there be light: and there was” — after the embedding alone the final
            answer ranks below {LENS_RANK}; the heads lift it to first place.
          </>
        }
        disabled={!ready}
      >
        <ExercisePrompt model={m} value={state.lens} onInput={(lens) => update({ lens })} />
      </Exercise>
    </ExerciseSet>
  );
}
