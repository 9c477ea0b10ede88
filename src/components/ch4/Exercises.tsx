import { useState } from 'preact/hooks';
import {
  DEFAULT_PROMPT,
  Exercise,
  ExerciseSet,
  formatPercent,
  parseHead,
  PromptInput,
  Select,
  useModels,
} from '../kit';
import { checkComposition, checkRead, checkShare, READ_TARGET } from './exercises';

const L0 = Array.from({ length: 8 }, (_, h) => `0.${h}`);
const L1 = Array.from({ length: 8 }, (_, h) => `1.${h}`);

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
  const ready = Boolean(m.model && m.tokenizer);
  const [reader1, setReader1] = useState('1.0');
  const [guess1, setGuess1] = useState('0.0');
  const [head2, setHead2] = useState('1.0');
  const [prompt2, setPrompt2] = useState('The cat sat on the mat.');
  const [writer3, setWriter3] = useState('0.0');
  const [reader3, setReader3] = useState('1.0');
  const [prompt3, setPrompt3] = useState(DEFAULT_PROMPT);

  return (
    <ExerciseSet name="exercises-ch4" model={m} modelId="attn-only-2l">
      <Exercise
        n={1}
        disabled={!ready}
        check={() => checkComposition(m.model!, m.tokenizer!, headOf(reader1), headOf(guess1))}
        task={
          <>
            Choose a layer-1 head and predict which layer-0 head its keys read most, by
            K-composition score. Use the reading-and-writing figure or your intuition, not the grid.
          </>
        }
      >
        <div class="kit-controls">
          <Select
            label="Layer-1 head"
            value={reader1}
            options={L1.map((v) => ({ value: v, label: v }))}
            onChange={setReader1}
          />
          <Select
            label="Your guess"
            value={guess1}
            options={L0.map((v) => ({ value: v, label: v }))}
            onChange={setGuess1}
          />
        </div>
      </Exercise>
      <Exercise
        n={2}
        disabled={!ready}
        check={() => checkRead(m.model!, m.tokenizer!, prompt2, parseHead(head2)!)}
        task={
          <>
            Pick a head and write a prompt at whose last token the head's query reads at least{' '}
            {formatPercent(READ_TARGET)} of the residual stream, twice what a random 16-dimensional
            subspace holds.
          </>
        }
      >
        <div class="kit-controls">
          <Select
            label="Head"
            value={head2}
            options={[...L0, ...L1].map((v) => ({ value: v, label: v }))}
            onChange={setHead2}
          />
        </div>
        <PromptInput value={prompt2} onInput={setPrompt2} label="Your prompt" />
      </Exercise>
      <Exercise
        n={3}
        disabled={!ready}
        check={() => checkShare(m.model!, m.tokenizer!, prompt3, headOf(writer3), headOf(reader3))}
        task={
          <>
            Pick a layer-0 writer and a layer-1 reader, and write a prompt where, at some position
            after the first, the writer supplies at least half of what the reader's key reads.
          </>
        }
      >
        <div class="kit-controls">
          <Select
            label="Writer (layer 0)"
            value={writer3}
            options={L0.map((v) => ({ value: v, label: v }))}
            onChange={setWriter3}
          />
          <Select
            label="Reader's key (layer 1)"
            value={reader3}
            options={L1.map((v) => ({ value: v, label: v }))}
            onChange={setReader3}
          />
        </div>
        <PromptInput value={prompt3} onInput={setPrompt3} label="Your prompt" />
      </Exercise>
    </ExerciseSet>
  );
}
