import { useUrlState } from '../kit/use-url-state';
import {
  headField,
  headName,
  field,
  HeadPicker,
  parseHead,
  useComputation,
  promptField,
  useModels,
} from '../kit';
import { Exercise, ExercisePrompt, ExerciseSet } from '../kit/Exercise';
import {
  checkNotebookOutput,
  NotebookCode,
  NumberAnswer,
  PredictChoice,
} from '../kit/ExerciseInputs';

import {
  ABLATE_HEAD,
  ABLATE_OPTIONS,
  ABLATE_PROMPT,
  ablateOutcome,
  checkAblatePredict,
  checkBeat,
  checkKnock,
  checkLens,
  checkSum,
  sumVariant,
  LENS_RANK,
  notebookExpected,
  SUM_PROMPT,
  sumTerms,
} from './exercises';
import code from './notebook.py?raw';
import { useStudentSeed } from '../kit/use-exercise-progress';

const MODEL = 'attn-only-2l';

const schema = {
  beat: promptField(''),
  knock: promptField(''),
  head: headField({ layer: 1, head: 0 }),
  lens: promptField(''),
  sum: field.text('', 40),
  ablate: field.oneOf(['', ...ABLATE_OPTIONS], ''),
  notebook: field.text('', 400),
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
  const seed = useStudentSeed();
  const hidden = sumVariant(seed);
  const sums = useComputation(
    () => (m.model && m.tokenizer ? sumTerms(m.model, m.tokenizer) : undefined),
    [m.model, m.tokenizer],
  );
  const ablation = useComputation(
    () => (m.model && m.tokenizer ? ablateOutcome(m.model, m.tokenizer) : undefined),
    [m.model, m.tokenizer],
  );
  const expected = useComputation(
    () => (m.model && m.tokenizer ? notebookExpected(m.model, m.tokenizer) : undefined),
    [m.model, m.tokenizer],
  );
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
      <Exercise
        n={4}
        id="ch2.sum"
        kind="numeric"
        task={
          <>
            Compute by hand. After “{SUM_PROMPT}” the model’s top token is “{sums.value?.token}”
            with logit {sums.value ? sums.value.logit.toFixed(3) : '…'}. Here is every component’s
            direct contribution to that logit except head {hidden}’s. What is head {hidden}’s?
            {seed && <> (Your variant, for student seed {seed}.)</>}
          </>
        }
        check={() => checkSum(m.model!, m.tokenizer!, state.sum, hidden)}
        answer={state.sum}
        hints={[
          'With no LayerNorm the residual stream at the last position is the sum of what every component wrote, and the logit is that sum dotted with the token’s unembedding column, plus b_U. So the logit is the sum of the direct contributions.',
          `Add up all the listed contributions (b_U included) and subtract the total from the logit: what is left is head ${hidden}’s.`,
        ]}
        solution={
          <>
            Head {hidden} contributes{' '}
            <span data-testid="solution-value">
              {sums.value
                ? sums.value.terms.find((t) => t.component === hidden)!.value.toFixed(3)
                : '…'}
            </span>
            : the logit minus the sum of the other terms (the direct logit attribution figure shows
            the same split).
          </>
        }
        disabled={!ready || !sums.value}
      >
        {sums.value && (
          <table class="kit-table" data-testid="sum-terms">
            <thead>
              <tr>
                <th scope="col">component</th>
                <th scope="col">direct contribution</th>
              </tr>
            </thead>
            <tbody>
              {sums.value.terms
                .filter((t) => t.component !== hidden)
                .map((t) => (
                  <tr key={t.component}>
                    <td>{t.component}</td>
                    <td>{t.value.toFixed(3)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
        <NumberAnswer
          label={`Head ${hidden}’s contribution`}
          value={state.sum}
          onInput={(sum) => update({ sum })}
        />
      </Exercise>
      <Exercise
        n={5}
        id="ch2.ablate"
        kind="predict"
        task={
          <>
            Predict, then check: after “{ABLATE_PROMPT}”, will switching off head{' '}
            {headName(ABLATE_HEAD)} (the previous-token head of layer 0) change the model’s top
            prediction? Commit your prediction; the model runs when you check.
          </>
        }
        check={() => checkAblatePredict(m.model!, m.tokenizer!, state.ablate)}
        answer={state.ablate}
        hints={[
          'Switching a head off removes everything it writes, including what later heads read from it. Ask what the top prediction depends on: the last token alone (the direct path), or information moved from earlier tokens.',
          'Head 0.3 moves each token’s identity one position on. The layer-1 heads that build on it need that; a prediction carried by the bigram “the → LORD” does not.',
        ]}
        solution={
          <>
            {ablation.value ? ablation.value.message : '…'} The top prediction{' '}
            {ablation.value?.truth === 'same' ? 'stays the same' : 'changes'}.
          </>
        }
        disabled={!ready}
      >
        <PredictChoice
          value={state.ablate}
          options={[
            { value: 'same', label: 'the top prediction stays the same' },
            { value: 'changes', label: 'the top prediction changes' },
          ]}
          onChange={(ablate) => update({ ablate })}
        />
      </Exercise>
      <Exercise
        n={6}
        id="ch2.notebook"
        kind="notebook"
        task={
          <>
            In a notebook: read the logit lens of {MODEL} after “{SUM_PROMPT}” with
            TransformerLens’s cache: the top token the unembedding reads off the residual stream
            before each layer and at the end. Paste what it prints.
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
          'run_with_cache returns the logits and a cache indexed by hook name; cache["blocks.1.hook_resid_pre"] is the stream after layer 0, [batch, pos, d_model].',
          'Multiply the last position’s residual vector by model.unembed.W_U and add model.unembed.b_U; the argmax is the lens’s top token.',
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
          rows={3}
        />
      </Exercise>
    </ExerciseSet>
  );
}
