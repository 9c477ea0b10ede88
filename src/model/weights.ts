/**
 * A model's weights by TransformerLens name, as the graph runs them (every
 * weight is an ONNX input, so these arrays are exactly what the model computes
 * with). Accessors hand out per-layer, per-head matrices for circuit maths.
 */
import { Matrix } from 'ml-matrix';
import type { ModelConfig } from './config';
import type { Float32Tensor, TensorMap } from './safetensors';

/** The weights of one model (or one checkpoint, rotation or edit of it). */
export class ModelWeights {
  /** Tensors by `state_dict` name; never mutated after construction. */
  readonly tensors: TensorMap;
  readonly config: ModelConfig;
  /** Matrices already converted (the tensors never change, so neither do they). */
  private readonly matrices = new Map<string, Matrix>();

  /**
   * Throws, naming the key and both shapes, when a weight the graph needs is
   * missing or has the wrong shape.
   */
  constructor(config: ModelConfig, tensors: TensorMap) {
    this.config = config;
    this.tensors = tensors;
    for (const name of config.weight_names) {
      const t = tensors.get(name);
      if (!t)
        throw new Error(
          `weights: ${name} is missing (the graph needs ${config.weight_names.length} weights)`,
        );
      const want = expectedShape(config, name);
      if (want && want.join(',') !== t.shape.join(',')) {
        throw new Error(
          `weights: ${name} is [${t.shape.join(', ')}], expected [${want.join(', ')}]`,
        );
      }
    }
  }

  /** The raw tensor of one weight; throws for an unknown name. */
  get(name: string): Float32Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`weights: no tensor ${name}`);
    return t;
  }

  /** Whether a weight exists (e.g. MLP weights in an attention-only model). */
  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** A copy with some tensors replaced (for rotations, edits, ablations). */
  with(replacements: TensorMap): ModelWeights {
    const next = new Map(this.tensors);
    for (const [k, v] of replacements) next.set(k, v);
    return new ModelWeights(this.config, next);
  }

  /** `W_E [d_vocab, d_model]` (shared: do not mutate). */
  get W_E(): Matrix {
    return this.matrix('embed.W_E');
  }
  /** `W_pos [n_ctx, d_model]` (shared: do not mutate). */
  get W_pos(): Matrix {
    return this.matrix('pos_embed.W_pos');
  }
  /** `W_U [d_model, d_vocab]` (shared: do not mutate). */
  get W_U(): Matrix {
    return this.matrix('unembed.W_U');
  }

  private matrix(name: string): Matrix {
    let m = this.matrices.get(name);
    if (!m) {
      m = toMatrix(this.get(name));
      this.matrices.set(name, m);
    }
    return m;
  }
  /** `b_U [d_vocab]`. */
  get b_U(): Float32Array {
    return this.get('unembed.b_U').data;
  }

  /** `W_Q[l][h] [d_model, d_head]`. */
  W_Q(l: number, h: number): Matrix {
    return this.headSlice(`blocks.${l}.attn.W_Q`, h);
  }
  /** `W_K[l][h] [d_model, d_head]`. */
  W_K(l: number, h: number): Matrix {
    return this.headSlice(`blocks.${l}.attn.W_K`, h);
  }
  /** `W_V[l][h] [d_model, d_head]`. */
  W_V(l: number, h: number): Matrix {
    return this.headSlice(`blocks.${l}.attn.W_V`, h);
  }
  /** `W_O[l][h] [d_head, d_model]`. */
  W_O(l: number, h: number): Matrix {
    return this.headSlice(`blocks.${l}.attn.W_O`, h);
  }
  /** `b_V[l][h] [d_head]`. */
  b_V(l: number, h: number): Float32Array {
    const { d_head } = this.config;
    return this.get(`blocks.${l}.attn.b_V`).data.subarray(h * d_head, (h + 1) * d_head);
  }
  /** `b_O[l] [d_model]`. */
  b_O(l: number): Float32Array {
    return this.get(`blocks.${l}.attn.b_O`).data;
  }

  /** Slice `[n_heads, a, b]` at head h as an `[a, b]` matrix. */
  private headSlice(name: string, h: number): Matrix {
    const t = this.get(name);
    const [, a, b] = t.shape;
    return toMatrix({ data: t.data.subarray(h * a * b, (h + 1) * a * b), shape: [a, b] });
  }
}

/** A 2-D tensor as an ml-matrix Matrix (a copy, in float64). */
export function toMatrix(t: Float32Tensor): Matrix {
  if (t.shape.length !== 2)
    throw new Error(`toMatrix: expected 2 dims, got [${t.shape.join(', ')}]`);
  const [rows, cols] = t.shape;
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, t.data[i * cols + j]);
  return m;
}

/** A Matrix back to a float32 tensor `[rows, columns]`. */
export function fromMatrix(m: Matrix): Float32Tensor {
  const data = new Float32Array(m.rows * m.columns);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.columns; j++) data[i * m.columns + j] = m.get(i, j);
  return { data, shape: [m.rows, m.columns] };
}

/** The shape MODEL_FORMAT.md promises for a weight name, or undefined if unknown. */
export function expectedShape(c: ModelConfig, name: string): number[] | undefined {
  const key = name.replace(/^blocks\.\d+\./, '');
  const d_mlp = c.d_mlp ?? 0;
  const table: Record<string, number[]> = {
    'embed.W_E': [c.d_vocab, c.d_model],
    'pos_embed.W_pos': [c.n_ctx, c.d_model],
    'attn.W_Q': [c.n_heads, c.d_model, c.d_head],
    'attn.W_K': [c.n_heads, c.d_model, c.d_head],
    'attn.W_V': [c.n_heads, c.d_model, c.d_head],
    'attn.W_O': [c.n_heads, c.d_head, c.d_model],
    'attn.b_Q': [c.n_heads, c.d_head],
    'attn.b_K': [c.n_heads, c.d_head],
    'attn.b_V': [c.n_heads, c.d_head],
    'attn.b_O': [c.d_model],
    'mlp.W_in': [c.d_model, d_mlp],
    'mlp.b_in': [d_mlp],
    'mlp.W_out': [d_mlp, c.d_model],
    'mlp.b_out': [c.d_model],
    'unembed.W_U': [c.d_model, c.d_vocab],
    'unembed.b_U': [c.d_vocab],
  };
  return table[key];
}
