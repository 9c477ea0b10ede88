/**
 * Top-k: the k largest entries of a vector, the one top-k primitive the
 * runtime and the figures share (top predictions, the rows and columns of a
 * circuit, skip trigrams, the figures' short lists). Pure; no allocation
 * beyond the k kept entries.
 */

/** An entry of a top-k query: its index and value. */
export interface Ranked {
  index: number;
  value: number;
}

/** `a` ranks above `b`: a larger value, or the same value at a lower index; NaN ranks below everything. */
function above(values: ArrayLike<number>, a: number, b: number): boolean {
  const va = values[a];
  const vb = values[b];
  if (va > vb || (Number.isNaN(vb) && !Number.isNaN(va))) return true;
  return (va === vb || (Number.isNaN(va) && Number.isNaN(vb))) && a < b;
}

/**
 * The `k` largest entries of `values`, value descending, ties in index order
 * (lower index first), NaN last: exactly the first `k` of a stable
 * descending sort of the indices. `k` is floored and clamped to `[0, values.length]`.
 * O(n log k): a bounded heap of the best k so far, whose root is the worst kept.
 */
export function topK(values: ArrayLike<number>, k: number): Ranked[] {
  const n = values.length;
  const m = Math.min(Math.floor(k), n);
  if (!(m > 0)) return []; // k <= 0 or NaN
  const heap: number[] = [];
  // Min-heap by rank: heap[0] is the worst of the kept entries.
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && above(values, heap[worst], heap[l])) worst = l;
      if (r < heap.length && above(values, heap[worst], heap[r])) worst = r;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst], heap[i]];
      i = worst;
    }
  };
  for (let i = 0; i < n; i++) {
    if (heap.length < m) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0;) {
        const p = (c - 1) >> 1;
        if (!above(values, heap[p], heap[c])) break;
        [heap[p], heap[c]] = [heap[c], heap[p]];
        c = p;
      }
    } else if (above(values, i, heap[0])) {
      heap[0] = i;
      siftDown(0);
    }
  }
  heap.sort((a, b) => (above(values, a, b) ? -1 : 1));
  return heap.map((index) => ({ index, value: values[index] }));
}
