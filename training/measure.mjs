// Measures an exported model on its ONNX graph with onnxruntime-node: parity against the
// PyTorch reference activations, and the behaviour numbers of the model card (induction and
// previous-token scores on repeated random tokens, first vs second copy loss, copying scores
// of the full OV circuits, validation loss and the in-context-learning score).
//
//   node_modules/.bin/node training/measure.mjs --model public/models/attn-only-2l \
//     [--weights a.safetensors ...] [--val val.u16] [--windows 256] \
//     [--reference tests/fixtures/reference/attn-only-2l.json] --out measure.json
//
// training/export.py runs it and gates on its output; the numbers in the cards come from here.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Reads a safetensors file (F32 or F16, widened to F32).
 * @param {string} path
 * @returns {Map<string, {shape: number[], data: Float32Array}>} tensors in file order
 */
export function readSafetensors(path) {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const base = 8 + n;
  const out = new Map();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [b, e] = info.data_offsets;
    const bytes = buf.buffer.slice(buf.byteOffset + base + b, buf.byteOffset + base + e); // aligned copy
    let data;
    if (info.dtype === 'F32') data = new Float32Array(bytes);
    else if (info.dtype === 'F16') data = Float32Array.from(new Float16Array(bytes));
    else throw new Error(`${path}: ${name} has dtype ${info.dtype}; expected F32 or F16`);
    out.set(name, { shape: info.shape, data });
  }
  return out;
}

/**
 * The repeated random tokens of the induction test, drawn by the same LCG as training/behaviour.py:
 * per sequence one first token, n random ids in [0, dVocab - 1), then the same n again.
 * @returns {BigInt64Array} [nSeqs, 2n + 1]
 */
export function repeatedRandomTokens(nSeqs, n, dVocab, seed) {
  let state = BigInt(seed);
  const out = new BigInt64Array(nSeqs * (2 * n + 1));
  for (let s = 0; s < nSeqs; s++) {
    const row = [];
    for (let i = 0; i <= n; i++) {
      state = (state * 1103515245n + 12345n) % 2147483648n;
      row.push(state % BigInt(dVocab - 1));
    }
    const full = row.concat(row.slice(1));
    full.forEach((t, i) => (out[s * (2 * n + 1) + i] = t));
  }
  return out;
}

/** A runner for one exported model: the graph, its config and a set of weights as ORT tensors. */
class ModelRunner {
  static async create(dir) {
    const r = new ModelRunner();
    r.cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    r.session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    r.setWeights(readSafetensors(join(dir, 'weights.safetensors')));
    return r;
  }

  /** @param {Map<string, {shape: number[], data: Float32Array}>} w */
  setWeights(w) {
    this.raw = w;
    this.weights = {};
    for (const name of this.cfg.weight_names) {
      const t = w.get(name);
      if (!t) throw new Error(`weights lack ${name} (the graph needs ${this.cfg.weight_names.length} weight inputs)`);
      this.weights[name] = new ort.Tensor('float32', t.data, t.shape);
    }
  }

  /**
   * Runs the graph on tokens [batch, pos]; interventions default to the unchanged model.
   * @returns {Promise<Record<string, ort.Tensor>>} the requested hooks
   */
  async run(tokens, batch, pos, fetches, iv = {}) {
    const { n_layers: L, n_heads: H, d_head: E } = this.cfg;
    const feeds = {
      ...this.weights,
      tokens: new ort.Tensor('int64', tokens, [batch, pos]),
      head_mask: new ort.Tensor('float32', iv.head_mask ?? new Float32Array(batch * L * H).fill(1), [batch, L, H]),
      patch_mask: new ort.Tensor('float32', iv.patch_mask ?? new Float32Array(batch * L * pos * H), [batch, L, pos, H]),
      patch_z: new ort.Tensor('float32', iv.patch_z ?? new Float32Array(batch * L * pos * H * E), [batch, L, pos, H, E]),
    };
    return this.session.run(feeds, fetches);
  }
}

/** -log softmax(logits)[target] for one row of logits. */
function tokenLoss(logits, offset, dVocab, target) {
  let max = -Infinity;
  for (let i = 0; i < dVocab; i++) max = Math.max(max, logits[offset + i]);
  let sum = 0;
  for (let i = 0; i < dVocab; i++) sum += Math.exp(logits[offset + i] - max);
  return Math.log(sum) + max - logits[offset + target];
}

/** Induction / previous-token scores per [layer][head] and first / second copy loss (see behaviour.py). */
async function repeatedTokenBehaviour(runner, nSeqs = 16, seed = 1) {
  const { n_layers: L, n_heads: H, d_vocab: V, n_ctx } = runner.cfg;
  const n = Math.min(50, Math.floor((n_ctx - 1) / 2));
  const P = 2 * n + 1;
  const tokens = repeatedRandomTokens(nSeqs, n, V, seed);
  const fetches = ['logits', ...Array.from({ length: L }, (_, l) => `blocks.${l}.attn.hook_pattern`)];
  const out = await runner.run(tokens, nSeqs, P, fetches);
  const induction = [], prev = [];
  for (let l = 0; l < L; l++) {
    const pat = out[`blocks.${l}.attn.hook_pattern`].data; // [batch, head_index, query_pos, key_pos]
    induction.push([]), prev.push([]);
    for (let h = 0; h < H; h++) {
      let ind = 0, pr = 0;
      for (let b = 0; b < nSeqs; b++) {
        const at = (q, k) => pat[((b * H + h) * P + q) * P + k];
        for (let q = n + 1; q <= 2 * n; q++) ind += at(q, q - n + 1);
        for (let q = 1; q <= n; q++) pr += at(q, q - 1);
      }
      induction[l].push(ind / (nSeqs * n)), prev[l].push(pr / (nSeqs * n));
    }
  }
  const logits = out.logits.data;
  let first = 0, second = 0;
  for (let b = 0; b < nSeqs; b++) {
    const loss = (p) => tokenLoss(logits, (b * P + p) * V, V, Number(tokens[b * P + p + 1]));
    for (let p = 1; p < n; p++) first += loss(p);
    for (let p = n; p < 2 * n; p++) second += loss(p);
  }
  return { n, induction, prev_token: prev, loss_first_copy: first / (nSeqs * (n - 1)), loss_second_copy: second / (nSeqs * n) };
}

/**
 * Copying score of every head: eigenvalues λ of the full OV circuit W_E W_V W_O W_U [d_vocab, d_vocab],
 * taken as the eigenvalues of the small [d_head, d_head] matrix W_O W_U W_E W_V (AB and BA share
 * their nonzero eigenvalues); score = Σ Re λ / Σ |λ|.
 */
function copyingScores(runner) {
  const { n_layers: L, n_heads: H, d_head: E, d_model: D, d_vocab: V } = runner.cfg;
  const w = runner.raw;
  const mat = (t, r, c, off = 0) => Matrix.from1DArray(r, c, t.data.subarray(off, off + r * c));
  const UE = mat(w.get('unembed.W_U'), D, V).mmul(mat(w.get('embed.W_E'), V, D)); // W_U W_E [d_model, d_model]
  const scores = [];
  for (let l = 0; l < L; l++) {
    scores.push([]);
    for (let h = 0; h < H; h++) {
      const WV = mat(w.get(`blocks.${l}.attn.W_V`), D, E, h * D * E);
      const WO = mat(w.get(`blocks.${l}.attn.W_O`), E, D, h * E * D);
      const small = WO.mmul(UE).mmul(WV); // [d_head, d_head]
      const eig = new EigenvalueDecomposition(small);
      const re = eig.realEigenvalues, im = eig.imaginaryEigenvalues;
      let sumRe = 0, sumAbs = 0;
      for (let i = 0; i < re.length; i++) (sumRe += re[i]), (sumAbs += Math.hypot(re[i], im[i]));
      scores[l].push(sumAbs > 0 ? sumRe / sumAbs : 0);
    }
  }
  return scores;
}

/** Token indices whose losses make the in-context-learning score: a band around index 10 and one around 100. */
export const ICL_EARLY = [5, 15];
export const ICL_LATE = [95, 105];

/**
 * Loss on fixed validation windows (the same windows as data.val_windows in Python): mean loss,
 * mean loss per token index, and the in-context-learning score: the mean loss of predicting token
 * indices 95-105 minus that of indices 5-15, averaged over the windows, with its standard error over
 * windows (Olsson et al. use token 500 vs 50 on longer contexts; single indices are too noisy here).
 */
async function validation(runner, valPath, nWindows) {
  const { n_ctx: C, d_vocab: V } = runner.cfg;
  const raw = readFileSync(valPath);
  const stream = new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
  const starts = Array.from({ length: nWindows }, (_, i) => Math.floor((i * (stream.length - C)) / Math.max(1, nWindows - 1)));
  const perPos = new Float64Array(C); // perPos[t] = mean loss of predicting token index t (t >= 1)
  const late = [Math.min(ICL_LATE[0], C - 1), Math.min(ICL_LATE[1], C - 1)];
  const early = [Math.min(ICL_EARLY[0], C - 1), Math.min(ICL_EARLY[1], C - 1)];
  const diffs = new Float64Array(nWindows); // per window: mean loss over the late band - over the early band
  const batch = 32;
  for (let b0 = 0; b0 < nWindows; b0 += batch) {
    const nb = Math.min(batch, nWindows - b0);
    const tokens = new BigInt64Array(nb * C);
    for (let b = 0; b < nb; b++) for (let p = 0; p < C; p++) tokens[b * C + p] = BigInt(stream[starts[b0 + b] + p]);
    const { logits } = await runner.run(tokens, nb, C, ['logits']);
    for (let b = 0; b < nb; b++) {
      let lateSum = 0, earlySum = 0;
      for (let p = 0; p < C - 1; p++) {
        const l = tokenLoss(logits.data, (b * C + p) * V, V, Number(tokens[b * C + p + 1]));
        perPos[p + 1] += l;
        if (p + 1 >= late[0] && p + 1 <= late[1]) lateSum += l;
        if (p + 1 >= early[0] && p + 1 <= early[1]) earlySum += l;
      }
      diffs[b0 + b] = lateSum / (late[1] - late[0] + 1) - earlySum / (early[1] - early[0] + 1);
    }
  }
  for (let t = 1; t < C; t++) perPos[t] /= nWindows;
  const mean = perPos.slice(1).reduce((a, b) => a + b, 0) / (C - 1);
  const icl = diffs.reduce((a, b) => a + b, 0) / nWindows;
  const variance = diffs.reduce((a, d) => a + (d - icl) ** 2, 0) / Math.max(1, nWindows - 1);
  return {
    val_loss: mean, val_windows: nWindows, loss_by_position: Array.from(perPos),
    icl_score: icl, icl_stderr: Math.sqrt(variance / nWindows), icl_bands: { early, late },
  };
}

function readBin(path) {
  const raw = readFileSync(path);
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

/** Max abs error of every hook against the PyTorch reference (equal infinities count as 0). */
async function parity(runner, refPath) {
  const ref = JSON.parse(readFileSync(refPath, 'utf8'));
  const dir = dirname(refPath);
  const result = {};
  for (const run of ref.runs) {
    const [batch, pos] = run.tokens_shape;
    const tokens = BigInt64Array.from(run.tokens.flat().map(BigInt));
    const iv = {};
    for (const k of ['head_mask', 'patch_mask', 'patch_z']) if (run.inputs?.[k]) iv[k] = readBin(join(dir, run.inputs[k].file));
    const names = Object.keys(run.hooks);
    const out = await runner.run(tokens, batch, pos, names, iv);
    result[run.name] = {};
    for (const name of names) {
      const want = readBin(join(dir, run.hooks[name].file));
      const got = out[name].data;
      const shape = Array.from(out[name].dims);
      if (JSON.stringify(shape) !== JSON.stringify(run.hooks[name].shape))
        throw new Error(`${name}: ONNX shape [${shape}] but reference shape [${run.hooks[name].shape}]`);
      let err = 0;
      for (let i = 0; i < want.length; i++) {
        if (want[i] === got[i]) continue; // also equal infinities (masked attention scores)
        const e = Math.abs(want[i] - got[i]);
        err = Math.max(err, Number.isNaN(e) ? Infinity : e);
      }
      result[run.name][name] = err;
    }
  }
  return result;
}

function parseArgs(argv) {
  const args = { weights: [], windows: 256 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (key === 'weights') args.weights.push(argv[++i]);
    else args[key] = argv[++i];
  }
  if (!args.model || !args.out) throw new Error('usage: measure.mjs --model DIR --out FILE [--weights F ...] [--val F] [--reference F]');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const runner = await ModelRunner.create(args.model);
  const report = { model: args.model, onnxruntime: ort.env.versions?.common ?? 'unknown' };
  if (args.reference) {
    report.parity = await parity(runner, args.reference);
    report.max_parity_error = Math.max(...Object.values(report.parity).flatMap((r) => Object.values(r)));
  }
  report.results = [];
  for (const file of [null, ...args.weights]) {
    if (file) runner.setWeights(readSafetensors(file));
    const r = { weights: file ?? 'weights.safetensors' };
    if (runner.cfg.n_ctx >= 5) Object.assign(r, await repeatedTokenBehaviour(runner));
    r.copying = copyingScores(runner);
    if (args.val) Object.assign(r, await validation(runner, args.val, Number(args.windows)));
    report.results.push(r);
  }
  writeFileSync(args.out, JSON.stringify(report, null, 1));
}

main().catch((e) => {
  console.error(`measure.mjs: ${e.stack ?? e}`);
  process.exit(1);
});
