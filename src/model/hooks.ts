/**
 * Hook names and their dimensions, from the one shared list
 * (`hook-names.json`, also read by training/export.py).
 */
import hookNames from './hook-names.json';

/** A TransformerLens dimension name, as in `hook-names.json`. */
export type DimName =
  | 'batch'
  | 'pos'
  | 'query_pos'
  | 'key_pos'
  | 'head_index'
  | 'd_head'
  | 'd_model'
  | 'd_mlp'
  | 'd_vocab';

/** Whether a dimension runs along the sequence (and so is padded to a bucket). */
export function isPositional(dim: DimName): boolean {
  return dim === 'pos' || dim === 'query_pos' || dim === 'key_pos';
}

/**
 * Dimension names of a hook, e.g. `blocks.1.attn.hook_pattern` ->
 * `[batch, head_index, query_pos, key_pos]`. Throws for a name not in the list.
 */
export function hookDims(name: string): DimName[] {
  const generic = name.replace(/^blocks\.\d+\./, 'blocks.{l}.');
  for (const group of [hookNames.embed, hookNames.block, hookNames.mlp_block, hookNames.final]) {
    const dims = (group as Record<string, string>)[generic];
    if (dims) return dims.split(' ') as DimName[];
  }
  throw new Error(`unknown hook ${name} (not in src/model/hook-names.json)`);
}
