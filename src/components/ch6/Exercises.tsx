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

const schema = {
  a: promptField("The ship's cat was called Brindlewick Oskarsson. Nobody knew where"),
  b: promptField('red green blue red green blue'),
};

/**
 * Positions i whose next token induction could supply: token i occurred
 * before, and was followed then by the token that follows it now.
 */
export async function inductivePositions(tokens: readonly number[]): Promise<number[]> {
  const rt = await loadRuntime();
  const out: number[] = [];
  for (let i = 0; i + 1 < tokens.length; i++)
    if (rt.prefixMatches(tokens, i).some((k) => tokens[k] === tokens[i + 1])) out.push(i);
  return out;
}

/** Mean loss and mean probability of the true next token at `positions`. */
export async function lossOn(model: HookedModel, tokens: number[], positions: number[]) {
  const rt = await loadRuntime();
  const r = await model.run(tokens);
  const loss = rt.perPositionLoss(r.logits!, tokens);
  const ls = positions.map((p) => loss[p]);
  return {
    loss: ls.reduce((a, b) => a + b, 0) / ls.length,
    prob: ls.reduce((a, b) => a + Math.exp(-b), 0) / ls.length,
  };
}

/** Passes when a span of 3+ tokens repeats and the model gives its repeated tokens mean probability > 0.5. */
export async function checkName(model: HookedModel, tokenizer: Tokenizer, text: string) {
  const tokens = fitToContext(tokenizer.encode(text), model.config.n_ctx);
  const pos = await inductivePositions(tokens);
  // Consecutive inductive positions: a repeated span of (run length + 1) tokens.
  let longest = 0;
  let run = 0;
  for (let k = 0; k < pos.length; k++) {
    run = k > 0 && pos[k] === pos[k - 1] + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  if (longest < 2)
    return { ok: false, message: 'No span of three or more tokens appears twice yet.' };
  const { prob } = await lossOn(model, tokens, pos);
  return {
    ok: prob > 0.5,
    message: `On the ${pos.length} tokens that repeat what followed an earlier occurrence, the model gives the right token a mean probability of ${formatNumber(prob)}.`,
  };
}

/** Passes when the two-layer model's loss on the repeated tokens is more than 1 nat below the one-layer model's. */
export async function checkGap(
  one: HookedModel,
  two: HookedModel,
  tokenizer: Tokenizer,
  text: string,
) {
  const tokens = fitToContext(tokenizer.encode(text), two.config.n_ctx);
  const pos = await inductivePositions(tokens);
  if (pos.length === 0) return { ok: false, message: 'Nothing in your text repeats yet.' };
  const a = await lossOn(one, tokens, pos);
  const b = await lossOn(two, tokens, pos);
  return {
    ok: a.loss - b.loss > 1,
    message: `On the ${pos.length} repeated tokens: one layer ${formatNumber(a.loss)} nats, two layers ${formatNumber(b.loss)} nats (gap ${formatNumber(a.loss - b.loss)}).`,
  };
}

/** The exercises at the end of chapter 6, checked by the live models. */
export default function ExercisesCh6() {
  const [state, update] = useUrlState(schema, 'ex6');
  const live = useModels(['attn-only-2l', 'attn-only-1l']);
  const [twoModel, oneModel] = live.models ?? [];
  const two = { model: twoModel, tokenizer: live.tokenizer };
  const one = { model: oneModel, tokenizer: live.tokenizer };
  const status = live.status;
  return (
    <Figure
      name="exercises-6"
      title="Exercises"
      status={status}
      onRetry={live.retry}
      backend={live.badge}
    >
      <Exercise
        n={1}
        task={
          <>
            Invent a name of three or more tokens, use it twice, and get attn-only-2l to give the
            repeated tokens a mean probability above 0.5.
          </>
        }
        disabled={!two.model || !two.tokenizer}
        check={() => checkName(two.model!, two.tokenizer!, state.a)}
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
            Write a text on whose repeated tokens the two-layer model's loss is more than 1 nat
            below the one-layer model's.
          </>
        }
        disabled={!two.model || !one.model || !two.tokenizer}
        check={() => checkGap(one.model!, two.model!, two.tokenizer!, state.b)}
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
