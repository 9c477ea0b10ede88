// @vitest-environment happy-dom
// @vitest-environment-options { "url": "http://book.test/chapters/x/" }
/**
 * Chapter 5's storage figure, rendered in a DOM through the kit's one door
 * with the real model on onnxruntime-node: its split by writer of what the
 * layer-1 head moves from punctuation shows the shares the runtime computes
 * (checked against a separate run here), and keeps a chosen head in the URL.
 */
import { cleanup, fireEvent, render, waitFor } from '@testing-library/preact';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import StorageFigure from '../../src/components/ch5/StorageFigure';
import { formatNumber, formatSigned } from '../../src/components/kit/format';
import { storageQueries, storageStats } from '../../src/model/attention-stats';
import { OrtExecutor } from '../../src/model/executor';
import { configurePageRegistry } from '../../src/model/registry';
import { tokenizerFromJson } from '../../src/model/tokenizer';
import { movedByWriter } from '../../src/model/value-writers';
import { loadNodeModel, ort } from './node-model';
import { findModelsDir, root } from './paths';

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

const WAIT = { timeout: 300_000, interval: 100 };
const TEST_MS = 420_000;

/** The figure's default text (src/components/ch5/StorageFigure.tsx). */
const TEXT =
  'The old man walked to the river. He sat down by the water, and he watched the boats. When the sun set, he went home. The next day he came back.';

/** The shares by writer of layer-1 head `h` on the default text, computed apart from the figure. */
async function reference(h?: number) {
  const m = await loadNodeModel('attn-only-2l');
  const tok = tokenizerFromJson(
    JSON.parse(readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8')),
  );
  const ids = tok.encode(TEXT);
  const isT = tok.tokenStrings(ids).map((s) => /[.,;:!?]/.test(s));
  const r = await m.run(ids, {
    hooks: [
      'hook_embed',
      'hook_pos_embed',
      'blocks.0.attn.hook_result',
      'blocks.1.attn.hook_pattern',
      'blocks.1.attn.hook_v',
    ],
    logits: false,
  });
  const st = storageStats(
    m.weights,
    1,
    r.hooks['blocks.1.attn.hook_pattern'],
    r.hooks['blocks.1.attn.hook_v'],
    isT,
  );
  const head = h ?? Array.from(st.attention).indexOf(Math.max(...st.attention));
  return { head, split: movedByWriter(m.weights, r.hooks, 1, head, storageQueries(isT), isT) };
}

function ready(container: Element, testId: string): HTMLElement {
  const el = container.querySelector(`[data-testid="${testId}"]`);
  if (!el) throw new Error(`${testId} is not there yet`);
  return el as HTMLElement;
}

describe('the storage figure, rendered', () => {
  it(
    'splits what the layer-1 head most on punctuation moves from there by writer, shares as computed, and keeps a chosen head in the URL',
    async () => {
      const { head, split } = await reference();
      const { container, getByLabelText } = render(<StorageFigure />);
      await waitFor(() => ready(container, 'storage-writers'), WAIT);
      const box = ready(container, 'storage-writers');
      expect(box.dataset.head).toBe(`1.${head}`);
      const items = [...box.querySelectorAll('.kit-bars li')];
      expect(items.map((li) => li.querySelector('.kit-bar-label')!.textContent)).toEqual(
        split.parts.map((p) => p.writer),
      );
      items.forEach((li, i) =>
        expect(li.querySelector('.kit-bar-value')!.textContent).toBe(
          formatSigned(split.parts[i].share, 4),
        ),
      );
      const embedRow = [...box.querySelectorAll('tbody tr')].find(
        (r) => r.firstElementChild?.textContent === 'embed',
      )!;
      expect(embedRow.children[1].textContent).toBe(formatNumber(split.parts[0].share, 2));

      const other = (head + 1) % 8;
      fireEvent.change(getByLabelText('Split by writer for head'), {
        target: { value: String(other) },
      });
      await waitFor(
        () => expect(ready(container, 'storage-writers').dataset.head).toBe(`1.${other}`),
        WAIT,
      );
      expect(new URL(window.location.href).searchParams.get('st.reader')).toBe(String(other));
      const o = await reference(other);
      const first = ready(container, 'storage-writers').querySelector('.kit-bar-value')!;
      expect(first.textContent).toBe(formatSigned(o.split.parts[0].share, 4));
    },
    TEST_MS,
  );
});
