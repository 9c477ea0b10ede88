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

/** Every hook name of a model with `nLayers` layers, in the shared list's order. */
export function allHookNames(nLayers: number, hasMlp: boolean): string[] {
  const names = Object.keys(hookNames.embed);
  for (let l = 0; l < nLayers; l++) {
    const block = Object.keys(hookNames.block).map((n) => n.replace('{l}', String(l)));
    if (hasMlp) {
      // resid_mid and the MLP hooks sit between attn_out and resid_post.
      const post = block.pop() as string;
      block.push(...Object.keys(hookNames.mlp_block).map((n) => n.replace('{l}', String(l))), post);
    }
    names.push(...block);
  }
  names.push(...Object.keys(hookNames.final));
  return names;
}
