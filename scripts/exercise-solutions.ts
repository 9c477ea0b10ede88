/**
 * The body of `npm run solutions -- <seed>...` (scripts/exercise-solutions.mjs
 * bundles and runs it): every exercise's solution from the instructor notes,
 * the values the live model gives for the exercises whose answer is a number
 * or a printout, and, for each student seed, that student's variants with
 * their answers. Runs the shipped models on onnxruntime-node.
 */
import { readFileSync } from 'node:fs';
import * as ch1 from '../src/components/ch1/exercises';
import * as ch2 from '../src/components/ch2/exercises';
import * as ch3 from '../src/components/ch3/exercises';
import * as ch4 from '../src/components/ch4/exercises';
import * as ch5 from '../src/components/ch5/exercises';
import * as ch6 from '../src/components/ch6/exercises';
import { EXERCISES } from '../src/components/kit/exercise-catalog';
import { EXERCISE_NOTES } from '../src/lib/exercise-notes';
import { compositionScore, copyingScore } from '../src/model/circuits';
import { tokenizerFromJson, type TokenizerJson } from '../src/model/tokenizer';
import { loadNodeModel } from '../tests/unit/node-model';

/** Prints the solutions, live values and each seed's variants. */
export async function main(seeds: string[], modelsDir: string, bookVersion: string) {
  const tokenizer = tokenizerFromJson(
    JSON.parse(readFileSync(`${modelsDir}/tokenizer.json`, 'utf8')) as TokenizerJson,
  );
  const two = await loadNodeModel('attn-only-2l');
  const one = await loadNodeModel('attn-only-1l');
  const gelu = await loadNodeModel('gelu-1l');
  const out: string[] = [`Circuits ${bookVersion}: exercise solutions (instructors only)`, ''];

  const live: Record<string, string> = {
    'ch1.params': String(ch1.parameterCount(two)),
    'ch1.notebook': await ch1.notebookExpected(two, tokenizer),
    'ch2.notebook': await ch2.notebookExpected(two, tokenizer),
    'ch3.notebook': await ch3.notebookExpected(gelu, tokenizer),
    'ch4.notebook': await ch4.notebookExpected(two),
    'ch5.notebook': await ch5.notebookExpected(one),
    'ch6.notebook': await ch6.notebookExpected(two),
  };
  for (const e of EXERCISES) {
    const note = EXERCISE_NOTES[e.id];
    out.push(`${e.id}  (chapter ${e.chapter}, exercise ${e.n}, ${e.kind}, ~${note.minutes} min)`);
    out.push(`  tests:    ${note.tests}`);
    out.push(`  solution: ${note.solution}`);
    if (live[e.id]) out.push(`  live:     ${live[e.id].split('\n').join('\n            ')}`);
    if (note.variant) out.push(`  seeded:   ${note.variant}`);
  }

  for (const seed of seeds) {
    out.push('', `Student seed ${JSON.stringify(seed)}:`);
    const hidden = ch2.sumVariant(seed);
    const { terms } = await ch2.sumTerms(two, tokenizer);
    out.push(
      `  ch2.sum     head ${hidden}: ${terms.find((t) => t.component === hidden)!.value.toFixed(3)}`,
    );
    const neuron = ch3.flipVariant(seed);
    const x = await ch3.neuronPre(gelu, tokenizer, neuron);
    out.push(
      `  ch3.flip    neuron ${neuron}, x = ${x.toFixed(4)}: ${(ch3.gelu(x) + ch3.gelu(-x)).toFixed(4)}`,
    );
    const pair = ch4.handVariant(seed);
    const k = compositionScore(
      two.weights,
      { layer: 0, head: pair.writer },
      { layer: 1, head: pair.reader },
      'K',
    );
    out.push(`  ch4.hand    0.${pair.writer} into 1.${pair.reader}: ${k.toFixed(4)}`);
    const head = ch5.eigenVariant(seed);
    out.push(
      `  ch5.eigen   head ${head.layer}.${head.head}: ${copyingScore(two.weights, head.layer, head.head).toFixed(3)}`,
    );
    const sv = ch6.stripeVariant(seed);
    const v = await ch6.stripeValues(two, sv);
    out.push(
      `  ch6.stripe  sequence seed ${sv.seed}, head 1.${sv.head}: ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3)}`,
    );
  }
  return out.join('\n');
}
