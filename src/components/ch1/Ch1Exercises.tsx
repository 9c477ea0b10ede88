import Figure from '../Figure';
import { useUrlState } from '../use-url-state';
import {
  Exercise,
  fitToContext,
  formatCount,
  formatNumber,
  formatPercent,
  PromptInput,
  promptField,
  useModel,
  type CheckResult,
} from '../kit';
import type { FigureModel } from '../kit';

const MODEL = 'attn-only-2l';

const schema = {
  confident: promptField(''),
  fluent: promptField(''),
  sizes: promptField(''),
};

/** Target mean loss for exercise 2, in nats; see the chapter's claims test for what the shipped model reaches. */
export const FLUENT_LOSS = 3;
/** Least number of tokens for exercise 2, so a two-token prompt cannot win. */
export const FLUENT_MIN_TOKENS = 12;

async function run(m: FigureModel, text: string) {
  const model = m.model!;
  const ids = fitToContext(m.tokenizer!.encode(text), model.config.n_ctx);
  if (ids.length === 0) throw new Error('type a prompt first');
  return { model, ids };
}

async function checkConfident(m: FigureModel, text: string): Promise<CheckResult> {
  const { model, ids } = await run(m, text);
  const r = await model.run(ids);
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const [top] = topPredictions(logitsAt(r.logits!, ids.length - 1), 1);
  const tok = m.tokenizer!.tokenStrings([top.id])[0];
  return top.prob > 0.5
    ? { ok: true, message: `The model gives “${tok}” ${formatPercent(top.prob)}.` }
    : {
        ok: false,
        message: `Its favourite, “${tok}”, gets only ${formatPercent(top.prob)}. Keep going.`,
      };
}

async function checkFluent(m: FigureModel, text: string): Promise<CheckResult> {
  const { model, ids } = await run(m, text);
  if (ids.length < FLUENT_MIN_TOKENS)
    return {
      ok: false,
      message: `Only ${ids.length} tokens; write at least ${FLUENT_MIN_TOKENS}.`,
    };
  const r = await model.run(ids);
  const { perPositionLoss } = await import('../../model/metrics');
  const loss = perPositionLoss(r.logits!, ids);
  const mean = loss.reduce((a, b) => a + b, 0) / loss.length;
  return mean < FLUENT_LOSS
    ? { ok: true, message: `Mean loss ${formatNumber(mean)} nats over ${ids.length} tokens.` }
    : {
        ok: false,
        message: `Mean loss ${formatNumber(mean)} nats; the target is below ${FLUENT_LOSS}.`,
      };
}

async function checkSizes(m: FigureModel, text: string): Promise<CheckResult> {
  const { model, ids } = await run(m, text);
  const hook = 'blocks.0.attn.hook_pattern';
  const r = await model.run(ids, { hooks: [hook], logits: false });
  const patterns = r.hooks[hook].shape.reduce((a, b) => a * b, 1);
  let params = 0;
  for (const name of model.config.weight_names)
    if (name.startsWith('blocks.0.attn.')) params += model.weights.get(name).data.length;
  // One token fewer: n_heads * (n - 1)^2 values.
  const fewer = model.config.n_heads * (ids.length - 1) ** 2;
  const msg = `${ids.length} tokens: layer 0's patterns hold ${formatCount(patterns)} numbers; its parameters ${formatCount(params)}.`;
  if (patterns <= params) return { ok: false, message: `${msg} Not yet more.` };
  if (fewer > params)
    return { ok: false, message: `${msg} More, but a shorter prompt would do too.` };
  return { ok: true, message: `${msg} The shortest such prompt.` };
}

/**
 * Chapter 1's exercises, each checked by running the shipped model on the
 * reader's answer: a confident prediction, a fluent passage, and the prompt
 * length at which one layer's activations outnumber its parameters.
 */
export default function Ch1Exercises() {
  const [state, update] = useUrlState(schema, 'ex1');
  const m = useModel(MODEL);
  const count = (t: string) => (m.tokenizer ? m.tokenizer.encode(t).length : undefined);
  const ready = m.status.kind === 'ready';
  return (
    <Figure
      name="ch1-exercises"
      title="Exercises, checked by the model"
      status={m.status}
      onRetry={m.retry}
      backend={m.badge}
      caption={<>Each check runs {MODEL} on your answer, here in your browser.</>}
    >
      <Exercise
        n={1}
        task="Write a prompt after which the model puts more than half its probability on a single next token."
        check={() => checkConfident(m, state.confident)}
        disabled={!ready}
      >
        <PromptInput
          label="Your prompt"
          value={state.confident}
          onInput={(confident) => update({ confident })}
          tokenCount={count(state.confident)}
          nCtx={m.model?.config.n_ctx}
        />
      </Exercise>
      <Exercise
        n={2}
        task={`Write a passage of at least ${FLUENT_MIN_TOKENS} tokens on which the model’s mean loss is below ${FLUENT_LOSS} nats. (Hint: what did it read in training? What can it copy?)`}
        check={() => checkFluent(m, state.fluent)}
        disabled={!ready}
      >
        <PromptInput
          label="Your passage"
          value={state.fluent}
          onInput={(fluent) => update({ fluent })}
          tokenCount={count(state.fluent)}
          nCtx={m.model?.config.n_ctx}
          rows={3}
        />
      </Exercise>
      <Exercise
        n={3}
        task="Find the shortest prompt on which layer 0’s attention patterns (all heads, hook_pattern) hold more numbers than layer 0 has parameters. Work it out first, then check."
        check={() => checkSizes(m, state.sizes)}
        disabled={!ready}
      >
        <PromptInput
          label="Your prompt"
          value={state.sizes}
          onInput={(sizes) => update({ sizes })}
          tokenCount={count(state.sizes)}
          nCtx={m.model?.config.n_ctx}
          rows={3}
        />
      </Exercise>
    </Figure>
  );
}
