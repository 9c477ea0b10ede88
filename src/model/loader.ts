/**
 * Fetches a model's files under the site's base with progress for the
 * reader, and checks each against the manifest written at export (size and
 * SHA-256). A missing or corrupt file rejects with a `ModelLoadError` that
 * says which file and what was wrong; loading again is the retry.
 */
import { parseConfig, type ModelConfig } from './config';
import { parseSafetensors, type TensorMap } from './safetensors';
import { sha256Hex } from './sha256';

/** One file of `manifest.json`. */
export interface ManifestEntry {
  /** Relative to the models folder, e.g. `attn-only-2l/model.onnx`. */
  path: string;
  bytes: number;
  sha256: string;
}

/** Bytes loaded so far over the bytes of every file being loaded. */
export interface LoadProgress {
  loaded: number;
  total: number;
  /** The file now downloading. */
  file: string;
}

/** Why a load failed: `missing` (HTTP error, not in manifest), `corrupt` (size or hash), `network`. */
export type LoadErrorKind = 'missing' | 'corrupt' | 'network';

/** A model file that could not be loaded. Loading again retries from scratch. */
export class ModelLoadError extends Error {
  readonly kind: LoadErrorKind;
  /** The file's URL. */
  readonly url: string;
  constructor(kind: LoadErrorKind, url: string, message: string) {
    super(message);
    this.name = 'ModelLoadError';
    this.kind = kind;
    this.url = url;
  }
}

/** Options for fetching model files. */
export interface LoadOptions {
  /** The models folder URL, ending in `/` (e.g. `${BASE_URL}models/`). */
  baseUrl: string;
  onProgress?: (p: LoadProgress) => void;
  /** Injected fetch (tests); default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** The raw, verified files of one model. */
export interface ModelFiles {
  config: ModelConfig;
  graph: Uint8Array;
  weights: TensorMap;
}

/** Fetches and parses `manifest.json` from the models folder. */
export async function loadManifest(options: LoadOptions): Promise<ManifestEntry[]> {
  const url = `${options.baseUrl}manifest.json`;
  const bytes = await fetchBytes(url, options.fetch ?? fetch);
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as
      { files?: ManifestEntry[] } | ManifestEntry[];
    return Array.isArray(json) ? json : (json.files ?? []);
  } catch (e) {
    throw new ModelLoadError('corrupt', url, `${url} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Loads `config.json`, `model.onnx` and a weights file (default
 * `weights.safetensors`) of model `id`, verified against the manifest.
 */
export async function loadModelFiles(
  id: string,
  options: LoadOptions,
  weightsFile = 'weights.safetensors',
): Promise<ModelFiles> {
  const manifest = await loadManifest(options);
  const paths = [`${id}/config.json`, `${id}/model.onnx`, `${id}/${weightsFile}`];
  const [config, graph, weights] = await loadVerified(paths, manifest, options);
  return {
    config: parseConfig(JSON.parse(new TextDecoder().decode(config))),
    graph,
    weights: parseSafetensors(
      weights.buffer.slice(
        weights.byteOffset,
        weights.byteOffset + weights.byteLength,
      ) as ArrayBuffer,
    ),
  };
}

/** One training checkpoint of a model (`checkpoints/index.json`). */
export interface CheckpointInfo {
  step: number;
  tokens: number;
  /** File name under `<id>/checkpoints/` (fp16 safetensors). */
  file: string;
  train_loss?: number;
  val_loss?: number;
  induction_score?: number;
  prev_token_score?: number;
  /** Mean loss at token indices 95-105 minus 5-15 on the validation windows (nats). */
  icl_score?: number;
  /** Standard error of `icl_score` over the validation windows. */
  icl_stderr?: number;
  loss_first_copy?: number;
  loss_second_copy?: number;
}

/** The checkpoints of model `id`, in training order; empty if it has none. */
export async function loadCheckpointIndex(
  id: string,
  options: LoadOptions,
): Promise<CheckpointInfo[]> {
  const manifest = await loadManifest(options);
  const path = `${id}/checkpoints/index.json`;
  if (!manifest.some((m) => m.path === path)) return [];
  const [bytes] = await loadVerified([path], manifest, options);
  const json = JSON.parse(new TextDecoder().decode(bytes)) as { checkpoints: CheckpointInfo[] };
  return [...json.checkpoints].sort((a, b) => a.step - b.step);
}

/**
 * The weights of one checkpoint (fp16 on disk, widened to fp32), verified
 * against the manifest like every other file.
 */
export async function loadCheckpointWeights(
  id: string,
  file: string,
  options: LoadOptions,
): Promise<TensorMap> {
  const manifest = await loadManifest(options);
  const [bytes] = await loadVerified([`${id}/checkpoints/${file}`], manifest, options);
  return parseSafetensors(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
}

/**
 * Fetches files listed in the manifest, reporting progress over all of them,
 * and checks each one's size and SHA-256.
 */
export async function loadVerified(
  paths: string[],
  manifest: ManifestEntry[],
  options: LoadOptions,
): Promise<Uint8Array[]> {
  const entries = paths.map((p) => {
    const e = manifest.find((m) => m.path === p);
    if (!e)
      throw new ModelLoadError(
        'missing',
        options.baseUrl + p,
        `${p} is not in the models manifest`,
      );
    return e;
  });
  const total = entries.reduce((a, e) => a + e.bytes, 0);
  let done = 0;
  const out: Uint8Array[] = [];
  for (const e of entries) {
    const url = options.baseUrl + e.path;
    const bytes = await fetchBytes(url, options.fetch ?? fetch, (n) =>
      options.onProgress?.({ loaded: done + n, total, file: e.path }),
    );
    if (bytes.length !== e.bytes) {
      throw new ModelLoadError(
        'corrupt',
        url,
        `${e.path}: got ${bytes.length} bytes, the manifest says ${e.bytes}`,
      );
    }
    const hash = await sha256Hex(bytes);
    if (hash !== e.sha256) {
      throw new ModelLoadError(
        'corrupt',
        url,
        `${e.path}: SHA-256 ${hash.slice(0, 12)}… does not match the manifest's ${e.sha256.slice(0, 12)}…`,
      );
    }
    done += e.bytes;
    options.onProgress?.({ loaded: done, total, file: e.path });
    out.push(bytes);
  }
  return out;
}

/** GETs a URL as bytes, streaming so progress can be reported. */
async function fetchBytes(
  url: string,
  fetchFn: typeof fetch,
  onBytes?: (n: number) => void,
): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw new ModelLoadError('network', url, `could not reach ${url}: ${(e as Error).message}`);
  }
  if (!res.ok)
    throw new ModelLoadError('missing', url, `GET ${url} failed with HTTP ${res.status}`);
  if (!res.body || !onBytes) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    n += value.length;
    onBytes(n);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
