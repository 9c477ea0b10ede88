/**
 * Every chapter's notebook exercise prints what its page says it should
 * (issue 16 item 3): the code shown on the page (src/components/ch*\/notebook.py)
 * is run by Python on the shipped transformer_lens.pt, with TransformerLens
 * stood in by the reference of training/tests/test_transformer_lens_export.py
 * (training/tests/run_exercise_notebooks.py), and its output must pass the
 * page's own check against the expected output the page computes in the
 * browser's runtime. Skipped where Debian's python3 with torch is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ch1 from '../../src/components/ch1/exercises';
import * as ch2 from '../../src/components/ch2/exercises';
import * as ch3 from '../../src/components/ch3/exercises';
import * as ch4 from '../../src/components/ch4/exercises';
import * as ch5 from '../../src/components/ch5/exercises';
import * as ch6 from '../../src/components/ch6/exercises';
import { checkNotebookOutput } from '../../src/components/kit/ExerciseInputs';
import { tokenizer } from './exercise-helpers';
import { loadNodeModel } from './node-model';
import { root } from './paths';

const PYTHON = '/usr/bin/python3';

function hasTorch(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import torch, pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Which model each chapter's notebook loads, and the page's expected output for it. */
const NOTEBOOKS: Record<string, [string, () => Promise<string>]> = {
  ch1: [
    'attn-only-2l',
    async () => ch1.notebookExpected(await loadNodeModel('attn-only-2l'), tokenizer),
  ],
  ch2: [
    'attn-only-2l',
    async () => ch2.notebookExpected(await loadNodeModel('attn-only-2l'), tokenizer),
  ],
  ch3: ['gelu-1l', async () => ch3.notebookExpected(await loadNodeModel('gelu-1l'), tokenizer)],
  ch4: ['attn-only-2l', async () => ch4.notebookExpected(await loadNodeModel('attn-only-2l'))],
  ch5: ['attn-only-1l', async () => ch5.notebookExpected(await loadNodeModel('attn-only-1l'))],
  ch6: ['attn-only-2l', async () => ch6.notebookExpected(await loadNodeModel('attn-only-2l'))],
};

describe('notebook exercises', () => {
  it.skipIf(!hasTorch())(
    'each chapter’s notebook code, run on transformer_lens.pt, prints what its page expects, and the page’s check accepts it',
    async () => {
      const printed = JSON.parse(
        execFileSync(
          PYTHON,
          [
            `${root}training/tests/run_exercise_notebooks.py`,
            ...Object.entries(NOTEBOOKS).map(([c, [model]]) => `${c}=${model}`),
          ],
          { encoding: 'utf8', cwd: root, timeout: 120_000 },
        ),
      ) as Record<string, string>;
      for (const [chapter, [, expected]] of Object.entries(NOTEBOOKS)) {
        const want = await expected();
        const verdict = checkNotebookOutput(printed[chapter], want);
        expect(verdict.ok, `${chapter}: printed\n${printed[chapter]}expected\n${want}`).toBe(true);
        // and the page's check is not a rubber stamp
        expect(checkNotebookOutput('', want).ok).toBe(false);
        expect(checkNotebookOutput(`${printed[chapter]} 0.5`, want).ok).toBe(false);
        const off = printed[chapter].replace(/\d+\.\d+/, (x) => (Number(x) + 0.01).toFixed(3));
        if (off !== printed[chapter]) expect(checkNotebookOutput(off, want).ok).toBe(false);
      }
    },
    180_000,
  );
});
