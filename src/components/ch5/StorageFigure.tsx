import Figure from '../kit/Figure';
import {
  formatNumber,
  Heatmap,
  loadRuntime,
  ModelSelect,
  NumTable,
  probabilityScale,
  promptField,
  PromptInput,
  RunState,
  Select,
  SignedBars,
  TryThis,
  useComputation,
  useModelPrompt,
} from '../kit';
import { field } from '../kit/url-state';
import { useUrlState } from '../kit/use-url-state';
import './ch5.css';
import { STORAGE_TEXT as DEFAULT_TEXT } from './storage-default';

const MODELS = ['attn-only-2l', 'attn-only-1l'] as const;
/** Both models have eight heads a layer. */
const READERS = ['auto', '0', '1', '2', '3', '4', '5', '6', '7'] as const;
const schema = {
  text: promptField(DEFAULT_TEXT),
  model: field.oneOf(MODELS, 'attn-only-2l'),
  marks: field.text('.,;:!?', 20),
  /** The last-layer head whose reading is split by writer; 'auto' is the one that favours punctuation most. */
  reader: field.oneOf(READERS, 'auto'),
};

/** What the chosen last-layer head moved from punctuation, split by writer. */
interface WriterSplit {
  head: string;
  parts: { writer: string; share: number }[];
  kinds: { kind: string; share: number }[];
}

interface HeadRow {
  name: string;
  attention: number;
  moved: number;
  top: string[];
}

/**
 * Where is information stored? For every head, how much attention later
 * positions pay to punctuation (against attending uniformly), how much of what
 * the head writes actually comes from there, and which logits the moved
 * vector raises directly.
 */
export default function StorageFigure({ prefix = 'st' }: { prefix?: string }) {
  const [state, update] = useUrlState(schema, prefix);
  const m = useModelPrompt([state.model], state.text, (text) => update({ text }));
  const { model, tokenizer, ids, strings } = m;
  const marks = [...state.marks].filter((c) => c.trim() !== '');
  const isTarget = strings.map((s) => marks.some((mk) => s.includes(mk)));

  const stats = useComputation(async () => {
    if (!model || !tokenizer || ids.length === 0) return undefined;
    const { n_layers } = model.config;
    const hooks = [
      'hook_embed',
      'hook_pos_embed',
      ...Array.from({ length: n_layers }, (_, l) => [
        `blocks.${l}.attn.hook_pattern`,
        `blocks.${l}.attn.hook_v`,
        ...(l < n_layers - 1 ? [`blocks.${l}.attn.hook_result`] : []),
      ]).flat(),
    ];
    const r = await model.runLatest(`${prefix}-run`, ids, { hooks, logits: false });
    if (!r) return null;
    const rt = await loadRuntime();
    const rows: HeadRow[] = [];
    let uniform = 0;
    let queries = 0;
    let last: number[] = [];
    for (let l = 0; l < n_layers; l++) {
      const s = rt.storageStats(
        model.weights,
        l,
        r.hooks[`blocks.${l}.attn.hook_pattern`],
        r.hooks[`blocks.${l}.attn.hook_v`],
        isTarget,
      );
      uniform = s.uniform;
      queries = s.queries;
      last = Array.from(s.attention);
      s.attention.forEach((a, h) => {
        // What the moved vector does to the logits by itself (b_U is the same whatever moves).
        const logits = rt.unembed(model.weights, s.movedVector[h]);
        const b = model.weights.b_U;
        const lift = logits.map((x, i) => x - b[i]);
        rows.push({
          name: `${l}.${h}`,
          attention: a,
          moved: s.moved[h],
          top: rt.topK(lift, 4).map((t) => tokenizer.tokenStrings([t.index])[0]),
        });
      });
    }
    // Split what one last-layer head moved from punctuation by who wrote it there.
    const L = n_layers - 1;
    const h = state.reader === 'auto' ? last.indexOf(Math.max(...last)) : Number(state.reader);
    const split = rt.movedByWriter(
      model.weights,
      r.hooks,
      L,
      h,
      rt.storageQueries(isTarget),
      isTarget,
    );
    const writers: WriterSplit = {
      head: `${L}.${h}`,
      parts: split.parts.map((p) => ({ writer: p.writer, share: p.share })),
      kinds: rt.sharesByKind(split),
    };
    return {
      rows,
      uniform,
      queries,
      writers,
      key: `${ids.join(',')}|${isTarget.join(',')}|${state.reader}`,
    };
  }, [model, ids.join(','), isTarget.join(','), state.reader, m.backendVersion]);

  const v = stats.value;
  const nTargets = isTarget.filter(Boolean).length;
  return (
    <Figure
      name="storage"
      title="Where is information stored? Attention to punctuation"
      model={m}
      python={
        ids.length > 0
          ? {
              kind: 'storage',
              model: state.model,
              prompt: state.text,
              marks: state.marks,
              marked: isTarget.flatMap((t, i) => (t ? [i] : [])),
            }
          : null
      }
      caption={
        <>
          Measured live on your text. Attention: the mean attention that positions after the first
          punctuation mark (and not punctuation themselves) put on punctuation. Uniform: what
          attending evenly to every visible position would give. Output share: the fraction of the
          head's output, by norm (Σ A‖v W_O‖), that comes from punctuation positions. By writer: the
          vector a last-layer head moves from punctuation (averaged over the same positions) is an
          exact sum of one part per writer of its value input at those positions; each bar is that
          part's projection on the whole, as a share of it (part · total / ‖total‖²), so the bars
          add up to 1.
        </>
      }
    >
      <ModelSelect value={state.model} models={MODELS} onChange={(model) => update({ model })} />
      <span class="kit-control">
        <label for={`${prefix}-marks`}>Punctuation marks</label>
        <input
          id={`${prefix}-marks`}
          type="text"
          value={state.marks}
          onInput={(e) => update({ marks: e.currentTarget.value })}
        />
      </span>
      <PromptInput
        {...m.input}
        label="Text (several sentences)"
        rows={3}
        hint={`${nTargets} of the tokens contain punctuation.`}
      />
      <RunState run={stats} onReset={() => update({ text: DEFAULT_TEXT, marks: '.,;:!?' })} />
      {v && v.queries === 0 && (
        <p class="kit-note" role="status">
          No position follows a punctuation mark: add a sentence after a full stop.
        </p>
      )}
      {v && v.queries > 0 && (
        <div data-testid="storage-ready" data-key={v.key}>
          <div class="kit-fit" style={{ maxWidth: '44rem' }}>
            <Heatmap
              label="Attention to punctuation, output share from it, and the uniform baseline, per head"
              values={[
                ...v.rows.map((r) => r.attention),
                ...v.rows.map((r) => r.moved),
                ...v.rows.map(() => v.uniform),
              ]}
              rows={3}
              cols={v.rows.length}
              rowLabels={['attention', 'output share', 'uniform']}
              colLabels={v.rows.map((r) => r.name)}
              rowTitle="measure"
              colTitle="head"
              legendTitle="share"
              scale={probabilityScale}
              cellSize={28}
            />
          </div>
          <NumTable
            label="Punctuation table per head (scrolls sideways)"
            columns={['head', 'attention', '÷ uniform', 'output share', 'moved vector raises']}
          >
            {v.rows.map((r) => (
              <tr key={r.name}>
                <td>{r.name}</td>
                <td>{formatNumber(r.attention, 2)}</td>
                <td>{formatNumber(r.attention / (v.uniform || 1), 2)}</td>
                <td>{formatNumber(r.moved, 2)}</td>
                <td style={{ textAlign: 'left' }}>{r.top.join(' ')}</td>
              </tr>
            ))}
          </NumTable>
          <Select
            label="Split by writer for head"
            value={state.reader}
            options={READERS.map((h) => ({
              value: h,
              label:
                h === 'auto'
                  ? 'the one most on punctuation'
                  : `${v.writers.head.split('.')[0]}.${h}`,
            }))}
            onChange={(reader) => update({ reader })}
          />
          <p class="kit-subhead">
            Who wrote what head {v.writers.head} moves from punctuation: share of the moved vector
            by writer
          </p>
          <div data-testid="storage-writers" data-head={v.writers.head}>
            <SignedBars
              label={`Share of what head ${v.writers.head} moves from punctuation, by writer`}
              bars={v.writers.parts.map((p) => ({ label: p.writer, value: p.share }))}
            />
            <NumTable label="The same shares by kind of writer" columns={['writer', 'share']}>
              {v.writers.kinds.map((k) => (
                <tr key={k.kind}>
                  <td>{k.kind}</td>
                  <td>{formatNumber(k.share, 2)}</td>
                </tr>
              ))}
            </NumTable>
          </div>
        </div>
      )}
      <TryThis
        items={[
          {
            text: 'Remove every full stop from the text: which heads lose their favourite target?',
            apply: () => update({ text: state.text.replace(/\./g, '') }),
          },
          {
            text: 'Compare attention with output share: a head that attends to punctuation but moves little from it is parking, not reading.',
          },
          {
            text: 'Read the split by writer: is it the punctuation token itself (embed) that the layer-1 head picks up there, or what layer-0 heads stored?',
          },
          {
            text: 'Switch to attn-only-1l: with one layer, nothing can have been stored at a full stop beyond the full stop itself.',
            apply: () => update({ model: 'attn-only-1l' }),
          },
        ]}
      />
    </Figure>
  );
}
