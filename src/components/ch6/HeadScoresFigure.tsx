import Figure from '../kit/Figure';
import {
  loadRuntime,
  promptField,
  PromptInput,
  RunState,
  seedField,
  TryThis,
  useComputation,
  useModelPrompt,
} from '../kit';

import { useUrlState } from '../kit/use-url-state';
import { HeadScoreGrid } from './HeadScoreGrid';
import { RepeatControls } from './RepeatControls';

const DEFAULT_TEXT =
  'Mr Dursley was the director of a firm called Grunnings. Mr Dursley had a small son called Dudley, and Mr Dursley thought Dudley was the finest boy anywhere.';
const schema = {
  text: promptField(DEFAULT_TEXT),
  seed: seedField(),
};

const PERIOD = 40;

/**
 * Head scores: previous-token, duplicate-token and induction scores for every
 * head, on the reader's own prompt and on a seeded repeated random sequence.
 */
export default function HeadScoresFigure({ prefix = 'hs' }: { prefix?: string }) {
  const [state, update, reset] = useUrlState(schema, prefix);
  const live = useModelPrompt(['attn-only-2l'], state.text, (text) => update({ text }));
  const { model, ids } = live;

  const own = useComputation(async () => {
    if (!model || ids.length < 2) return undefined;
    const { n_layers } = model.config;
    const r = await model.runLatest(`${prefix}-own`, ids, {
      hooks: Array.from({ length: n_layers }, (_, l) => `blocks.${l}.attn.hook_pattern`),
      logits: false,
    });
    if (!r) return null;
    const rt = await loadRuntime();
    const pats = Array.from(
      { length: n_layers },
      (_, l) => r.hooks[`blocks.${l}.attn.hook_pattern`],
    );
    const ind = pats.map((p) => rt.prefixMatchingScores(p, ids));
    return {
      prev: pats.map((p) => rt.prevTokenScores(p)),
      dup: pats.map((p) => rt.duplicateScoresOn(p, ids).scores),
      ind: ind.map((s) => s.scores),
      queries: ind[0].queries,
    };
  }, [model, ids.join(','), live.backendVersion]);

  const rand = useComputation(async () => {
    if (!model) return undefined;
    const rt = await loadRuntime();
    const r = await rt.runRepeat(model, PERIOD, state.seed, { channel: `${prefix}-rand` });
    if (!r) return null;
    const m = r.rows[0];
    return { prev: m.prevToken, dup: m.duplicate, ind: m.induction };
  }, [model, state.seed, live.backendVersion]);

  const cfg = model?.config;
  const grid = (title: string, rows: Float64Array[]) =>
    cfg && (
      <div>
        <p class="kit-subhead">{title}</p>
        <HeadScoreGrid config={cfg} scores={rows} label={title} legendTitle="mean attention" />
      </div>
    );
  return (
    <Figure
      name="head-scores"
      title="Head scores: previous-token, duplicate-token, induction"
      model={live}
      python={[
        ...(ids.length >= 2
          ? [
              {
                label: 'on your text',
                state: {
                  kind: 'text-scores' as const,
                  model: 'attn-only-2l',
                  prompt: state.text,
                },
              },
            ]
          : []),
        {
          label: 'on random tokens',
          state: {
            kind: 'repeat-scores' as const,
            model: 'attn-only-2l',
            period: PERIOD,
            seed: state.seed,
          },
        },
      ]}
      caption={
        <>
          Each score is a mean attention weight in [0, 1], measured live on attn-only-2l. On your
          prompt the induction score averages, over positions whose token occurred before, the
          attention paid to the tokens that followed its earlier occurrences.
        </>
      }
    >
      <PromptInput {...live.input} label="Your prompt (repeat some words)" rows={3} />
      <RepeatControls seedLabel="Seed of the random repeat" state={state} onChange={update} />
      <RunState run={[own, rand]} onReset={reset} />
      {own.value && (
        <div
          data-testid="scores-own"
          data-key={Array.from(own.value.ind[own.value.ind.length - 1], (x: number) =>
            x.toFixed(4),
          ).join(',')}
        >
          <p class="kit-subhead">On your prompt</p>
          {own.value.queries === 0 && (
            <p class="kit-note" role="status">
              No token of your prompt occurs twice, so there is nothing to match: the induction and
              duplicate scores are 0. Repeat a word.
            </p>
          )}
          <div class="kit-grid">
            {grid('Previous-token score on your prompt', own.value.prev)}
            {grid('Duplicate-token score on your prompt', own.value.dup)}
            {grid('Induction score on your prompt', own.value.ind)}
          </div>
        </div>
      )}
      {rand.value && (
        <div data-testid="scores-rand">
          <p class="kit-subhead">
            On {PERIOD} random tokens, repeated (seed {state.seed})
          </p>
          <div class="kit-grid">
            {grid('Previous-token score on random repeats', rand.value.prev)}
            {grid('Duplicate-token score on random repeats', rand.value.dup)}
            {grid('Induction score on random repeats', rand.value.ind)}
          </div>
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Delete the repeated names from your prompt: the induction and duplicate scores fall to 0.',
          },
          {
            text: 'Compare the two sets: does the same head lead on natural text and on random repeats?',
          },
          {
            text: 'Try a list with a repeated structure: “red apple, green pear, red apple, green pear”.',
            apply: () =>
              update({
                text: 'red apple, green pear, blue plum, red apple, green pear, blue plum',
              }),
          },
        ]}
      />
    </Figure>
  );
}
