import { useState } from 'preact/hooks';
import {
  type CheckResult,
  DEFAULT_PROMPT,
  Exercise,
  ExerciseSet,
  fitToContext,
  formatNumber,
  formatPercent,
  loadRuntime,
  PromptInput,
  Select,
  useModels,
} from '../kit';

const L0 = Array.from({ length: 8 }, (_, h) => `0.${h}`);
const L1 = Array.from({ length: 8 }, (_, h) => `1.${h}`);

/** Exercise 2's bar: twice what a random 16-dimensional subspace of R^128 holds. */
export const READ_TARGET = 0.25;

/**
 * The end-of-chapter exercises of chapter 4, checked on the spot by
 * attn-only-2l: predict K-composition from the weights, make a head's query
 * read far more of the stream than chance, and find where a layer-0 head
 * supplies most of what a layer-1 key reads.
 */
export default function Exercises4() {
  const m = useModels(['attn-only-2l']);
  const model = m.model;
  const tokenizer = m.tokenizer;
  const ready = Boolean(model && tokenizer);
  const [reader1, setReader1] = useState('1.0');
  const [guess1, setGuess1] = useState('0.0');
  const [head2, setHead2] = useState('1.0');
  const [prompt2, setPrompt2] = useState('The cat sat on the mat.');
  const [writer3, setWriter3] = useState('0.0');
  const [reader3, setReader3] = useState('1.0');
  const [prompt3, setPrompt3] = useState(DEFAULT_PROMPT);

  const ids = (text: string) =>
    model && tokenizer ? fitToContext(tokenizer.encode(text), model.config.n_ctx) : [];

  const check1 = async (): Promise<CheckResult> => {
    if (!model) return { ok: false, message: 'The model is still loading.' };
    const L = await loadRuntime();
    const b = Number(reader1.slice(2));
    const scores = L.compositionScores(model.weights, 0, 1, 'K');
    const column = Array.from({ length: 8 }, (_, a) => scores[a * 8 + b]);
    const best = column.indexOf(Math.max(...column));
    const g = Number(guess1.slice(2));
    return {
      ok: best === g,
      message: `Head ${reader1}'s keys compose most with head 0.${best} (score ${formatNumber(column[best])}); your choice 0.${g} scores ${formatNumber(column[g])}.`,
    };
  };

  const check2 = async (): Promise<CheckResult> => {
    if (!model) return { ok: false, message: 'The model is still loading.' };
    const t = ids(prompt2);
    if (!t.length) return { ok: false, message: 'Type a prompt first.' };
    const L = await loadRuntime();
    const [l, h] = head2.split('.').map(Number);
    const U = L.readSubspace(model.weights, l, h, 'Q').basis;
    const hook = `blocks.${l}.hook_resid_pre`;
    const r = await model.run(t, { hooks: [hook], logits: false });
    const d = model.config.d_model;
    const x = r.hooks[hook].data.subarray((t.length - 1) * d, t.length * d);
    const f = L.projectionFraction(x, U);
    return {
      ok: f >= READ_TARGET,
      message: `At the last token head ${head2}'s query reads ${formatPercent(f)} of the stream (target ${formatPercent(READ_TARGET)}; a random subspace gets 12.5%).`,
    };
  };

  const check3 = async (): Promise<CheckResult> => {
    if (!model) return { ok: false, message: 'The model is still loading.' };
    const t = ids(prompt3);
    if (t.length < 2) return { ok: false, message: 'Type a longer prompt first.' };
    const L = await loadRuntime();
    const [, h] = reader3.split('.').map(Number);
    const r = await model.run(t, {
      hooks: [
        'hook_embed',
        'hook_pos_embed',
        'blocks.0.attn.hook_result',
        'blocks.1.hook_resid_pre',
      ],
      logits: false,
    });
    const shares = L.readShares(model.weights, r.hooks, { layer: 1, head: h, input: 'K' });
    const mine = shares.find((s) => s.writer === writer3)!.share;
    let best = 1;
    for (let p = 1; p < mine.length; p++) if (mine[p] > mine[best]) best = p;
    const v = mine[best] ?? mine[0];
    const token = tokenizer ? tokenizer.tokenStrings([t[best]])[0] : String(t[best]);
    return {
      ok: v >= 0.5,
      message: `Largest share after position 0: ${formatPercent(v)} of what ${reader3}'s key reads at position ${best} (“${token}”) comes from head ${writer3} (target 50%).`,
    };
  };

  return (
    <ExerciseSet name="exercises-ch4" model={m} modelId="attn-only-2l">
      <Exercise
        n={1}
        disabled={!ready}
        check={check1}
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
        check={check2}
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
        check={check3}
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
