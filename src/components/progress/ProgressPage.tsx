import { useState } from 'preact/hooks';
import { EXERCISES } from '../kit/exercise-catalog';
import { exportProgress, solvedCount, type Progress } from '../kit/exercise-progress';
import { useExerciseProgress } from '../kit/use-exercise-progress';
import './progress.css';

/** Chapters that have exercises, in order. */
const CHAPTERS = [...new Set(EXERCISES.map((e) => e.chapter))];

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

/** Records saved under ids this version of the book no longer has. */
function unknownIds(p: Progress): string[] {
  return Object.keys(p.exercises).filter((id) => !EXERCISES.some((e) => e.id === id));
}

/**
 * The reader's exercise progress, read from this browser only: a printable
 * table (exercise, solved, answer, when), the student seed and the book's
 * version; export as a JSON file, print, set the student seed, or clear.
 */
export default function ProgressPage({ bookVersion }: { bookVersion: string }) {
  const h = useExerciseProgress();
  const p = h.progress;
  const [seed, setSeed] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const total = solvedCount(
    p,
    EXERCISES.map((e) => e.id),
  );
  const stale = unknownIds(p);
  return (
    <div class="progress-page" data-testid="progress-page">
      {h.note && (
        <p role="status" data-testid="progress-note">
          {h.note}
        </p>
      )}
      <p data-testid="progress-total">
        Solved {total} of {EXERCISES.length} exercises. Book version {bookVersion}; student seed{' '}
        {p.seed ? <code>{p.seed}</code> : 'none'}.
      </p>
      <p class="progress-controls">
        <button
          type="button"
          onClick={() =>
            download(
              `circuits-progress-${p.seed || 'no-seed'}.json`,
              exportProgress(p, bookVersion, new Date()),
            )
          }
        >
          Export as JSON
        </button>{' '}
        <button type="button" onClick={() => window.print()}>
          Print this page
        </button>{' '}
        {confirming ? (
          <>
            <button
              type="button"
              onClick={() => {
                h.clear();
                setConfirming(false);
              }}
            >
              Yes, forget everything
            </button>{' '}
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Clear progress…
          </button>
        )}
      </p>
      <form
        class="progress-controls"
        onSubmit={(e) => {
          e.preventDefault();
          if (seed !== undefined && /^[A-Za-z0-9_-]{0,40}$/.test(seed)) h.setSeed(seed);
        }}
      >
        <label>
          Student seed (from your instructor; letters, digits, - or _):{' '}
          <input
            value={seed ?? p.seed}
            pattern="[A-Za-z0-9_\-]{0,40}"
            onInput={(e) => setSeed(e.currentTarget.value)}
          />
        </label>{' '}
        <button type="submit">Save seed</button>
      </form>
      {CHAPTERS.map((c) => {
        const list = EXERCISES.filter((e) => e.chapter === c);
        return (
          <section key={c} aria-labelledby={`progress-ch${c}`}>
            <h2 id={`progress-ch${c}`}>
              Chapter {c}:{' '}
              {solvedCount(
                p,
                list.map((e) => e.id),
              )}{' '}
              of {list.length} solved
            </h2>
            <div
              class="progress-scroll"
              tabIndex={0}
              role="region"
              aria-label={`Chapter ${c} exercises`}
            >
              <table class="progress-table">
                <thead>
                  <tr>
                    <th scope="col">Exercise</th>
                    <th scope="col">Solved</th>
                    <th scope="col">Answer</th>
                    <th scope="col">When</th>
                    <th scope="col">Checks</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e) => {
                    const r = p.exercises[e.id];
                    return (
                      <tr key={e.id} data-exercise-id={e.id}>
                        <th scope="row">
                          {e.n}. {e.title}
                        </th>
                        <td>{r?.solved ? 'yes' : r ? 'not yet' : '—'}</td>
                        <td class="progress-answer">{r?.answer ?? ''}</td>
                        <td>{r ? new Date(r.at).toLocaleString() : ''}</td>
                        <td>{r?.attempts ?? 0}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
      {stale.length > 0 && (
        <p>
          Also saved, from exercises this version of the book no longer has: {stale.join(', ')}.
        </p>
      )}
    </div>
  );
}
