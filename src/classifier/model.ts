/**
 * The trained model: one linear head per label over hashed, IDF-weighted features (word and
 * character groups L2-normalised separately), each followed by a Platt calibration so a score is a
 * probability. Stored as one binary file: magic, JSON metadata, IDF (Float32), weights (Int16 with a
 * scale per head, bucket-major so one feature's heads share a cache line).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_FEATURES, type FeatureOptions } from './features';
import { Vectorizer, type SparseFeatures } from './vectorize';

/** The labels the model scores, in the order of its heads. */
export const HEADS = ['toxicity', 'insult', 'threat', 'identityAttack', 'profanity', 'harassment'] as const;
export type Head = (typeof HEADS)[number];

/** Everything about a model that is not its weights; the training section feeds the model card. */
export interface ModelMeta {
  format: 'local-classifier/1';
  version: string;
  bits: number;
  /** The n-grams the model reads; absent in older files, which used DEFAULT_FEATURES. */
  features?: FeatureOptions;
  heads: Head[];
  /** Multiplier of the word and character groups after each is L2-normalised. */
  groupScale: [number, number];
  bias: number[];
  /** Platt scaling per head: p = 1 / (1 + exp(-(a·z + b))). */
  calibration: { a: number; b: number }[];
  /** Recommended decision threshold per head on the calibrated score. */
  thresholds: number[];
  /** Int16 weight × scale = float weight, per head. */
  weightScale: number[];
  training: Record<string, unknown>;
}

/** The parameters in memory (float). */
export interface ModelParams {
  meta: ModelMeta;
  idf: Float32Array;
  /** weights[bucket * heads + head] */
  weights: Float32Array;
}

const MAGIC = 'LCM1';

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Int16 weights with one scale per head (max |w| ↦ 32767). */
export function quantize(weights: Float32Array, heads: number): { q: Int16Array; scales: number[] } {
  const scales = Array.from({ length: heads }, (_, h) => {
    let max = 0;
    for (let i = h; i < weights.length; i += heads) max = Math.max(max, Math.abs(weights[i]));
    return max > 0 ? max / 32767 : 1;
  });
  const q = new Int16Array(weights.length);
  for (let i = 0; i < weights.length; i++) q[i] = Math.round(weights[i] / scales[i % heads]);
  return { q, scales };
}

export function saveModel(file: string, { meta, idf, weights }: ModelParams): void {
  const { q, scales } = quantize(weights, meta.heads.length);
  const json = Buffer.from(JSON.stringify({ ...meta, weightScale: scales }), 'utf8');
  const pad = (4 - ((8 + json.length) % 4)) % 4;
  const header = Buffer.alloc(8);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(json.length + pad, 4);
  writeFileSync(file, Buffer.concat([header, json, Buffer.alloc(pad, 0x20), Buffer.from(idf.buffer, idf.byteOffset, idf.byteLength), Buffer.from(q.buffer)]));
}

/** A model file read into memory: weights stay Int16 (half the cache footprint of floats). */
export interface LoadedModel {
  meta: ModelMeta;
  idf: Float32Array;
  q: Int16Array;
}

export function loadModel(file: string): LoadedModel {
  const buf = readFileSync(file);
  if (buf.toString('latin1', 0, 4) !== MAGIC) throw new Error(`${file}: not a local-classifier model`);
  const jsonLength = buf.readUInt32LE(4);
  const meta = JSON.parse(buf.toString('utf8', 8, 8 + jsonLength)) as ModelMeta;
  if (meta.format !== 'local-classifier/1') throw new Error(`${file}: unsupported format ${String(meta.format)}`);
  const size = 1 << meta.bits;
  const H = meta.heads.length;
  const body = buf.subarray(8 + jsonLength);
  if (body.length !== size * 4 + size * H * 2) throw new Error(`${file}: truncated (${body.length} bytes of weights)`);
  const aligned = new Uint8Array(body.length);
  aligned.set(body);
  return { meta, idf: new Float32Array(aligned.buffer, 0, size), q: new Int16Array(aligned.buffer, size * 4, size * H) };
}

/** Scores texts with a loaded model. Not re-entrant (shares buffers); cheap to create per thread. */
export class LinearModel {
  readonly meta: ModelMeta;
  readonly idf: Float32Array;
  /** Quantised weights, q[bucket * heads + head]; the float weight is q × meta.weightScale[head]. */
  readonly q: Int16Array;
  readonly heads: number;
  private readonly vectorizer: Vectorizer;
  private readonly sums: Float64Array;

  /** From a loaded file, or from float parameters (quantised here exactly as when saved). */
  constructor(model: LoadedModel | ModelParams) {
    this.heads = model.meta.heads.length;
    if ('q' in model) {
      this.meta = model.meta;
      this.q = model.q;
    } else {
      const { q, scales } = quantize(model.weights, this.heads);
      this.meta = { ...model.meta, weightScale: scales };
      this.q = q;
    }
    this.idf = model.idf;
    this.vectorizer = new Vectorizer(this.meta.bits, this.features);
    this.sums = new Float64Array(this.heads);
  }

  /** The feature options the model was trained with. */
  get features(): FeatureOptions {
    return this.meta.features ?? DEFAULT_FEATURES;
  }

  /** The float weight of `bucket` for head `h`. */
  weight(bucket: number, h: number): number {
    return this.q[bucket * this.heads + h] * this.meta.weightScale[h];
  }

  /** Per-group factors that turn a feature's sign × IDF into its value (L2 norm and group scale). */
  groupFactors(f: SparseFeatures): [number, number] {
    let n0 = 0;
    let n1 = 0;
    for (let k = 0; k < f.count; k++) {
      const v = this.idf[f.buckets[k]];
      if (f.groups[k] === 0) n0 += v * v;
      else n1 += v * v;
    }
    const [s0, s1] = this.meta.groupScale;
    return [n0 > 0 ? s0 / Math.sqrt(n0) : 0, n1 > 0 ? s1 / Math.sqrt(n1) : 0];
  }

  /** Raw (uncalibrated) head outputs for `text`, written to `out`; returns the features used. */
  logits(text: string, out: Float64Array): SparseFeatures {
    const f = this.vectorizer.vectorize(text);
    const H = this.heads;
    const [g0, g1] = this.groupFactors(f);
    const sums = this.sums.fill(0);
    const q = this.q;
    for (let k = 0; k < f.count; k++) {
      const j = f.buckets[k];
      const v = f.signs[k] * this.idf[j] * (f.groups[k] === 0 ? g0 : g1);
      const base = j * H;
      for (let h = 0; h < H; h++) sums[h] += q[base + h] * v;
    }
    for (let h = 0; h < H; h++) out[h] = this.meta.bias[h] + sums[h] * this.meta.weightScale[h];
    return f;
  }

  /** Calibrated probability of head `h` for raw output `z`. */
  calibrate(h: number, z: number): number {
    const { a, b } = this.meta.calibration[h];
    return sigmoid(a * z + b);
  }
}
