// @vitest-environment happy-dom
// @vitest-environment-options { "url": "http://book.test/chapters/x/" }
/**
 * The figures of issue 15 ("The paper's checks, live"), rendered in a DOM
 * through the kit's one door, with the real models on onnxruntime-node: each
 * shows the numbers the runtime computes (checked here against a separate
 * computation in the test), says what it is to screen readers, and keeps
 * the reader's choices in the URL.
 */
import { cleanup, fireEvent, render, waitFor } from '@testing-library/preact';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import ResidualEnergyFigure from '../../src/components/ch3/ResidualEnergyFigure';
import CopyingAccuracyFigure from '../../src/components/ch5/CopyingAccuracyFigure';
import PositionalQkFigure from '../../src/components/ch5/PositionalQkFigure';
import KCompositionTokensFigure from '../../src/components/ch6/KCompositionTokensFigure';
import TwoLayerPathsFigure from '../../src/components/ch5/TwoLayerPathsFigure';
import { formatFixed, formatPercent } from '../../src/components/kit/format';
import { copyingAccuracy, copyingScoreOf, kCompositionCircuit } from '../../src/model/circuits';
import { OrtExecutor } from '../../src/model/executor';
import { positionalQk } from '../../src/model/positional-qk';
import { configurePageRegistry } from '../../src/model/registry';
import { bestHead, runRepeat } from '../../src/model/repeats';
import { energyIn, writerEnergies } from '../../src/model/residual-energy';
import { loadNodeModel, ort } from './node-model';
import { root } from './paths';

/** Serves `http://book.test/<path>` from the repository's `public/` folder. */
async function serveFromPublic(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(typeof input === 'string' ? input : input.toString());
  try {
    return new Response(readFileSync(`${root}public${decodeURIComponent(url.pathname)}`));
  } catch {
    return new Response('not found', { status: 404 });
  }
}

/** happy-dom has no canvas: a 2d context that draws nothing, enough for the kit's raster heatmaps. */
function stubCanvas() {
  const context = {
    fillStyle: '',
    clearRect: () => undefined,
    fillRect: () => undefined,
    getImageData: () => ({ data: new Uint8ClampedArray(4) }),
    createImageData: (w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4) }),
    putImageData: () => undefined,
  };
  // The stub returns the one context type the kit asks for ('2d').
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation((() => context) as never);
  vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockImplementation(() => 'data:,');
}

beforeAll(() => {
  vi.stubGlobal('fetch', serveFromPublic);
  stubCanvas();
  configurePageRegistry({
    baseUrl: 'http://book.test/models/',
    loadOrt: async () => ort,
    executionProviders: { wasm: 'cpu' },
    chooseBackend: async () => ({
      backend: 'wasm',
      reason: 'onnxruntime-node in tests',
      forced: true,
    }),
    executor: new OrtExecutor(),
  });
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/chapters/x/');
});

/**
 * How long a figure may take here: the 2048 x 2048 passes take ~0.1 s each on an idle 2-core
 * machine, but 3 s each when training runs share it (16 of them for the copying figure).
 */
const WAIT = { timeout: 300_000, interval: 100 };
/** A test's own limit: a figure's WAIT plus the test's reference computations. */
const TEST_MS = 420_000;

/** The head with the best score of a layer on the figures' random sequence (40 tokens, seed 1). */
async function liveBest(kind: 'prevToken' | 'induction', layer: number) {
  const m = await loadNodeModel('attn-only-2l');
  const r = (await runRepeat(m, 40, 1))!.rows[0];
  return { m, head: bestHead(r[kind], layer).head };
}

function ready(container: Element, testId: string): HTMLElement {
  const el = container.querySelector(`[data-testid="${testId}"]`);
  if (!el) throw new Error(`${testId} is not there yet`);
  return el as HTMLElement;
}

describe('the figures of the paper checks, rendered', () => {
  it(
    'positional QK: defaults to the measured previous-token head, shows its share of q − 1, and keeps a chosen head in the URL',
    async () => {
      const { m, head } = await liveBest('prevToken', 0);
      const p = positionalQk(m.weights, 0, head);
      const { container, getByRole } = render(<PositionalQkFigure />);
      await waitFor(() => ready(container, 'positional-qk-ready'), WAIT);
      expect(
        getByRole('radio', { name: new RegExp(`^head 0\\.${head},`) }).getAttribute('aria-checked'),
      ).toBe('true');
      expect(ready(container, 'positional-qk-previous').textContent).toContain(
        formatPercent(p.previousShare),
      );
      const map = container.querySelector('[aria-roledescription="heatmap"]')!;
      expect(map.getAttribute('aria-label')).toMatch(
        new RegExp(`Positional QK scores of head 0\\.${head}, first 32 positions`),
      );
      expect(map.getAttribute('tabindex')).toBe('0');
      const other = (head + 1) % m.config.n_heads;
      fireEvent.click(getByRole('radio', { name: new RegExp(`^head 0\\.${other},`) }));
      await waitFor(
        () =>
          expect(ready(container, 'positional-qk-ready').dataset.key).toMatch(
            new RegExp(`^0\\.${other}:`),
          ),
        WAIT,
      );
      expect(new URL(window.location.href).searchParams.get('pq.head')).toBe(`0.${other}`);
    },
    TEST_MS,
  );

  it(
    'copying, two ways: every head of the chosen model with its copying score and top-1 accuracy',
    async () => {
      const { weights: w } = await loadNodeModel('attn-only-2l');
      const { container, getByRole } = render(<CopyingAccuracyFigure />);
      await waitFor(() => ready(container, 'copying-ready'), WAIT);
      const table = getByRole('region', { name: /Copying score and top-1 accuracy of every head/ });
      const rows = [...table.querySelectorAll('tbody tr')];
      expect(rows).toHaveLength(w.config.n_layers * w.config.n_heads);
      const row12 = rows.find((r) => r.firstElementChild?.textContent === '1.2')!;
      expect(row12.children[2].textContent).toBe(formatPercent(copyingAccuracy(w, 1, 2)));
    },
    TEST_MS,
  );

  it(
    'K-composition over tokens: the measured heads, the eigenvalue score and top-1 of their term, a labelled heatmap',
    async () => {
      const { m, head: prev } = await liveBest('prevToken', 0);
      const { head: ind } = await liveBest('induction', 1);
      const fm = kCompositionCircuit(m.weights, { layer: 0, head: prev }, { layer: 1, head: ind });
      const { container, getByLabelText } = render(<KCompositionTokensFigure />);
      await waitFor(() => ready(container, 'kt-ready'), WAIT);
      expect((getByLabelText('Previous-token head (layer 0)') as HTMLSelectElement).value).toBe(
        `0.${prev}`,
      );
      expect((getByLabelText('Induction head (layer 1)') as HTMLSelectElement).value).toBe(
        `1.${ind}`,
      );
      expect(ready(container, 'kt-eigen').textContent).toContain(
        formatFixed(copyingScoreOf(fm), 3),
      );
      await waitFor(
        () => expect(container.querySelector('[aria-roledescription="heatmap"]')).not.toBeNull(),
        WAIT,
      );
      expect(
        container.querySelector('[aria-roledescription="heatmap"]')!.getAttribute('aria-label'),
      ).toMatch(new RegExp(`K-composition term of 0\\.${prev} into 1\\.${ind}`));
    },
    TEST_MS,
  );

  it(
    'energy per coordinate: W_pos and W_E in the last 32 coordinates, and a block the reader sets, kept in the URL',
    async () => {
      const { weights: w } = await loadNodeModel('attn-only-2l');
      const [E, P] = writerEnergies(w);
      const { container, getByLabelText } = render(<ResidualEnergyFigure />);
      await waitFor(() => ready(container, 'energy-ready'), WAIT);
      expect(ready(container, 'energy-pos').textContent).toContain(
        formatPercent(energyIn(P.energy, 96, 127)),
      );
      expect(ready(container, 'energy-embed').textContent).toContain(
        formatPercent(energyIn(E.energy, 96, 127)),
      );
      const from = getByLabelText('Block from coordinate') as HTMLInputElement;
      fireEvent.change(from, { target: { value: '0' } });
      await waitFor(
        () => expect(ready(container, 'energy-ready').dataset.key).toMatch(/:0-127:/),
        WAIT,
      );
      expect(new URL(window.location.href).searchParams.get('ce.from')).toBe('0');
      expect(ready(container, 'energy-pos').textContent).toContain(
        formatPercent(energyIn(P.energy, 0, 127)),
      );
    },
    TEST_MS,
  );

  it(
    'two layers, path by path: the terms close on the model logit in the figure',
    async () => {
      const { container } = render(<TwoLayerPathsFigure />);
      await waitFor(() => ready(container, 'two-layer-ready'), WAIT);
      const closure = ready(container, 'two-layer-closure').textContent ?? '';
      const num = (label: string) =>
        Number(new RegExp(`${label} (\\S+)`).exec(closure)![1].replace('−', '-'));
      expect(Math.abs(num('Sum of terms') - num("model's logit"))).toBeLessThan(1e-3);
      expect(
        container.querySelector('[aria-roledescription="heatmap"]')!.getAttribute('aria-label'),
      ).toMatch(/Contribution of each virtual head/);
    },
    TEST_MS,
  );
});
