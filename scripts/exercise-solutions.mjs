#!/usr/bin/env node
/**
 * Prints every exercise's solution and, for each student seed given, that
 * student's variants with their answers, computed by the shipped models:
 *
 *     npm run solutions -- alice bob S1234567
 *
 * Bundles scripts/exercise-solutions.ts with esbuild (the book's sources are
 * TypeScript) into a temporary file and runs it on onnxruntime-node.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const seeds = process.argv.slice(2);
for (const s of seeds)
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(s)) {
    console.error(`not a student seed (letters, digits, - or _, up to 40): ${s}`);
    process.exit(2);
  }
process.env.MODELS_DIR ??= join(root, 'public', 'models');
const version = /^version:\s*["']?([^"'\n]+)/m.exec(
  readFileSync(join(root, 'CITATION.cff'), 'utf8'),
)?.[1];

const dir = mkdtempSync(join(tmpdir(), 'circuits-solutions-'));
try {
  const outfile = join(dir, 'solutions.mjs');
  await build({
    entryPoints: [join(root, 'scripts', 'exercise-solutions.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    // onnxruntime-node stays outside the bundle, imported from this repository's node_modules.
    plugins: [
      {
        name: 'onnxruntime-node-from-repo',
        setup(b) {
          b.onResolve({ filter: /^onnxruntime-node$/ }, () => ({
            path: pathToFileURL(
              createRequire(join(root, 'package.json')).resolve('onnxruntime-node'),
            ).href,
            external: true,
          }));
        },
      },
    ],
    // .ts first: chN/exercises.ts sits beside chN/Exercises.tsx.
    resolveExtensions: ['.ts', '.tsx', '.mjs', '.js', '.json'],
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'error',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  const { main } = await import(pathToFileURL(outfile).href);
  console.log(await main(seeds, process.env.MODELS_DIR, version ?? '?'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
