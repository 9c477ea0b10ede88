/**
 * Parity with the PyTorch reference (`tests/fixtures/reference/<id>.json`,
 * written by training/export.py): runs the fixture's prompts, with and without
 * its interventions, and compares every hook. The same code runs in Node
 * (unit tests) and in the browser (the diagnostics page), so both prove the
 * model the reader gets computes what PyTorch computed.
 */
import type { HookedModel } from './hooked-model';

/** A little-endian float32 file and its shape. */
interface BinRef {
  shape: number[];
  file: string;
}

/** One reference run: tokens, optional intervention inputs, every hook. */
export interface ReferenceRun {
  name: string;
  tokens: number[][];
  tokens_shape: number[];
  inputs?: { head_mask: BinRef; patch_mask: BinRef; patch_z: BinRef };
  hooks: Record<string, BinRef>;
}

/** The fixture document. */
export interface ReferenceDoc {
  model: string;
  tolerance: number;
  prompts: Array<{ text: string; ids: number[] }>;
  runs: ReferenceRun[];
}

/** Max |runtime - PyTorch| of one hook in one run. */
export interface HookParity {
  run: string;
  hook: string;
  shape: number[];
  maxAbsDiff: number;
}

/** Reads a fixture file's bytes by its path relative to the fixture JSON. */
export type ReadBytes = (relativePath: string) => Promise<Uint8Array>;

/** Parses a little-endian float32 file, checking its length against the shape. */
export function readFloat32(bytes: Uint8Array, ref: BinRef): Float32Array {
  const n = ref.shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== 4 * n) {
    throw new Error(
      `reference: ${ref.file} has ${bytes.byteLength} bytes, [${ref.shape.join(', ')}] needs ${4 * n}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true));
}

/**
 * `max |a - b|`, where equal entries (the `-inf` of masked attention scores
 * in both) count as 0 and any NaN or one-sided infinity as Infinity.
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const d = Math.abs(a[i] - b[i]);
    m = Math.max(m, Number.isFinite(d) ? d : Infinity);
  }
  return m;
}

/**
 * Runs every fixture run on `model` (the model's own weights) and returns the
 * max abs difference of every hook. The caller compares against `doc.tolerance`.
 */
export async function checkParity(
  model: HookedModel,
  doc: ReferenceDoc,
  read: ReadBytes,
): Promise<HookParity[]> {
  const out: HookParity[] = [];
  for (const run of doc.runs) {
    const inputs = run.inputs
      ? {
          headMask: readFloat32(await read(run.inputs.head_mask.file), run.inputs.head_mask),
          patch: {
            mask: readFloat32(await read(run.inputs.patch_mask.file), run.inputs.patch_mask),
            z: readFloat32(await read(run.inputs.patch_z.file), run.inputs.patch_z),
          },
        }
      : {};
    const names = Object.keys(run.hooks).filter((h) => h !== 'logits');
    const result = await model.run(run.tokens, { hooks: names, ...inputs });
    for (const [hook, ref] of Object.entries(run.hooks)) {
      const got = hook === 'logits' ? result.logits : result.hooks[hook];
      if (!got) throw new Error(`reference: the runtime did not return ${hook}`);
      const want = readFloat32(await read(ref.file), ref);
      const sameShape = got.shape.join(',') === ref.shape.join(',');
      out.push({
        run: run.name,
        hook,
        shape: [...got.shape],
        maxAbsDiff: sameShape ? maxAbsDiff(got.data, want) : Infinity,
      });
    }
  }
  return out;
}
