import Figure from '../kit/Figure';
import {
  Exercise,
  fitToContext,
  formatNumber,
  loadRuntime,
  promptField,
  PromptInput,
  useModels,
} from '../kit';
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import { useUrlState } from '../kit/use-url-state';
import './ch5.css';

const schema = {
  a: promptField('It rained all day. We stayed in and read'),
  b: promptField('The parrot sat on a branch. Everyone loved the'),
};

/**
 * Attention from the last token to full stops, for head `l.h`: passes when it
 * is above one half.
 */
export async function checkFullStop(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
  l: number,
  h: number,
): Promise<{ ok: boolean; message: string; mass: number }> {
  const tokens = fitToContext(tokenizer.encode(text), model.config.n_ctx);
  if (tokens.length < 2) return { ok: false, message: 'Write at least two tokens.', mass: 0 };
  const r = await model.run(tokens, { hooks: [`blocks.${l}.attn.hook_pattern`], logits: false });
  const n = r.length;
  const p = r.hooks[`blocks.${l}.attn.hook_pattern`].data;
  const strings = tokenizer.tokenStrings(tokens);
  let mass = 0;
  for (let k = 0; k < n; k++) if (strings[k].includes('.')) mass += p[(h * n + (n - 1)) * n + k];
  return {
    ok: mass > 0.5,
    mass,
    message: `From the last token “${strings[n - 1]}”, head ${l}.${h} puts ${formatNumber(mass)} of its attention on full stops.`,
  };
}

/**
 * Passes when the one-layer model's top prediction at the end of `text` is a
 * token already in it that the direct path (bigrams) alone would not pick.
 */
export async function checkCopy(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<{ ok: boolean; message: string }> {
  const tokens = fitToContext(tokenizer.encode(text), model.config.n_ctx);
  if (tokens.length < 2) return { ok: false, message: 'Write at least two tokens.' };
  const rt = await loadRuntime();
  const r = await model.run(tokens);
  const d_vocab = model.config.d_vocab;
  const last = r.logits!.data.subarray((r.length - 1) * d_vocab, r.length * d_vocab);
  const top = rt.topK(last, 1)[0].index;
  const bigramTop = rt.topK(rt.directPath(model.weights).row(tokens[tokens.length - 1]), 1)[0]
    .index;
  const name = tokenizer.tokenStrings([top])[0];
  const earlier = tokens.slice(0, -1).includes(top);
  const ok = earlier && top !== bigramTop;
  const why = !earlier
    ? 'which does not appear earlier in your text'
    : top === bigramTop
      ? 'which appears earlier, but it is also what the direct path (bigrams) alone predicts: find a token the heads must copy'
      : 'which appears earlier in your text, and which the bigram table alone would not pick';
  return { ok, message: `The one-layer model's top prediction is “${name}”, ${why}.` };
}

/** The exercises at the end of chapter 5, checked by the live models. */
export default function ExercisesCh5({ head = '0.0' }: { head?: string }) {
  const [state, update] = useUrlState(schema, 'ex5');
  const live = useModels(['attn-only-2l', 'attn-only-1l']);
  const [twoModel, oneModel] = live.models ?? [];
  const two = { model: twoModel, tokenizer: live.tokenizer };
  const one = { model: oneModel, tokenizer: live.tokenizer };
  const [l, h] = head.split('.').map(Number);
  const status = live.status;
  return (
    <Figure
      name="exercises-5"
      title="Exercises"
      status={status}
      onRetry={live.retry}
      backend={live.badge}
    >
      <Exercise
        n={1}
        task={
          <>
            Write a text whose last token makes head {head} of attn-only-2l put more than half of
            its attention on full stops.
          </>
        }
        disabled={!two.model || !two.tokenizer}
        check={() => checkFullStop(two.model!, two.tokenizer!, state.a, l, h)}
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
        disabled={!one.model || !one.tokenizer}
        check={() => checkCopy(one.model!, one.tokenizer!, state.b)}
      >
        <PromptInput
          label="Your text for exercise 2"
          value={state.b}
          onInput={(b) => update({ b })}
        />
      </Exercise>
    </Figure>
  );
}
