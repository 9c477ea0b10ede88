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
    <ExerciseSet name="ch2-exercises" model={m} modelId={MODEL}>
      <Exercise
        n={1}
        task="Find a prompt where, at the last position, some single head’s direct contribution to the model’s top prediction is larger than the token embedding’s."
        check={() => checkBeat(m.model!, m.tokenizer!, state.beat)}
        disabled={!ready}
      >
        <ExercisePrompt model={m} value={state.beat} onInput={(beat) => update({ beat })} />
      </Exercise>
      <Exercise
        n={2}
        task="Choose a head and a prompt such that switching that one head off changes the model’s top prediction at the last position."
        check={() => checkKnock(m.model!, m.tokenizer!, state.knock, head)}
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
        task={`Find a prompt whose final top prediction is not even in the top ${LENS_RANK} of the logit lens after the embedding: a prediction the current token alone could not make.`}
        check={() => checkLens(m.model!, m.tokenizer!, state.lens)}
        disabled={!ready}
      >
        <ExercisePrompt model={m} value={state.lens} onInput={(lens) => update({ lens })} />
      </Exercise>
    </ExerciseSet>
  );
}
