/**
 * The shipped model files, read at build time (node:fs) for the appendix
 * pages: each model's card, configs, training curve and the manifest entries
 * of its downloads. Pages render from these, so the appendix cannot drift
 * from what `public/models/` ships.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelConfig } from '../../model/config';
import type { ManifestEntry } from '../../model/loader';

/** A corpus source of the card (`card.json` → `corpus.sources`). */
export interface CorpusSource {
  package: string;
  licence: string;
  train_docs: number;
  val_docs: number;
  train_chars: number;
  val_chars: number;
}

/** The fields of `card.json` the appendix shows (export.py / card.py write them). */
export interface Card {
  model: string;
  approx_parameters: number;
  training: {
    wall_time_min: number;
    threads: number;
    steps: number;
    scheduled_steps: number;
    batch: number;
    tokens_seen: number;
    lr: number;
    warmup: number;
    weight_decay: number;
    seed: number;
    repeat_frac: number;
    repeat_random: number;
    repeat_min: number;
    repeat_max: number;
    final_train_loss: number;
    torch: string;
  };
  measured_on: string;
  val_loss: number;
  val_windows: number;
  bigram_val_loss: number;
  icl_score: number;
  repeated_tokens: {
    n: number;
    sequences: number;
    loss_first_copy: number;
    loss_second_copy: number;
    ratio: number;
  };
  /** [layer][head] */
  induction_score: number[][];
  /** [layer][head] */
  prev_token_score: number[][];
  /** [layer][head] */
  copying_score: number[][];
  max_parity_error: number;
  checks_failed: string[];
  corpus: {
    val_percent: number;
    sources: Record<string, CorpusSource>;
    train_chars: number;
    val_chars: number;
  };
}

/** `training-curve.json` (training/curves.py). */
export interface TrainingCurve {
  source: string;
  loss: string;
  behaviour_measured_on: string;
  log_every: number;
  steps: { step: number; loss: number; lr: number }[];
  behaviour: {
    step: number;
    induction_max_per_layer: number[];
    prev_token_max_per_layer: number[];
    copy_loss_first: number;
    copy_loss_second: number;
  }[];
}

/** Everything the appendix shows about one model. */
export interface ShippedModel {
  id: string;
  /** The card's one-line purpose (the first paragraph of card.md). */
  purpose: string;
  config: ModelConfig;
  card: Card;
  curve: TrainingCurve;
  /** The model's own files (not checkpoints), by file name. */
  files: Record<string, ManifestEntry>;
}

/** The folder the shipped models live in (the build runs from the repository root). */
export const modelsDir = resolve('public/models');

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The manifest's files. */
export function readManifest(): ManifestEntry[] {
  return readJson<{ files: ManifestEntry[] }>(join(modelsDir, 'manifest.json')).files;
}

/** Every shipped model (a folder with a config.json in the manifest), by id. */
export function readModels(): ShippedModel[] {
  const manifest = readManifest();
  const ids = manifest
    .map((f) => f.path.split('/'))
    .filter((parts) => parts.length === 2 && parts[1] === 'config.json')
    .map((parts) => parts[0])
    .sort();
  return ids.map((id) => {
    const dir = join(modelsDir, id);
    const cardMd = readFileSync(join(dir, 'card.md'), 'utf8');
    const purpose =
      cardMd
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .find((p) => p && !p.startsWith('#')) ?? '';
    const files: Record<string, ManifestEntry> = {};
    for (const f of manifest)
      if (f.path.startsWith(`${id}/`)) files[f.path.slice(id.length + 1)] = f;
    return {
      id,
      purpose,
      config: readJson<ModelConfig>(join(dir, 'config.json')),
      card: readJson<Card>(join(dir, 'card.json')),
      curve: readJson<TrainingCurve>(join(dir, 'training-curve.json')),
      files,
    };
  });
}
