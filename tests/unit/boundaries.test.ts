/**
 * The one door is enforced, not just documented: ESLint (the project's own
 * config) refuses a figure that reaches ORT, a session or the registry other
 * than through the kit's runtime door, and accepts type imports and the door.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { root } from './paths';

const eslint = new ESLint({ cwd: root });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('the runtime door is enforced by ESLint', () => {
  it.each([
    ['onnxruntime-web', "import * as ort from 'onnxruntime-web/webgpu';\nexport const x = ort;"],
    [
      'the registry',
      "import { pageRegistry } from '../../model/registry';\nexport const x = pageRegistry;",
    ],
    [
      'the model class',
      "import { HookedModel } from '../../model/hooked-model';\nexport const x = HookedModel;",
    ],
    ['a dynamic import of ort', "export const x = () => import('../../model/ort');"],
    ["a dynamic import of the runtime's index", "export const x = () => import('../../model');"],
  ])('a figure may not import %s', async (_what, code) => {
    const ids = await ruleIds(code, 'src/components/ch5/Probe.tsx');
    expect(ids.some((id) => /no-restricted-(imports|syntax)/.test(id))).toBe(true);
  });

  it('a chapter may not import another chapter, and the kit may not import a chapter', async () => {
    const code = "import { x } from '../ch3/common';\nexport const y = x;\n";
    const rule = /no-restricted-imports/;
    expect((await ruleIds(code, 'src/components/ch4/Probe.tsx')).some((id) => rule.test(id))).toBe(
      true,
    );
    expect((await ruleIds(code, 'src/components/kit/Probe.tsx')).some((id) => rule.test(id))).toBe(
      true,
    );
  });

  it('the runtime may not import the site or the UI', async () => {
    const code = "import { siteUrl } from '../lib/site-root';\nexport const y = siteUrl;\n";
    const ids = await ruleIds(code, 'src/model/probe.ts');
    expect(ids.some((id) => /no-restricted-imports/.test(id))).toBe(true);
  });

  it('a figure may import types, and the kit door may import the runtime', async () => {
    const typeOnly =
      "import type { HookedModel } from '../../model/hooked-model';\nexport type X = HookedModel;\n";
    expect(await ruleIds(typeOnly, 'src/components/ch5/Probe.tsx')).toEqual([]);
    const door = "export const x = () => import('../../model/registry');\n";
    expect(await ruleIds(door, 'src/components/kit/runtime.ts')).toEqual([]);
  });
});

describe('the runtime README', () => {
  it('names every module of src/model in its table', () => {
    const readme = readFileSync(`${root}src/model/README.md`, 'utf8');
    const missing = readdirSync(`${root}src/model`).filter(
      (f) => f !== 'README.md' && !readme.includes(`\`${f}\``),
    );
    expect(missing).toEqual([]);
  });
});
