import { EXERCISES, solvedCount } from '../kit';
import { useExerciseProgress } from '../kit/use-exercise-progress';

/** One line for the home page: how many exercises this browser has solved, per chapter. */
export default function ProgressSummary({ href }: { href: string }) {
  const { progress, note } = useExerciseProgress();
  const chapters = [...new Set(EXERCISES.map((e) => e.chapter))];
  const per = chapters.map((c) => {
    const ids = EXERCISES.filter((e) => e.chapter === c).map((e) => e.id);
    return { c, solved: solvedCount(progress, ids), total: ids.length };
  });
  const all = per.reduce((a, x) => a + x.solved, 0);
  return (
    <p data-testid="home-progress">
      Exercises solved in this browser: {all} of {EXERCISES.length} (
      {per.map((x, i) => (
        <span key={x.c}>
          {i > 0 && ', '}chapter {x.c}: {x.solved}/{x.total}
        </span>
      ))}
      ). <a href={href}>Your progress: print, export or clear</a>.{note && <> {note}</>}
    </p>
  );
}
