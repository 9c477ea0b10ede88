import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkParity, type ReferenceDoc } from '../../src/model/reference';
import { loadNodeModel } from './node-model';
import { fixturesDir } from './paths';

const MODELS = ['attn-only-1l', 'attn-only-2l', 'gelu-1l'];

describe('parity with the PyTorch reference', () => {
  for (const id of MODELS) {
    it(`matches every hook of ${id}, plain and with head_mask / patching, within the fixture's tolerance (≤ 1e-4)`, async () => {
      const path = `${fixturesDir}/reference/${id}.json`;
      expect(existsSync(path), `${path} is missing (training/export.py writes it)`).toBe(true);
      const doc = JSON.parse(readFileSync(path, 'utf8')) as ReferenceDoc;
      expect(doc.tolerance).toBeLessThanOrEqual(1e-4);
      const model = await loadNodeModel(id);
      const results = await checkParity(
        model,
        doc,
        async (rel) => new Uint8Array(readFileSync(`${dirname(path)}/${rel}`)),
      );
      // Every hook the model outputs is checked, in both runs.
      expect(results.length).toBe(model.config.hook_names.length * doc.runs.length);
      expect(doc.runs.some((r) => r.inputs)).toBe(true);
      const worst = results.reduce((a, b) => (b.maxAbsDiff > a.maxAbsDiff ? b : a));
      expect(worst.maxAbsDiff, `${worst.run} ${worst.hook}`).toBeLessThanOrEqual(doc.tolerance);
      expect(model.liveTensors).toBe(0);
    });
  }
});
