import Figure from '../Figure';
import { useUrlState } from '../use-url-state';
import {
  Exercise,
  fitToContext,
  formatPercent,
  formatSigned,
  headField,
  headName,
  HeadPicker,
  parseHead,
  PromptInput,
  promptField,
  useModel,
  type CheckResult,
  type FigureModel,
} from '../kit';

const MODEL = 'attn-only-2l';

const schema = {
  beat: promptField(''),
  knock: promptField(''),
  head: headField({ layer: 1, head: 0 }),
  lens: promptField(''),
};

function prepare(m: FigureModel, text: string) {
  const model = m.model!;
  const ids = fitToContext(m.tokenizer!.encode(text), model.config.n_ctx);
  if (ids.length === 0) throw new Error('type a prompt first');
  return { model, ids, show: (id: number) => m.tokenizer!.tokenStrings([id])[0] };
}

async function checkBeat(m: FigureModel, text: string): Promise<CheckResult> {
  const { model, ids, show } = prepare(m, text);
  const hooks = [
    'hook_embed',
    'hook_pos_embed',
    ...Array.from({ length: model.config.n_layers }, (_, l) => `blocks.${l}.attn.hook_result`),
  ];
  const r = await model.run(ids, { hooks });
  const { directLogitAttribution } = await import('../../model/metrics');
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const pos = ids.length - 1;
  const [top] = topPredictions(logitsAt(r.logits!, pos), 1);
  const parts = directLogitAttribution(model.weights, { ...r.hooks }, pos, top.id);
  const embed = parts.find((p) => p.component === 'embed')!.value;
  const best = parts.filter((p) => /^\d/.test(p.component)).sort((a, b) => b.value - a.value)[0];
  const msg = `Top prediction “${show(top.id)}”: token embedding ${formatSigned(embed)}, best head ${best.component} ${formatSigned(best.value)}.`;
  return {
    ok: best.value > embed,
    message: best.value > embed ? msg : `${msg} The embedding still wins.`,
  };
}

async function checkKnock(
  m: FigureModel,
  text: string,
  head: { layer: number; head: number },
): Promise<CheckResult> {
  const { model, ids, show } = prepare(m, text);
  const { headMaskWithout } = await import('../../model/head-mask');
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const per = model.config.n_layers * model.config.n_heads;
  const mask = new Float32Array(2 * per).fill(1);
  mask.set(headMaskWithout(model.config, [head]), per);
  const r = await model.run([ids, ids], { headMask: mask });
  const pos = ids.length - 1;
  const [a] = topPredictions(logitsAt(r.logits!, pos, 0), 1);
  const [b] = topPredictions(logitsAt(r.logits!, pos, 1), 1);
  const msg = `With every head: “${show(a.id)}” (${formatPercent(a.prob)}); without ${headName(head)}: “${show(b.id)}” (${formatPercent(b.prob)}).`;
  return { ok: a.id !== b.id, message: a.id !== b.id ? msg : `${msg} Same answer.` };
}

async function checkLens(m: FigureModel, text: string): Promise<CheckResult> {
  const { model, ids, show } = prepare(m, text);
  const { n_layers } = model.config;
  const hooks = [
    'blocks.0.hook_resid_pre',
    ...Array.from({ length: n_layers }, (_, l) => `blocks.${l}.hook_resid_post`),
  ];
  const r = await model.run(ids, { hooks, logits: false });
  const { logitLens } = await import('../../model/metrics');
  const lens = logitLens(model.weights, r.hooks, ids.length - 1);
  const final = lens[n_layers];
  let top = 0;
  for (let i = 1; i < final.length; i++) if (final[i] > final[top]) top = i;
  const rank = (row: Float64Array) => row.reduce((n, v) => n + (v > row[top] ? 1 : 0), 0);
  const ranks = lens.map(rank);
  const msg = `The final top token “${show(top)}” is ranked #${ranks[0] + 1} after the embedding${n_layers > 1 ? `, #${ranks[1] + 1} after layer 0` : ''}.`;
  const ok = ranks[0] >= 100;
  return { ok, message: ok ? msg : `${msg} The embedding alone already ranks it in the top 100.` };
}

/**
 * Chapter 2's exercises, checked by the live model: a head whose direct
 * effect beats the token embedding, one head whose removal changes the
 * answer, and a prediction the embedding alone could not make.
 */
export default function Ch2Exercises() {
  const [state, update] = useUrlState(schema, 'ex2');
  const m = useModel(MODEL);
  const cfg = m.model?.config;
  const count = (t: string) => (m.tokenizer ? m.tokenizer.encode(t).length : undefined);
  const ready = m.status.kind === 'ready';
  const head =
    cfg && state.head.layer < cfg.n_layers && state.head.head < cfg.n_heads
      ? state.head
      : { layer: 0, head: 0 };
  return (
    <Figure
      name="ch2-exercises"
      title="Exercises, checked by the model"
      status={m.status}
      onRetry={m.retry}
      backend={m.badge}
      caption={<>Each check runs {MODEL} on your answer, here in your browser.</>}
    >
      <Exercise
        n={1}
        task="Find a prompt where, at the last position, some single head’s direct contribution to the model’s top prediction is larger than the token embedding’s."
        check={() => checkBeat(m, state.beat)}
        disabled={!ready}
      >
        <PromptInput
          label="Your prompt"
          value={state.beat}
          onInput={(beat) => update({ beat })}
          tokenCount={count(state.beat)}
          nCtx={cfg?.n_ctx}
        />
      </Exercise>
      <Exercise
        n={2}
        task="Choose a head and a prompt such that switching that one head off changes the model’s top prediction at the last position."
        check={() => checkKnock(m, state.knock, head)}
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
        <PromptInput
          label="Your prompt"
          value={state.knock}
          onInput={(knock) => update({ knock })}
          tokenCount={count(state.knock)}
          nCtx={cfg?.n_ctx}
        />
      </Exercise>
      <Exercise
        n={3}
        task="Find a prompt whose final top prediction is not even in the top 100 of the logit lens after the embedding: a prediction the current token alone could not make."
        check={() => checkLens(m, state.lens)}
        disabled={!ready}
      >
        <PromptInput
          label="Your prompt"
          value={state.lens}
          onInput={(lens) => update({ lens })}
          tokenCount={count(state.lens)}
          nCtx={cfg?.n_ctx}
        />
      </Exercise>
    </Figure>
  );
}
