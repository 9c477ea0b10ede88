/**
 * Instructor notes for every exercise (issue 16 item 6): what it tests, its
 * solution (for per-student variants, how to derive the student's own), the
 * wrong answers students commonly give, and the time it takes. The
 * instructor pages print them; `npm run solutions -- <seed>...` prints them
 * with the live values for each student seed. Keyed by the catalog's ids;
 * tests/unit/exercise-notes.test.ts checks every exercise has its note.
 */

/** The instructor's note on one exercise. */
export interface ExerciseNote {
  /** What the exercise tests, in a sentence. */
  tests: string;
  /** A solution, or how to derive one (the live values come from `npm run solutions`). */
  solution: string;
  /** Wrong answers students commonly give, and why they are wrong. */
  wrong: string[];
  /** Minutes a student typically needs. */
  minutes: number;
  /** For a seeded exercise: what the seed changes. */
  variant?: string;
}

const NOTEBOOK_SOLUTION =
  'Run the code shown on the page; its output must match the expected output the page computes from the same model (numbers to ±0.002). `npm run solutions` prints it.';

/** Every exercise's note, by exercise id. */
export const EXERCISE_NOTES: Record<string, ExerciseNote> = {
  'ch1.confident': {
    tests:
      'That a next-token distribution reflects the training text: confident where the corpus is formulaic.',
    solution: '“Thus saith the” (the model gives “ LORD” more than half its probability).',
    wrong: [
      'Repeating a phrase so the model copies it (refused: copying is chapter 6).',
      'Ordinary prose, where even a good model is rarely above 50%.',
    ],
    minutes: 5,
  },
  'ch1.fluent': {
    tests:
      'What mean loss measures, and that low loss needs predictable text, not just grammatical text.',
    solution:
      '“And the LORD spake unto Moses, saying, Speak unto the children of Israel” (about 1.7 nats).',
    wrong: ['Repeating one’s own text (refused).', 'Well-formed modern prose (4-5 nats).'],
    minutes: 8,
  },
  'ch1.sizes': {
    tests:
      'Parameters against activations: n_heads · n² pattern entries against a fixed parameter count.',
    solution:
      'n = ⌊√(P/8)⌋ + 1 tokens, with P the parameters of layer 0’s attention (the check prints P); any text of that length, e.g. “ a” repeated n times.',
    wrong: [
      'Counting only W_Q and W_K.',
      'Forgetting the biases.',
      'Off by one (n with n_heads·n² = P exactly).',
    ],
    minutes: 10,
  },
  'ch1.predict': {
    tests: 'Calibrating one’s expectations of a small model before seeing it run.',
    solution:
      '“ no”: a continuation frequent after “ was” in its training text, not the verse’s own “ light”.',
    wrong: ['“ light”, expecting the model to know the verse.'],
    minutes: 3,
  },
  'ch1.params': {
    tests: 'Reading tensor shapes from TransformerLens names and counting parameters.',
    solution:
      '2·d_vocab·d_model (W_E, W_U) + n_ctx·d_model + d_vocab (b_U) + n_layers·(4·n_heads·d_model·d_head + 3·n_heads·d_head + d_model). The page shows the total in its solution.',
    wrong: ['Forgetting W_pos or b_U.', 'Counting W_O as d_model × d_model.'],
    minutes: 10,
  },
  'ch1.notebook': {
    tests: 'Loading the book’s model in TransformerLens and reading a next-token distribution.',
    solution: NOTEBOOK_SOLUTION,
    wrong: ['Prepending a BOS token (the models never saw one).', 'Taking argmax of position 0.'],
    minutes: 15,
  },
  'ch2.beat': {
    tests:
      'Direct logit attribution, and that heads matter where the answer depends on earlier tokens.',
    solution: '“And God said, Let there be light: and there was” (head 1.1 beats the embedding).',
    wrong: ['Set phrases where the last token alone decides (the embedding wins).'],
    minutes: 8,
  },
  'ch2.knock': {
    tests: 'Ablation: switching one head off, and where a single head carries the answer.',
    solution: 'Head 1.3 with “And the LORD spake unto Moses,”.',
    wrong: [
      'A layer-0 head on a prompt decided by the bigram table.',
      'The chapter’s own example (refused).',
    ],
    minutes: 10,
  },
  'ch2.lens': {
    tests: 'The logit lens: what the stream says before the heads have written.',
    solution: '“And God said, Let there be light: and there was”.',
    wrong: ['Prompts whose answer is the last token’s usual follower.'],
    minutes: 8,
  },
  'ch2.sum': {
    tests: 'That, without LayerNorm, the logit is exactly the sum of the direct contributions.',
    solution: 'The logit minus the sum of every listed term (b_U included).',
    wrong: ['Leaving out b_U or b_O.', 'Rounding each term to one decimal.'],
    minutes: 5,
    variant: 'The hidden head: any of the 16 heads.',
  },
  'ch2.ablate': {
    tests: 'Predicting an ablation before running it: which predictions rest on moved information.',
    solution: 'It stays the same: “ LORD” after “Thus saith the” rests mostly on the bigram.',
    wrong: ['“It changes”, since head 0.3 feeds the induction heads (not needed here).'],
    minutes: 3,
  },
  'ch2.notebook': {
    tests: 'Reading the cache and unembedding residual vectors in TransformerLens.',
    solution: NOTEBOOK_SOLUTION,
    wrong: ['Forgetting b_U.', 'Reading hook_embed (without the positional embedding).'],
    minutes: 15,
  },
  'ch3.rotation': {
    tests: 'That the MLP neuron basis is privileged: rotating it is not a symmetry.',
    solution: '“I am the LORD your” (gelu-1l predicts “ God”; rotated, something else).',
    wrong: ['An unsure prediction (refused: it would change at any nudge).'],
    minutes: 5,
  },
  'ch3.invariances': {
    tests:
      'Which changes of basis are symmetries: none across an elementwise nonlinearity except permutations.',
    solution:
      'The residual rotation and the neuron permutation; not the 1° rotation nor the sign flip.',
    wrong: ['The sign flip (GELU is not odd).', 'Leaving out the permutation.'],
    minutes: 8,
  },
  'ch3.small': {
    tests:
      'That breaking a symmetry changes the function continuously: small rotations, small changes.',
    solution: 'It stays the same; the largest logit change is small.',
    wrong: ['“It changes”, from reading exercise 1 as “any rotation changes the answer”.'],
    minutes: 3,
  },
  'ch3.flip': {
    tests: 'Why a sign flip is not a symmetry of GELU, worked out with numbers.',
    solution: 'x·(2Φ(x) − 1) = x·erf(x/√2), with x the neuron’s pre-activation shown.',
    wrong: ['0 (treating GELU as odd).', '2·GELU(x).'],
    minutes: 8,
    variant: 'The neuron: any of the 512.',
  },
  'ch3.notebook': {
    tests: 'Permuting neurons in TransformerLens weights consistently on both sides.',
    solution: NOTEBOOK_SOLUTION,
    wrong: ['Permuting W_in’s rows (d_model) instead of its columns.'],
    minutes: 15,
  },
  'ch4.composition': {
    tests: 'K-composition: which layer-0 head a layer-1 head’s keys read.',
    solution:
      'For the induction heads (1.2, 1.5, 1.7), head 0.3, the previous-token head; others from the composition grid.',
    wrong: ['The layer-0 head with the largest output norm.'],
    minutes: 5,
  },
  'ch4.read': {
    tests: 'Reading as projection: how much of the stream a head’s query subspace holds.',
    solution: 'Head 0.2 on “Thus saith the” (about 40%).',
    wrong: ['Layer-1 heads, whose input is dominated by directions they do not read.'],
    minutes: 8,
  },
  'ch4.share': {
    tests: 'Virtual weights in use: one writer supplying a reader’s key.',
    solution: 'Writer 0.3, reader 1.2, on almost any sentence.',
    wrong: ['Pairs with low composition scores.'],
    minutes: 8,
  },
  'ch4.hand': {
    tests: 'The composition score’s definition, by hand.',
    solution: '‖W_OV W_QKᵀ‖ / (‖W_OV‖ ‖W_QK‖) from the three norms shown.',
    wrong: ['Multiplying instead of dividing by the norms.', 'Using squared norms.'],
    minutes: 4,
    variant: 'The pair: any layer-0 writer and layer-1 reader.',
  },
  'ch4.notebook': {
    tests: 'Building W_OV and W_QK from TransformerLens weights.',
    solution: NOTEBOOK_SOLUTION,
    wrong: ['W_K @ W_Q.T in place of W_Q @ W_K.T.', 'Q-composition instead of K.'],
    minutes: 15,
  },
  'ch5.full-stop': {
    tests: 'Reading a head’s attention pattern: what its query looks for.',
    solution: 'For head 0.0: “And God said, Let there be light: and there was light.”',
    wrong: ['“a.b.c.” or “Yes. No.” (refused: not text).'],
    minutes: 8,
  },
  'ch5.copy': {
    tests: 'OV copying against the direct path in a one-layer model.',
    solution: '“The parrot sat on a branch. Everyone loved the parrot. The parrot sat on a”.',
    wrong: ['A repeat whose next token the bigram table also predicts.'],
    minutes: 10,
  },
  'ch5.name': {
    tests: 'What skip-trigrams can and cannot do: a one-layer model does not complete a name.',
    solution: '“.”: attn-only-1l gives “ Zarkov”’s first token almost nothing.',
    wrong: ['“ Zarkov”, crediting a one-layer model with induction.'],
    minutes: 3,
  },
  'ch5.eigen': {
    tests: 'The copying score from the eigenvalues of the full OV circuit.',
    solution: 'Σ Re λ / Σ |λ| from the two sums shown.',
    wrong: ['Σ |λ| / Σ Re λ.', 'Σ λ / d_head.'],
    minutes: 4,
    variant: 'The head: any of attn-only-2l’s 16.',
  },
  'ch5.notebook': {
    tests: 'Eigenvalues of a low-rank product through its small side.',
    solution: NOTEBOOK_SOLUTION,
    wrong: [
      'Building the 2,048 × 2,048 matrix (slow but right).',
      'Using eigvalsh (the matrix is not symmetric).',
    ],
    minutes: 15,
  },
  'ch6.name': {
    tests: 'Induction on a name said twice, and how tokenization helps or hinders it.',
    solution: '“Our neighbour is called Quentin Zarkov. We like Quentin Zarkov”.',
    wrong: ['A name said many times (refused).', 'A name whose pieces are common tokens.'],
    minutes: 10,
  },
  'ch6.gap': {
    tests: 'What the second layer adds: induction, measured as a loss gap on repeated tokens.',
    solution: 'Any invented name used twice in sentences, e.g. exercise 1’s answer.',
    wrong: ['Repeating common phrases (both models already predict them).'],
    minutes: 8,
  },
  'ch6.drop': {
    tests: 'That a one-layer model cannot do induction on random tokens.',
    solution: 'A little lower (less than 2 nats).',
    wrong: ['“Much lower”, crediting copying with induction.'],
    minutes: 3,
  },
  'ch6.stripe': {
    tests: 'The induction score’s definition, on a pattern.',
    solution: 'The mean of the stripe values shown.',
    wrong: ['Including the first copy’s positions.', 'Summing instead of averaging.'],
    minutes: 3,
    variant: 'The random sequence and the layer-1 head.',
  },
  'ch6.notebook': {
    tests: 'Indexing the induction stripe of hook_pattern in TransformerLens.',
    solution: NOTEBOOK_SOLUTION,
    wrong: ['Offset −L instead of −(L − 1).', 'Averaging over all queries.'],
    minutes: 15,
  },
};
