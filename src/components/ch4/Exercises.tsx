import {
  field,
  formatPercent,
  parseHead,
  PromptInput,
  promptField,
  Select,
  useComputation,
  useModels,
} from '../kit';
import { Exercise, ExerciseSet } from '../kit/Exercise';
import { checkNotebookOutput, NotebookCode, NumberAnswer } from '../kit/ExerciseInputs';
import { useUrlState } from '../kit/use-url-state';
import {
  checkComposition,
  checkHandScore,
  checkRead,
  checkShare,
  handVariant,
  handNorms,
  notebookExpected,
  READ_TARGET,
  SHARE_TARGET,
} from './exercises';
import code from './notebook.py?raw';
import { useStudentSeed } from '../kit/use-exercise-progress';

const L0 = Array.from({ length: 8 }, (_, h) => `0.${h}`);
const L1 = Array.from({ length: 8 }, (_, h) => `1.${h}`);
const HEADS = [...L0, ...L1];

const schema = {
  reader1: field.oneOf(L1, '1.0'),
  guess1: field.oneOf(['', ...L0], ''),
  head2: field.oneOf(HEADS, '1.0'),
  prompt2: promptField(''),
  writer3: field.oneOf(L0, '0.0'),
  reader3: field.oneOf(L1, '1.0'),
  prompt3: promptField(''),
  hand: field.text('', 40),
  notebook: field.text('', 400),
};

/** Head index of one of the pickers' `L.H` values. */
const headOf = (name: string) => parseHead(name)!.head;

/**
 * The end-of-chapter exercises of chapter 4, checked on the spot by
 * attn-only-2l: predict K-composition from the weights, make a head's query
 * read far more of the stream than chance, and find where a layer-0 head
 * supplies most of what a layer-1 key reads.
 */
export default function Exercises() {
  const m = useModels(['attn-only-2l']);
  const [s, update] = useUrlState(schema, 'ex4');
  const ready = Boolean(m.model && m.tokenizer);
  const seed = useStudentSeed();
  const pair = handVariant(seed);
  const norms = useComputation(
    () => (m.model ? handNorms(m.model, pair) : undefined),
    [m.model, pair.writer, pair.reader],
  );
  const expected = useComputation(
    () => (m.model ? notebookExpected(m.model) : undefined),
    [m.model],
  );

  return (
    <ExerciseSet name="exercises-ch4" chapter={4} model={m} modelId="attn-only-2l">
      <Exercise
        n={1}
        id="ch4.composition"
        kind="predict"
        disabled={!ready || s.guess1 === ''}
        check={() => checkComposition(m.model!, m.tokenizer!, headOf(s.reader1), headOf(s.guess1))}
        answer={`${s.reader1} ← ${s.guess1}`}
        task={
          <>
            Choose a layer-1 head and predict which layer-0 head its keys read most, by
            K-composition score. Use the reading-and-writing figure or your intuition, not the grid.
          </>
        }
        hints={[
          'K-composition is strong when what a layer-0 head writes (its OV circuit) lands in what the layer-1 head’s keys read (its QK circuit). Induction heads in layer 1 build keys from “the token before”: which layer-0 head writes that?',
          'Look for the previous-token head of layer 0: the attention figures of chapter 5 show one head that attends from each token to the one before it.',
        ]}
        solution={
          <>
            For the layer-1 heads that do induction, the answer is the previous-token head of layer
            0. The chapter’s composition grid (and the instructor page) list the winner for each
            layer-1 head; the check names it once you guess right.
          </>
        }
      >
        <div class="kit-controls">
          <Select
            label="Layer-1 head"
            value={s.reader1}
            options={L1.map((v) => ({ value: v, label: v }))}
            onChange={(reader1) => update({ reader1 })}
          />
          <Select
            label="Your guess"
            value={s.guess1}
            options={[{ value: '', label: 'choose' }, ...L0.map((v) => ({ value: v, label: v }))]}
            onChange={(guess1) => update({ guess1 })}
          />
        </div>
      </Exercise>
      <Exercise
        n={2}
        id="ch4.read"
        kind="prompt"
        disabled={!ready}
        check={() => checkRead(m.model!, m.tokenizer!, s.prompt2, parseHead(s.head2)!)}
        answer={`${s.head2}: ${s.prompt2}`}
        task={
          <>
            Pick a head and write a prompt of natural text (not the chapter’s own example) at whose
            last token the head's query reads at least {formatPercent(READ_TARGET)} of the residual
            stream, three times what a random 16-dimensional subspace holds.
          </>
        }
        hints={[
          'A head reads through a 16-dimensional window of a 128-dimensional stream. It reads much where the stream at that token lies along the directions its W_Q cares about: where the token is one the head is built to respond to.',
          'Layer-0 heads read the token and position embeddings directly, so their share depends mostly on the last token. Try short prompts ending on a very common word, and several layer-0 heads.',
        ]}
        solution={
          <>
            Head 0.2 on “Thus saith the”: its query reads about 40% of the stream at “ the”. Many
            layer-0 heads pass on some common last token.
          </>
        }
      >
        <div class="kit-controls">
          <Select
            label="Head"
            value={s.head2}
            options={HEADS.map((v) => ({ value: v, label: v }))}
            onChange={(head2) => update({ head2 })}
          />
        </div>
        <PromptInput
          value={s.prompt2}
          onInput={(prompt2) => update({ prompt2 })}
          label="Your prompt"
        />
      </Exercise>
      <Exercise
        n={3}
        id="ch4.share"
        kind="prompt"
        disabled={!ready}
        check={() =>
          checkShare(m.model!, m.tokenizer!, s.prompt3, headOf(s.writer3), headOf(s.reader3))
        }
        answer={`${s.writer3} → ${s.reader3}: ${s.prompt3}`}
        task={
          <>
            Pick a layer-0 writer and a layer-1 reader, and write a prompt of natural text where, at
            some position after the first, the writer supplies at least{' '}
            {formatPercent(SHARE_TARGET)} of what the reader's key reads.
          </>
        }
        hints={[
          'A layer-1 key reads the sum of everything written before it. For one writer to supply most of it, the two heads must K-compose strongly: start from exercise 1’s answer.',
          'Choose the previous-token head of layer 0 as the writer and an induction head of layer 1 as the reader; then almost any sentence shows the share at some position.',
        ]}
        solution={
          <>
            Writer 0.3, reader 1.2, on “It rained all day, so we stayed in and read.”: at some early
            position head 0.3 supplies about all of what 1.2’s key reads.
          </>
        }
      >
        <div class="kit-controls">
          <Select
            label="Writer (layer 0)"
            value={s.writer3}
            options={L0.map((v) => ({ value: v, label: v }))}
            onChange={(writer3) => update({ writer3 })}
          />
          <Select
            label="Reader's key (layer 1)"
            value={s.reader3}
            options={L1.map((v) => ({ value: v, label: v }))}
            onChange={(reader3) => update({ reader3 })}
          />
        </div>
        <PromptInput
          value={s.prompt3}
          onInput={(prompt3) => update({ prompt3 })}
          label="Your prompt"
        />
      </Exercise>
      <Exercise
        n={4}
        id="ch4.hand"
        kind="numeric"
        disabled={!ready || !norms.value}
        check={() => checkHandScore(m.model!, s.hand, pair)}
        answer={s.hand}
        task={
          <>
            Compute by hand the K-composition score of head 0.{pair.writer} into head 1.
            {pair.reader}’s keys, from these Frobenius norms of the live weights: ‖W_OV‖ ={' '}
            {norms.value?.ov.toFixed(4) ?? '…'}, ‖W_QK‖ = {norms.value?.qk.toFixed(4) ?? '…'}, ‖W_OV
            W_QKᵀ‖ = {norms.value?.product.toFixed(4) ?? '…'}.
            {seed && <> (Your variant, for student seed {seed}.)</>}
          </>
        }
        hints={[
          'A composition score asks how much of the product survives, compared with what the two matrices could give if they were perfectly aligned: the norm of the product over the product of the norms.',
          'Divide ‖W_OV W_QKᵀ‖ by ‖W_OV‖ × ‖W_QK‖. The result lies between 0 and 1.',
        ]}
        solution={
          <>
            ‖W_OV W_QKᵀ‖ / (‖W_OV‖ ‖W_QK‖) ={' '}
            <span data-testid="solution-value">{norms.value?.score.toFixed(4) ?? '…'}</span>, the
            value in the chapter’s composition grid.
          </>
        }
      >
        <NumberAnswer value={s.hand} onInput={(hand) => update({ hand })} />
      </Exercise>
      <Exercise
        n={5}
        id="ch4.notebook"
        kind="notebook"
        disabled={!ready}
        check={() =>
          Promise.resolve(
            expected.value
              ? checkNotebookOutput(s.notebook, expected.value)
              : { ok: false, message: 'The expected output is still being computed.' },
          )
        }
        answer={s.notebook}
        task={
          <>
            In a notebook: compute the K-composition score of head 0.3 into head 1.2 from the
            TransformerLens weights of attn-only-2l. Paste what it prints.
          </>
        }
        hints={[
          'W_OV of a head is W_V[h] @ W_O[h] and W_QK is W_Q[h] @ W_K[h].T, both [d_model, d_model], from model.blocks[l].attn.',
          'K-composition multiplies what the earlier head writes into what the later head’s keys read: the norm of W_OV @ W_QK.T over the product of the two norms.',
        ]}
        solution={<>Run the code as given; it prints the expected output shown under it.</>}
      >
        <NotebookCode code={code} expected={expected.value ?? undefined} modelId="attn-only-2l" />
        <PromptInput
          label="What your notebook printed"
          value={s.notebook}
          onInput={(notebook) => update({ notebook })}
        />
      </Exercise>
    </ExerciseSet>
  );
}
