// What the chapter benchmarks run in the page: the figure clock (first
// ready, first live), the keystroke timer and the scroll to the first
// figure; and the statistics of their results. Shared by bench/chapters.mjs
// and bench/network.mjs.
/**
 * Runs in every page before its scripts: the test helpers, the first-live
 * clock, and (unless `scrollToFirst` is false) the scroll to the first figure
 * at DOMContentLoaded.
 */
export function pageHelpers({ scrollToFirst = true } = {}) {
  // Only the attributes that say what a figure is doing: a 128 x 128 heatmap
  // restyles 16k cells a run, which the observers need not hear about.
  const watched = {
    attributes: true,
    attributeFilter: ['data-state', 'data-live', 'data-pending', 'aria-busy'],
  };
  const ch3Busy = (fig) =>
    [...fig.querySelectorAll('.ch3-busy')].some((e) => (e.textContent ?? '').trim() !== '');
  /** Ready, no run in flight, result on screen. */
  const isLive = (fig) => fig.dataset.live === 'true' && !ch3Busy(fig);
  const bench = {
    isLive,
    firstLive: undefined,
    firstReady: undefined,
    /** True while `fig` is loading or a run is in flight in it. */
    running: (fig) =>
      fig.dataset.state !== 'ready' ||
      fig.querySelector('[data-pending="true"], [aria-busy="true"]') !== null ||
      ch3Busy(fig),
    /**
     * Sets `pendingUpdate`: resolves to the ms from the next keydown to the
     * first frame that shows the result of the run it started (the first
     * animation frame after the run's result is committed, once the figure
     * is live), or null after 15 s without one.
     */
    armKeystroke(fig) {
      let keyAt;
      let sawBusy = false;
      // undefined: no result committed yet; null: waiting for its frame; a number: the frame.
      let frameAt;
      bench.pendingUpdate = new Promise((resolve) => {
        document.addEventListener(
          'keydown',
          (e) => {
            keyAt = e.timeStamp;
          },
          { capture: true, once: true },
        );
        const check = () => {
          if (keyAt === undefined) return;
          if (bench.running(fig)) {
            sawBusy = true;
            frameAt = undefined;
          } else if (sawBusy && frameAt === undefined) {
            frameAt = null;
            requestAnimationFrame(() => {
              if (frameAt !== null) return;
              frameAt = performance.now();
              check();
            });
          } else if (typeof frameAt === 'number' && isLive(fig)) {
            finish(frameAt - keyAt);
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(fig, { subtree: true, childList: true, characterData: true, ...watched });
        const timer = setTimeout(() => finish(null), 15_000);
        function finish(value) {
          observer.disconnect();
          clearTimeout(timer);
          resolve(value);
        }
      });
    },
  };
  window.__bench = bench;
  const watch = new MutationObserver(() => {
    const fig = document.querySelector('figure.widget');
    if (!fig) return;
    if (bench.firstReady === undefined && fig.dataset.state === 'ready')
      bench.firstReady = performance.now();
    if (isLive(fig)) {
      bench.firstLive = performance.now();
      watch.disconnect();
    }
  });
  watch.observe(document, { subtree: true, childList: true, characterData: true, ...watched });
  if (scrollToFirst)
    document.addEventListener('DOMContentLoaded', () => {
      document.querySelector('figure.widget')?.scrollIntoView({ block: 'center' });
    });
}

export const median = (xs) => quantile(xs, 0.5);
export function quantile(xs, q) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
}
