// @vitest-environment happy-dom
// @vitest-environment-options { "url": "http://book.test/chapters/x/" }
/**
 * The one door (issue 12): many figures' hooks driven at once, against an ORT
 * whose every call is recorded. Any two calls into ORT that overlap in time
 * fail the test, on either backend, through session creation, runs, tensor
 * reads, checkpoint weight swaps, crashes, lost devices and stuck calls.
 *
 * The ORT here is onnxruntime-node (real models, real numbers) behind two
 * instrumented "modules", one per backend as in the browser. The WebGPU one
 * behaves like ORT's asyncify build: entered while a call is in flight, it
 * throws `RuntimeError: memory access out of bounds` and stays broken.
 */
import { cleanup, render, waitFor } from '@testing-library/preact';
import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import { useState } from 'preact/hooks';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { combinedBadge, useComputation, useModels } from '../../src/components/kit';
import type { BackendChoice, BackendName } from '../../src/model/backend';
import { OrtExecutor } from '../../src/model/executor';
import type { HookedModel } from '../../src/model/hooked-model';
import type { Ort } from '../../src/model/ort';
import { configurePageRegistry } from '../../src/model/registry';
import { loadNodeModel } from './node-model';
import { root } from './paths';

/** Every call into the fake ORT modules, and every overlap between two of them. */
class Recorder {
  readonly overlaps: string[] = [];
  readonly calls: string[] = [];
  private readonly inside: { label: string; module: BackendName }[] = [];
  private seed = 12345;
  /** Broken like asyncify after a reentry (or an injected fault). */
  broken = false;

  /** A short pseudo-random wait, so unserialised calls would interleave. */
  private delay(): Promise<void> {
    this.seed = (this.seed * 1103515245 + 12345) % 2 ** 31;
    return new Promise((r) => setTimeout(r, this.seed % 3));
  }

  async call<T>(label: string, module: BackendName, fn: () => Promise<T> | T): Promise<T> {
    this.calls.push(`${module}: ${label}`);
    if (this.inside.length > 0) {
      this.overlaps.push(
        `${module}: ${label} entered during ${this.inside.map((c) => `${c.module}: ${c.label}`).join(', ')}`,
      );
      if (module === 'webgpu') {
        this.broken = true;
        throw new WebAssembly.RuntimeError('memory access out of bounds');
      }
    }
    if (module === 'webgpu' && this.broken)
      throw new WebAssembly.RuntimeError('memory access out of bounds');
    const me = { label, module };
    this.inside.push(me);
    try {
      await this.delay();
      return await fn();
    } finally {
      this.inside.splice(this.inside.indexOf(me), 1);
    }
  }

  /** A synchronous call (a tensor made or disposed): it must not land inside another. */
  instant(label: string, module: BackendName): void {
    this.calls.push(`${module}: ${label}`);
    if (this.inside.length > 0)
      this.overlaps.push(
        `${module}: ${label} during ${this.inside.map((c) => `${c.module}: ${c.label}`).join(', ')}`,
      );
  }

  /** Calls of `module` still in flight (a stuck call stays here). */
  openOn(module: BackendName): number {
    return this.inside.filter((c) => c.module === module).length;
  }
}

/** What can go wrong inside the fake WebGPU module. */
interface Faults {
  /** Throw a wasm trap at the n-th WebGPU run (1-based). */
  crashAtRun?: number;
  /** The n-th WebGPU run never returns. */
  hangAtRun?: number;
}

interface FakeBuffer {
  data: Float32Array;
}

/** A fake GPU device: buffers hold their bytes in memory; `lose()` fires `lost`. */
function fakeDevice() {
  let lose!: (info: { reason: string; message: string }) => void;
  const lost = new Promise<{ reason: string; message: string }>((r) => (lose = r));
  const device = {
    lost,
    destroy: () => lose({ reason: 'destroyed', message: 'device destroyed' }),
    createBuffer: ({ size }: { size: number }): FakeBuffer => ({
      data: new Float32Array(size / 4),
    }),
    queue: {
      writeBuffer: (b: FakeBuffer, _at: number, src: ArrayBuffer, offset: number, n: number) =>
        b.data.set(new Float32Array(src.slice(offset, offset + n))),
    },
  };
  return { device, lose: () => lose({ reason: 'unknown', message: 'driver reset' }) };
}

/** One instrumented ORT "module" for `module`, running on onnxruntime-node's CPU provider. */
function fakeOrt(
  module: BackendName,
  rec: Recorder,
  faults: Faults,
  device: ReturnType<typeof fakeDevice>['device'],
): Ort {
  let runs = 0;
  const wrapTensor = (t: ortNode.Tensor): ortNode.Tensor => {
    const getData = t.getData.bind(t);
    const dispose = t.dispose.bind(t);
    Object.assign(t, {
      getData: () => rec.call('getData', module, () => getData()),
      dispose: () => {
        rec.instant('dispose', module);
        dispose();
      },
    });
    return t;
  };
  function Tensor(...args: unknown[]) {
    rec.instant('new Tensor', module);
    return wrapTensor(
      new (ortNode.Tensor as unknown as new (...a: unknown[]) => ortNode.Tensor)(...args),
    );
  }
  Tensor.fromGpuBuffer = (buffer: FakeBuffer, o: { dims: number[] }) => {
    rec.instant('Tensor.fromGpuBuffer', module);
    return wrapTensor(new ortNode.Tensor('float32', buffer.data.slice(), o.dims));
  };
  return {
    env: { webgpu: { device: Promise.resolve(device) }, wasm: {} },
    Tensor,
    InferenceSession: {
      create: (graph: Uint8Array, options: object) =>
        rec.call('create', module, async () => {
          const s = await ortNode.InferenceSession.create(graph, {
            ...options,
            executionProviders: ['cpu'],
          });
          return {
            inputNames: s.inputNames,
            outputNames: s.outputNames,
            run: (feeds: Record<string, ortNode.Tensor>, fetches: string[]) => {
              runs++;
              const n = runs;
              return rec.call('run', module, async () => {
                if (module === 'webgpu' && n === faults.crashAtRun) {
                  rec.broken = true;
                  throw new WebAssembly.RuntimeError('memory access out of bounds');
                }
                if (module === 'webgpu' && n === faults.hangAtRun)
                  await new Promise(() => undefined);
                const out = await s.run(feeds, fetches);
                for (const t of Object.values(out)) wrapTensor(t);
                return out;
              });
            },
            release: () => rec.call('release', module, () => s.release()),
          };
        }),
    },
  } as unknown as Ort;
}

/** Serves `http://book.test/<path>` from the repository's `public/` folder. */
async function serveFromPublic(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(typeof input === 'string' ? input : input.toString());
  try {
    return new Response(readFileSync(`${root}public${decodeURIComponent(url.pathname)}`));
  } catch {
    return new Response('not found', { status: 404 });
  }
}

/** A page whose registry runs on the fake modules. */
function fakePage(faults: Faults = {}, deadlineMs?: number) {
  const rec = new Recorder();
  const gpu = fakeDevice();
  const modules = {
    webgpu: fakeOrt('webgpu', rec, faults, gpu.device),
    wasm: fakeOrt('wasm', rec, faults, gpu.device),
  };
  const executor = new OrtExecutor({ deadlineMs });
  configurePageRegistry({
    loadOrt: async (b) => modules[b],
    chooseBackend: async (): Promise<BackendChoice> => ({
      backend: 'webgpu',
      reason: 'WebGPU adapter available',
      forced: false,
    }),
    baseUrl: 'http://book.test/models/',
    executor,
  });
  return { rec, gpu, executor };
}

const PROMPTS = [
  'The cat sat on the mat. The cat sat on the',
  'Mr and Mrs Dursley, of number four, Privet Drive, were proud to say',
  'In the beginning God created the heaven and the earth. And the earth',
  'A B C D E F A B C D E',
];

/** The top next-token id after `ids` (the figures below show it). */
function argmaxLast(logits: Float32Array, length: number, dVocab: number): number {
  const last = logits.subarray((length - 1) * dVocab, length * dVocab);
  let best = 0;
  for (let i = 1; i < last.length; i++) if (last[i] > last[best]) best = i;
  return best;
}

/**
 * A figure as the chapters write them: `useModels` for its models, then
 * `useComputation` over `runLatest` (or a batched `run`, or checkpoint
 * weights) that re-runs on every prompt change and after a backend change.
 */
function TestFigure(props: {
  name: string;
  ids: string[];
  prompt: string;
  kind: 'latest' | 'batch' | 'checkpoint';
}) {
  const m = useModels(props.ids);
  const run = useComputation(async () => {
    if (!m.models || !m.tokenizer) return undefined;
    const ids = m.tokenizer.encode(props.prompt).slice(0, 64);
    const tops: number[] = [];
    for (const model of m.models) {
      const d = model.config.d_vocab;
      if (props.kind === 'batch') {
        const r = await model.run([ids, ids], { headMask: undefined });
        tops.push(argmaxLast(r.logits!.data.subarray(0, r.length * d), r.length, d));
      } else {
        let weights;
        if (props.kind === 'checkpoint') {
          const { pageRegistry } = await import('../../src/model/registry');
          const list = await pageRegistry().checkpointIndex(model.config.model_name);
          weights = await pageRegistry().checkpointWeights(
            model.config.model_name,
            list[list.length - 1].file,
          );
        }
        const r = await model.runLatest(props.name, ids, { weights });
        if (!r) return null;
        tops.push(argmaxLast(r.logits!.data, r.length, d));
      }
    }
    return { prompt: props.prompt, tops };
  }, [m.models, m.tokenizer, props.prompt, m.backendVersion]);
  const done = run.value && !run.pending && run.value.prompt === props.prompt;
  return (
    <div
      data-fig={props.name}
      data-state={m.status.kind}
      data-done={done ? 'yes' : 'no'}
      data-tops={run.value?.tops.join(',')}
      data-badge={m.badge?.label}
      data-reason={m.badge?.reason}
      data-notice={m.badge?.notice}
      data-error={run.error ?? (m.status.kind === 'error' ? m.status.message : '')}
    />
  );
}

const FIGURES: { name: string; ids: string[]; kind: 'latest' | 'batch' | 'checkpoint' }[] = [
  { name: 'a', ids: ['attn-only-2l'], kind: 'latest' },
  { name: 'b', ids: ['attn-only-1l'], kind: 'latest' },
  { name: 'c', ids: ['gelu-1l'], kind: 'latest' },
  { name: 'd', ids: ['attn-only-1l', 'attn-only-2l'], kind: 'latest' },
  { name: 'e', ids: ['attn-only-2l'], kind: 'batch' },
  { name: 'f', ids: ['attn-only-2l'], kind: 'checkpoint' },
  { name: 'g', ids: ['gelu-1l', 'attn-only-1l'], kind: 'batch' },
  { name: 'h', ids: ['attn-only-2l', 'gelu-1l'], kind: 'latest' },
];

/** A reader typing: each figure's prompt changes a few times while models load and run. */
let typeInto: ((name: string, prompt: string) => void) | undefined;

function Page() {
  const [prompts, setPrompts] = useState<Record<string, string>>(
    Object.fromEntries(FIGURES.map((f, i) => [f.name, PROMPTS[i % PROMPTS.length]])),
  );
  typeInto = (name, prompt) => setPrompts((p) => ({ ...p, [name]: prompt }));
  return (
    <>
      {FIGURES.map((f) => (
        <TestFigure key={f.name} {...f} prompt={prompts[f.name]} />
      ))}
    </>
  );
}

/** What each figure should show: the same runs on plain onnxruntime-node, one at a time. */
async function expectedTops(prompts: Record<string, string>): Promise<Record<string, string>> {
  const { loadTokenizer } = await import('../../src/model/tokenizer');
  const tok = await loadTokenizer('http://book.test/models/tokenizer.json');
  const out: Record<string, string> = {};
  for (const f of FIGURES) {
    const ids = tok.encode(prompts[f.name]).slice(0, 64);
    const tops: number[] = [];
    for (const id of f.ids) {
      const model: HookedModel = await loadNodeModel(id);
      let weights;
      if (f.kind === 'checkpoint') {
        const { ModelRegistry } = await import('../../src/model/registry');
        const reg = new ModelRegistry({
          baseUrl: 'http://book.test/models/',
          loadOrt: async () => (await import('./node-model')).ort,
          executionProviders: { wasm: 'cpu' },
          chooseBackend: async () => ({ backend: 'wasm', reason: 'test', forced: true }),
          executor: new OrtExecutor(),
        });
        const list = await reg.checkpointIndex(id);
        weights = await reg.checkpointWeights(id, list[list.length - 1].file);
      }
      const r = await model.run(ids, { weights });
      tops.push(argmaxLast(r.logits!.data, r.length, model.config.d_vocab));
    }
    out[f.name] = tops.join(',');
  }
  return out;
}

function figure(container: Element, name: string): HTMLElement {
  return container.querySelector(`[data-fig="${name}"]`) as HTMLElement;
}

/** Renders the page, types into figures while they load, waits until every figure is done. */
async function drivePage() {
  const { container } = render(<Page />);
  const final: Record<string, string> = Object.fromEntries(
    FIGURES.map((f, i) => [f.name, PROMPTS[i % PROMPTS.length]]),
  );
  // Rapid typing into three figures while the models load and others run.
  for (let k = 0; k < 12; k++) {
    await new Promise((r) => setTimeout(r, 15 + (k % 4) * 10));
    const name = ['a', 'd', 'h'][k % 3];
    final[name] = `${PROMPTS[k % PROMPTS.length]} ${'x'.repeat(k % 5)}`;
    typeInto!(name, final[name]);
  }
  await waitFor(
    () => {
      for (const f of FIGURES) {
        const el = figure(container, f.name);
        expect(el.dataset.error, `figure ${f.name}`).toBe('');
        expect(el.dataset.done, `figure ${f.name}`).toBe('yes');
      }
    },
    { timeout: 90_000, interval: 50 },
  );
  return { container, final };
}

beforeAll(() => {
  vi.stubGlobal('fetch', serveFromPublic);
  vi.stubGlobal('GPUBufferUsage', { STORAGE: 0x80, COPY_SRC: 0x4, COPY_DST: 0x8 });
});

afterEach(() => cleanup());

describe('one door to ORT', () => {
  it('the fake WebGPU module crashes when entered twice, as asyncify does (the test can fail)', async () => {
    const rec = new Recorder();
    const { device } = fakeDevice();
    const ort = fakeOrt('webgpu', rec, {}, device);
    const graph = new Uint8Array(readFileSync(`${root}public/models/attn-only-1l/model.onnx`));
    const results = await Promise.allSettled([
      ort.InferenceSession.create(graph),
      ort.InferenceSession.create(graph),
    ]);
    expect(results.map((r) => r.status)).toContain('rejected');
    expect(
      String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason),
    ).toMatch(/memory access out of bounds/);
    expect(rec.overlaps.length).toBeGreaterThan(0);
  });

  it('eight figures over three models, typed into while loading: no two ORT calls overlap, every figure shows the right result on WebGPU', async () => {
    const { rec } = fakePage();
    const { container, final } = await drivePage();
    expect(rec.overlaps).toEqual([]);
    expect(rec.calls.filter((c) => c === 'webgpu: create')).toHaveLength(3);
    const expected = await expectedTops(final);
    for (const f of FIGURES) {
      const el = figure(container, f.name);
      expect(el.dataset.badge, `figure ${f.name}`).toBe('WebGPU');
      expect(el.dataset.tops, `figure ${f.name}`).toBe(expected[f.name]);
    }
  });

  it('a crash inside the WebGPU module mid-page moves every model to WASM, and every figure still comes alive with the right result', async () => {
    const { rec } = fakePage({ crashAtRun: 4 });
    const { container, final } = await drivePage();
    expect(rec.overlaps).toEqual([]);
    const expected = await expectedTops(final);
    for (const f of FIGURES) {
      const el = figure(container, f.name);
      expect(el.dataset.badge, `figure ${f.name}`).toBe('WASM');
      expect(el.dataset.reason, `figure ${f.name}`).toMatch(/WebGPU crashed.*running on WASM/);
      expect(el.dataset.notice, `figure ${f.name}`).toMatch(/WebGPU crashed/);
      expect(el.dataset.tops, `figure ${f.name}`).toBe(expected[f.name]);
    }
    // After the crash nothing entered the WebGPU module again (the crashed
    // run's own input tensors are still disposed: plain JS objects).
    const crash = rec.calls.lastIndexOf('webgpu: run');
    expect(rec.calls.slice(crash + 1).filter((c) => /^webgpu: (?!dispose)/.test(c))).toEqual([]);
  });

  it('a lost GPU device moves every model to WASM and every figure re-runs there', async () => {
    const { rec, gpu } = fakePage();
    const { container } = await drivePage();
    gpu.lose();
    await waitFor(
      () => {
        for (const f of FIGURES) {
          const el = figure(container, f.name);
          expect(el.dataset.badge, `figure ${f.name}`).toBe('WASM');
          expect(el.dataset.reason, `figure ${f.name}`).toMatch(/device lost/);
          expect(el.dataset.done, `figure ${f.name}`).toBe('yes');
        }
      },
      { timeout: 60_000, interval: 50 },
    );
    expect(rec.overlaps).toEqual([]);
    // Every figure ran again after the loss (on the WASM module).
    expect(rec.calls.filter((c) => c === 'wasm: run').length).toBeGreaterThanOrEqual(
      FIGURES.reduce((n, f) => n + f.ids.length, 0),
    );
  });

  it('a WebGPU call that never returns is abandoned at the deadline: WebGPU is marked broken and every figure comes alive on WASM', async () => {
    const { rec, executor } = fakePage({ hangAtRun: 3 }, 1_500);
    const { container } = await drivePage();
    expect(executor.brokenReason('webgpu')).toMatch(/stopped answering/);
    expect(rec.openOn('webgpu')).toBe(1); // the stuck call, never entered again
    // No overlaps except with the abandoned WebGPU call.
    expect(rec.overlaps.filter((o) => !/during webgpu: run$/.test(o))).toEqual([]);
    for (const f of FIGURES) expect(figure(container, f.name).dataset.badge).toBe('WASM');
  });

  it('the badge names every backend a figure uses, with each reason once', () => {
    const gpu: BackendChoice = { backend: 'webgpu', reason: 'adapter', forced: false };
    const cpu: BackendChoice = { backend: 'wasm', reason: 'lost', forced: false };
    expect(combinedBadge([gpu, gpu])).toMatchObject({ label: 'WebGPU', reason: 'adapter' });
    expect(combinedBadge([gpu, cpu])).toMatchObject({
      label: 'WebGPU + WASM',
      reason: 'adapter; lost',
    });
    expect(combinedBadge([gpu, cpu]).notice).toBeUndefined();
    const crashed: BackendChoice = {
      backend: 'wasm',
      reason: 'WebGPU crashed during a run (memory access out of bounds); running on WASM',
      forced: false,
    };
    expect(combinedBadge([crashed, crashed]).notice).toBe(`${crashed.reason}.`);
  });
});
