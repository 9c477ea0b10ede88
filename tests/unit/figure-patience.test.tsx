// @vitest-environment happy-dom
/**
 * A figure never waits silently: a run with no result after RUN_WAIT_MS, or a
 * load with no progress for LOAD_STALL_MS, turns into an error with Retry; a
 * result that arrives after all is still shown, and Retry runs again.
 */
import { act, cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RUN_WAIT_MS, useComputation } from '../../src/components/kit/use-computation';
import { LOAD_STALL_MS, useLoader } from '../../src/components/kit/use-loader';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('figure patience', () => {
  it('a run with no result after RUN_WAIT_MS shows an error with Retry; a late result still shows; Retry runs again', async () => {
    vi.useFakeTimers();
    const runs: ReturnType<typeof deferred<string>>[] = [];
    let retry!: () => void;
    function Probe() {
      const r = useComputation(() => {
        const d = deferred<string>();
        runs.push(d);
        return d.promise;
      }, []);
      retry = r.retry;
      return (
        <p data-value={r.value ?? ''} data-error={r.error ?? ''} data-pending={String(r.pending)} />
      );
    }
    const { container } = render(<Probe />);
    const p = () => container.querySelector('p') as HTMLElement;
    expect(p().dataset.pending).toBe('true');
    await act(() => {
      vi.advanceTimersByTime(RUN_WAIT_MS - 1_000);
    });
    expect(p().dataset.error).toBe('');
    await act(() => {
      vi.advanceTimersByTime(2_000);
    });
    expect(p().dataset.error).toMatch(/no result after 60 s/);
    expect(p().dataset.pending).toBe('false');
    // The stuck run answers after all: its result is shown and the error goes.
    await act(async () => runs[0].resolve('late'));
    expect(p().dataset.value).toBe('late');
    expect(p().dataset.error).toBe('');
    // Retry computes again with the same inputs.
    await act(() => retry());
    expect(runs).toHaveLength(2);
    expect(p().dataset.pending).toBe('true');
    await act(async () => runs[1].resolve('again'));
    expect(p().dataset.value).toBe('again');
  });

  it('a load with no progress for LOAD_STALL_MS shows an error; progress resets the clock; a late load still comes alive', async () => {
    vi.useFakeTimers();
    const d = deferred<string>();
    let report!: (r: { what: string; fraction?: number }) => void;
    const load = (r: typeof report) => {
      report = r;
      return d.promise;
    };
    function Probe() {
      const l = useLoader(load, { what: 'the model x' });
      return (
        <p
          data-kind={l.status.kind}
          data-message={l.status.kind === 'error' ? l.status.message : ''}
        >
          {l.value}
        </p>
      );
    }
    const { container } = render(<Probe />);
    const p = () => container.querySelector('p') as HTMLElement;
    await act(() => {
      vi.advanceTimersByTime(LOAD_STALL_MS - 1_000);
    });
    await act(() => report({ what: 'the model x', fraction: 0.5 }));
    await act(() => {
      vi.advanceTimersByTime(LOAD_STALL_MS - 1_000);
    });
    expect(p().dataset.kind).toBe('loading');
    await act(() => {
      vi.advanceTimersByTime(2_000);
    });
    expect(p().dataset.kind).toBe('error');
    expect(p().dataset.message).toMatch(/nothing arrived for 60 s while loading the model x/);
    await act(async () => d.resolve('loaded'));
    expect(p().dataset.kind).toBe('ready');
    expect(p().textContent).toBe('loaded');
  });
});
