import { useEffect, useState } from 'preact/hooks';
import type { BackendChoice } from '../../model/backend';
import type { HookParity } from '../../model/reference';
import DiagnosticsLive from './DiagnosticsLive';
import { siteUrl } from '../../lib/site-root';
import { modelRegistry } from '../kit/runtime';

/** Parity of one model on this page's backend. */
type ParityState =
  | { kind: 'running'; id: string }
  | { kind: 'done'; id: string; tolerance: number; rows: HookParity[]; backend: string }
  | { kind: 'error'; id: string; message: string };

/** Facts about the page's runtime for the reader. */
interface Environment {
  backend: BackendChoice;
  crossOriginIsolated: boolean;
  secureContext: boolean;
  threads: number;
  adapter: string;
}

const worst = (rows: HookParity[]) =>
  rows.reduce((a, b) => (b.maxAbsDiff > a.maxAbsDiff ? b : a), rows[0]);

/**
 * The diagnostics page: which backend this browser gets and why, and
 * whether every shipped model computes, on that backend, what PyTorch
 * computed (every hook, with and without interventions). A course can send
 * readers here when a figure looks wrong.
 */
export default function Diagnostics() {
  const [env, setEnv] = useState<Environment | { error: string } | undefined>(undefined);
  const [parity, setParity] = useState<ParityState[]>([]);

  useEffect(() => {
    let live = true;
    (async () => {
      const [registry, { referenceModelIds, loadReference }, { checkParity }, api] =
        await Promise.all([
          modelRegistry(),
          import('./reference-fixtures'),
          import('../../model/reference'),
          import('./diagnostics-api'),
        ]);
      const tokenizerUrl = siteUrl('models/tokenizer.json');
      (window as unknown as { circuitsDiagnostics: unknown }).circuitsDiagnostics =
        api.diagnosticsApi(tokenizerUrl);
      try {
        const backend = await registry.chosenBackend();
        const adapter =
          backend.backend === 'webgpu' ? await describeAdapter() : 'not used (WASM backend)';
        const threads = await (
          window as unknown as { circuitsDiagnostics: { wasmThreads(): Promise<number> } }
        ).circuitsDiagnostics.wasmThreads();
        if (live)
          setEnv({
            backend,
            crossOriginIsolated: globalThis.crossOriginIsolated === true,
            secureContext: globalThis.isSecureContext,
            threads,
            adapter,
          });
      } catch (e) {
        if (live) setEnv({ error: (e as Error).message });
        return;
      }
      for (const id of referenceModelIds()) {
        if (!live) return;
        setParity((p) => [...p.filter((x) => x.id !== id), { kind: 'running', id }]);
        let next: ParityState;
        try {
          const [model, { doc, read }] = await Promise.all([registry.get(id), loadReference(id)]);
          const rows = await checkParity(model, doc, read);
          next = {
            kind: 'done',
            id,
            tolerance: doc.tolerance,
            rows,
            backend: model.backend.backend,
          };
        } catch (e) {
          next = { kind: 'error', id, message: (e as Error).message };
        }
        if (live) setParity((p) => p.map((x) => (x.id === id ? next : x)));
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  return (
    <div class="diagnostics">
      <section aria-labelledby="diag-env">
        <h2 id="diag-env">This browser</h2>
        {!env && <p role="status">Choosing a backend…</p>}
        {env && 'error' in env && (
          <p role="alert" data-testid="backend-error">
            {env.error}
          </p>
        )}
        {env && !('error' in env) && (
          <dl
            class="diagnostics-facts"
            data-testid="environment"
            data-backend={env.backend.backend}
          >
            <dt>Backend</dt>
            <dd data-testid="backend">{env.backend.backend === 'webgpu' ? 'WebGPU' : 'WASM'}</dd>
            <dt>Why</dt>
            <dd data-testid="backend-reason">{env.backend.reason}</dd>
            <dt>GPU adapter</dt>
            <dd>{env.adapter}</dd>
            <dt>WASM threads</dt>
            <dd data-testid="threads">
              {env.threads}
              {env.crossOriginIsolated ? '' : ' (the page is not cross-origin isolated)'}
            </dd>
            <dt>Secure context</dt>
            <dd>{env.secureContext ? 'yes' : 'no (WebGPU needs https or localhost)'}</dd>
          </dl>
        )}
        <p>
          Add <code>?backend=wasm</code> or <code>?backend=webgpu</code> to this page's address to
          force one.
        </p>
      </section>

      <section aria-labelledby="diag-parity">
        <h2 id="diag-parity">Do the models compute what PyTorch computed?</h2>
        <p>
          Each model runs the reference prompts (once plain, once with heads ablated, scaled and
          patched) and every activation is compared with the one PyTorch wrote when the model was
          exported.
        </p>
        {env && parity.length === 0 && <p>No reference activations are in this build.</p>}
        <ul class="diagnostics-parity">
          {parity.map((p) => (
            <ParityRow key={p.id} state={p} />
          ))}
        </ul>
      </section>

      {env && !('error' in env) && <DiagnosticsLive modelId="attn-only-2l" />}
    </div>
  );
}

function ParityRow({ state }: { state: ParityState }) {
  if (state.kind === 'running')
    return (
      <li data-parity-model={state.id} data-state="running">
        {state.id}: running…
      </li>
    );
  if (state.kind === 'error')
    return (
      <li data-parity-model={state.id} data-state="error" role="alert">
        {state.id}: {state.message}
      </li>
    );
  const w = worst(state.rows);
  const pass = w.maxAbsDiff <= state.tolerance;
  return (
    <li
      data-parity-model={state.id}
      data-state="done"
      data-pass={String(pass)}
      data-max-diff={String(w.maxAbsDiff)}
      data-hooks={String(state.rows.length)}
      data-backend={state.backend}
    >
      <strong>{state.id}</strong>: {pass ? 'matches' : 'DOES NOT match'} PyTorch on{' '}
      {state.rows.length} activations (largest difference {w.maxAbsDiff.toExponential(2)} at{' '}
      <code>{w.hook}</code>, {w.run} run; tolerance {state.tolerance.toExponential(0)}).
    </li>
  );
}

async function describeAdapter(): Promise<string> {
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return 'none';
    const info = adapter.info;
    return [info.vendor, info.architecture, info.description].filter(Boolean).join(' · ') || 'yes';
  } catch (e) {
    return `unavailable (${(e as Error).message})`;
  }
}
