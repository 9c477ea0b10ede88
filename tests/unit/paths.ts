import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, from this file's location. */
// (Not `new URL('../../', import.meta.url)`: under happy-dom `URL` is the page's.)
export const root = `${resolve(dirname(fileURLToPath(import.meta.url)), '../..')}/`;

/** Reference activations and tokenizer cases written by training/ (FIXTURES_DIR overrides). */
export const fixturesDir = process.env.FIXTURES_DIR ?? `${root}tests/fixtures`;

/**
 * The shipped models (public/models) when they exist, else the early export
 * (training/out/early) so the runtime can be tested while training runs;
 * the first that holds `needs`. MODELS_DIR overrides both.
 */
export function findModelsDir(needs = 'manifest.json'): string {
  const candidates = [process.env.MODELS_DIR, `${root}public/models`, `${root}training/out/early`];
  for (const dir of candidates) if (dir && existsSync(`${dir}/${needs}`)) return dir;
  throw new Error(`no ${needs} in ${candidates.filter(Boolean).join(' or ')}`);
}

/** Directory of one model under the models dir, checking it holds an ONNX graph. */
export function findModelDir(id: string): string {
  const dirs = [process.env.MODELS_DIR, `${root}public/models`, `${root}training/out/early`];
  for (const dir of dirs) if (dir && existsSync(`${dir}/${id}/model.onnx`)) return `${dir}/${id}`;
  throw new Error(`no ${id}/model.onnx in ${dirs.filter(Boolean).join(' or ')}`);
}
