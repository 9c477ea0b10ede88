/** The models the book ships (public/models), for figures that let the reader switch. */
export const MODEL_IDS = ['attn-only-1l', 'attn-only-2l', 'gelu-1l'] as const;

/** A shipped model id. */
export type ModelId = (typeof MODEL_IDS)[number];

/**
 * A model's `config.json`: TransformerLens `HookedTransformerConfig` field
 * names, plus the exact ONNX outputs (`hook_names`) and weight inputs
 * (`weight_names`) of this export (see MODEL_FORMAT.md).
 */
export interface ModelConfig {
  model_name: string;
  n_layers: number;
  d_model: number;
  n_ctx: number;
  d_head: number;
  n_heads: number;
  d_vocab: number;
  /** null for attention-only models. */
  d_mlp: number | null;
  act_fn: string | null;
  attn_only: boolean;
  normalization_type: string | null;
  positional_embedding_type: string;
  /** The ONNX outputs of this model, `logits` included. */
  hook_names: string[];
  /** The ONNX weight inputs, TransformerLens `state_dict` names. */
  weight_names: string[];
}

/**
 * Checks that a parsed config has every field the runtime relies on and
 * returns it typed. Throws naming the missing field.
 */
export function parseConfig(json: unknown): ModelConfig {
  const c = json as Record<string, unknown>;
  for (const key of ['n_layers', 'd_model', 'n_ctx', 'd_head', 'n_heads', 'd_vocab'] as const) {
    if (typeof c[key] !== 'number')
      throw new Error(`config.json: ${key} is missing or not a number`);
  }
  for (const key of ['hook_names', 'weight_names'] as const) {
    if (!Array.isArray(c[key])) throw new Error(`config.json: ${key} is missing`);
  }
  return {
    ...(c as unknown as ModelConfig),
    d_mlp: (c.d_mlp as number | null | undefined) ?? null,
    attn_only: Boolean(c.attn_only ?? c.d_mlp == null),
  };
}
