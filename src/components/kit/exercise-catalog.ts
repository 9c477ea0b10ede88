/**
 * Every exercise in the book: its stable id (the key of saved progress, so a
 * new version keeps a reader's record), chapter, number, kind and a short
 * title. The chapter figures use these ids; the progress page and the home
 * page count from here. tests/unit/exercise-kit.test.ts checks each id is
 * used by exactly one chapter figure.
 */
import type { ExerciseKind } from './Exercise';

/** One exercise of the book. */
export interface CatalogEntry {
  id: string;
  chapter: number;
  n: number;
  kind: ExerciseKind;
  title: string;
}

const e = (chapter: number, n: number, name: string, kind: ExerciseKind, title: string) => ({
  id: `ch${chapter}.${name}`,
  chapter,
  n,
  kind,
  title,
});

/** The book's exercises, in reading order. */
export const EXERCISES: readonly CatalogEntry[] = [
  e(1, 1, 'confident', 'prompt', 'A confident prediction on natural text'),
  e(1, 2, 'fluent', 'prompt', 'A passage the model finds easy, without repeating itself'),
  e(1, 3, 'sizes', 'prompt', 'When activations outnumber parameters'),
  e(1, 4, 'predict', 'predict', 'Predict the favourite continuation of a verse'),
  e(1, 5, 'params', 'numeric', 'Count the parameters by hand'),
  e(1, 6, 'notebook', 'notebook', 'The top prediction in TransformerLens'),
  e(2, 1, 'beat', 'prompt', 'A head that beats the token embedding'),
  e(2, 2, 'knock', 'prompt', 'One head that changes the answer'),
  e(2, 3, 'lens', 'prompt', 'A prediction the current token alone could not make'),
  e(2, 4, 'sum', 'numeric', 'A head’s direct contribution, from the others and the logit'),
  e(2, 5, 'ablate', 'predict', 'Predict what switching off the previous-token head does'),
  e(2, 6, 'notebook', 'notebook', 'The logit lens in TransformerLens'),
  e(3, 1, 'rotation', 'prompt', 'Rotating the neurons changes a confident prediction'),
  e(3, 2, 'invariances', 'choice', 'Which changes of basis keep the function'),
  e(3, 3, 'small', 'predict', 'Predict what a 1° rotation of two neurons does'),
  e(3, 4, 'flip', 'numeric', 'What flipping a neuron’s sign changes, by hand'),
  e(3, 5, 'notebook', 'notebook', 'Permuting the neurons in TransformerLens'),
  e(4, 1, 'composition', 'predict', 'Predict K-composition from the weights'),
  e(4, 2, 'read', 'prompt', 'A query that reads much of the stream'),
  e(4, 3, 'share', 'prompt', 'A key read mostly from one writer'),
  e(4, 4, 'hand', 'numeric', 'A K-composition score by hand'),
  e(4, 5, 'notebook', 'notebook', 'K-composition in TransformerLens'),
  e(5, 1, 'full-stop', 'prompt', 'Attention on full stops'),
  e(5, 2, 'copy', 'prompt', 'A token the heads must copy'),
  e(5, 3, 'name', 'predict', 'Predict what a one-layer model does with a name'),
  e(5, 4, 'eigen', 'numeric', 'A copying score from eigenvalue sums'),
  e(5, 5, 'notebook', 'notebook', 'Copying scores in TransformerLens'),
  e(6, 1, 'name', 'prompt', 'An invented name, used twice'),
  e(6, 2, 'gap', 'prompt', 'Where two layers beat one'),
  e(6, 3, 'drop', 'predict', 'Predict what a repeat does for a one-layer model'),
  e(6, 4, 'stripe', 'numeric', 'An induction score by hand'),
  e(6, 5, 'notebook', 'notebook', 'Induction scores in TransformerLens'),
];

/** The catalog entry of `id`; throws for an id not in the book. */
export function exerciseEntry(id: string): CatalogEntry {
  const found = EXERCISES.find((x) => x.id === id);
  if (!found) throw new Error(`no exercise ${id} in the catalog`);
  return found;
}
