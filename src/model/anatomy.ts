/**
 * The model's parts as the book draws them (embeddings, each attention layer,
 * each MLP, the unembedding), each with the parameters it owns (read from
 * the weights) and the activations it produces (hook names, whose shapes a
 * run reports). Counts come from the tensors, never from a table.
 */
import type { ModelConfig } from './config';
import type { ModelWeights } from './weights';

/** A parameter tensor: its TransformerLens name, stored shape and number of values. */
export interface ParameterInfo {
  name: string;
  shape: readonly number[];
  count: number;
}

/** One part of the model: what it owns and what it computes. */
export interface ModelPart {
  /** `embed`, `pos_embed`, `attn.0`, `mlp.0`, `unembed`. */
  id: string;
  /** For the reader: "Attention layer 0". */
  label: string;
  /** Weights and biases of this part, fixed after training. */
  parameters: ParameterInfo[];
  /** Hook names (outputs of the graph) this part reads or writes, in computation order. */
  hooks: string[];
}

/** The parts of `config`'s model in computation order, with parameters from `weights`. */
export function modelParts(weights: ModelWeights): ModelPart[] {
  const config: ModelConfig = weights.config;
  const params = (names: string[]): ParameterInfo[] =>
    names
      .filter((n) => weights.has(n))
      .map((name) => {
        const t = weights.get(name);
        return { name, shape: [...t.shape], count: t.data.length };
      });
  const hooks = (names: string[]) => names.filter((n) => config.hook_names.includes(n));
  const parts: ModelPart[] = [
    {
      id: 'embed',
      label: 'Token embedding',
      parameters: params(['embed.W_E']),
      hooks: hooks(['hook_embed']),
    },
    {
      id: 'pos_embed',
      label: 'Position embedding',
      parameters: params(['pos_embed.W_pos']),
      hooks: hooks(['hook_pos_embed', 'blocks.0.hook_resid_pre']),
    },
  ];
  for (let l = 0; l < config.n_layers; l++) {
    const a = `blocks.${l}.attn`;
    parts.push({
      id: `attn.${l}`,
      label: `Attention layer ${l} (${config.n_heads} heads)`,
      parameters: params(
        ['W_Q', 'W_K', 'W_V', 'W_O', 'b_Q', 'b_K', 'b_V', 'b_O'].map((w) => `${a}.${w}`),
      ),
      hooks: hooks([
        `blocks.${l}.hook_resid_pre`,
        `${a}.hook_q`,
        `${a}.hook_k`,
        `${a}.hook_v`,
        `${a}.hook_attn_scores`,
        `${a}.hook_pattern`,
        `${a}.hook_z`,
        `${a}.hook_result`,
        `blocks.${l}.hook_attn_out`,
        ...(config.attn_only ? [`blocks.${l}.hook_resid_post`] : [`blocks.${l}.hook_resid_mid`]),
      ]),
    });
    if (!config.attn_only) {
      const m = `blocks.${l}.mlp`;
      parts.push({
        id: `mlp.${l}`,
        label: `MLP layer ${l} (${config.d_mlp} neurons)`,
        parameters: params(['W_in', 'b_in', 'W_out', 'b_out'].map((w) => `${m}.${w}`)),
        hooks: hooks([
          `blocks.${l}.hook_resid_mid`,
          `${m}.hook_pre`,
          `${m}.hook_post`,
          `blocks.${l}.hook_mlp_out`,
          `blocks.${l}.hook_resid_post`,
        ]),
      });
    }
  }
  parts.push({
    id: 'unembed',
    label: 'Unembedding',
    parameters: params(['unembed.W_U', 'unembed.b_U']),
    hooks: hooks([`blocks.${config.n_layers - 1}.hook_resid_post`, 'logits']),
  });
  return parts;
}

/** Total number of parameter values in the model (every weight tensor the graph reads). */
export function parameterCount(weights: ModelWeights): number {
  let n = 0;
  for (const name of weights.config.weight_names) n += weights.get(name).data.length;
  return n;
}
