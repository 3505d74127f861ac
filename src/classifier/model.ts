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
/** The head count the interleaved fast path is written for (HEADS.length). */
const ROW_HEADS = 6;

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

/**
 * Rows of 16 bytes per bucket: its IDF (Float32, bytes 0–3), then its six Int16 weights (bytes 4–15).
 * Copied as 32-bit words (bit patterns, so the values are exactly those of `idf` and `q`).
 */
function interleave(idf: Float32Array, q: Int16Array): [Float32Array, Int16Array] {
  const size = idf.length;
  const rows = new ArrayBuffer(size * 16);
  const rows32 = new Uint32Array(rows);
  const idf32 = new Uint32Array(idf.buffer, idf.byteOffset, size);
  const aligned = q.byteOffset % 4 === 0 ? q : q.slice();
  const q32 = new Uint32Array(aligned.buffer, aligned.byteOffset, (size * ROW_HEADS) / 2);
  for (let j = 0, r = 0, w = 0; j < size; j++, r += 4, w += 3) {
    rows32[r] = idf32[j];
    rows32[r + 1] = q32[w];
    rows32[r + 2] = q32[w + 1];
    rows32[r + 3] = q32[w + 2];
  }
  return [new Float32Array(rows), new Int16Array(rows)];
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
  /**
   * For six heads, each bucket's IDF (Float32) and weights (6 × Int16) interleaved in one 16-byte row,
   * so a feature costs one cache miss instead of two (the weight table does not fit in cache).
   * Same values as `idf` and `q`; 16 bytes × 2^bits of extra memory.
   */
  private readonly rowIdf?: Float32Array;
  private readonly rowQ?: Int16Array;

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
    if (this.heads === ROW_HEADS) [this.rowIdf, this.rowQ] = interleave(this.idf, this.q);
  }

  /** The feature options the model was trained with. */
  get features(): FeatureOptions {
    return this.meta.features ?? DEFAULT_FEATURES;
  }

  /** The float weight of `bucket` for head `h`. */
  weight(bucket: number, h: number): number {
    return (this.rowQ ? this.rowQ[bucket * 8 + 2 + h] : this.q[bucket * this.heads + h]) * this.meta.weightScale[h];
  }

  /** The IDF of `bucket` (read from the interleaved rows when there are some: in cache after `logits`). */
  idfOf(bucket: number): number {
    return this.rowIdf ? this.rowIdf[bucket * 4] : this.idf[bucket];
  }

  /** Per-group factors that turn a feature's sign × IDF into its value (L2 norm and group scale). */
  groupFactors(f: SparseFeatures): [number, number] {
    let n0 = 0;
    let n1 = 0;
    for (let k = 0; k < f.count; k++) {
      const v = this.idfOf(f.buckets[k]);
      if (f.groups[k] === 0) n0 += v * v;
      else n1 += v * v;
    }
    const [s0, s1] = this.meta.groupScale;
    return [n0 > 0 ? s0 / Math.sqrt(n0) : 0, n1 > 0 ? s1 / Math.sqrt(n1) : 0];
  }

  /**
   * Raw (uncalibrated) head outputs for `text`, written to `out`; returns the features used (with
   * each n-gram occurrence recorded when `occurrences` is set, for `explain`).
   */
  logits(text: string, out: Float64Array, occurrences = false): SparseFeatures {
    const f = this.vectorizer.vectorize(text, occurrences);
    if (this.rowIdf && this.rowQ) {
      this.logitsRows(f, this.rowIdf, this.rowQ, out);
      return f;
    }
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

  /** `logits` for six heads over the interleaved rows: the same operations in the same order. */
  private logitsRows(f: SparseFeatures, rowIdf: Float32Array, rowQ: Int16Array, out: Float64Array): void {
    const { count, buckets, signs, groups } = f;
    // First pass (groupFactors inlined): touches every feature's row with independent loads, so the
    // cache misses overlap; the second pass then reads the weights from cache.
    let n0 = 0;
    let n1 = 0;
    for (let k = 0; k < count; k++) {
      const v = rowIdf[buckets[k] * 4];
      if (groups[k] === 0) n0 += v * v;
      else n1 += v * v;
    }
    const [s0, s1] = this.meta.groupScale;
    const g0 = n0 > 0 ? s0 / Math.sqrt(n0) : 0;
    const g1 = n1 > 0 ? s1 / Math.sqrt(n1) : 0;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    let z4 = 0;
    let z5 = 0;
    for (let k = 0; k < count; k++) {
      const j = buckets[k];
      const v = signs[k] * rowIdf[j * 4] * (groups[k] === 0 ? g0 : g1);
      const base = j * 8 + 2;
      z0 += rowQ[base] * v;
      z1 += rowQ[base + 1] * v;
      z2 += rowQ[base + 2] * v;
      z3 += rowQ[base + 3] * v;
      z4 += rowQ[base + 4] * v;
      z5 += rowQ[base + 5] * v;
    }
    const { bias, weightScale } = this.meta;
    out[0] = bias[0] + z0 * weightScale[0];
    out[1] = bias[1] + z1 * weightScale[1];
    out[2] = bias[2] + z2 * weightScale[2];
    out[3] = bias[3] + z3 * weightScale[3];
    out[4] = bias[4] + z4 * weightScale[4];
    out[5] = bias[5] + z5 * weightScale[5];
  }

  /** Calibrated probability of head `h` for raw output `z`. */
  calibrate(h: number, z: number): number {
    const { a, b } = this.meta.calibration[h];
    return sigmoid(a * z + b);
  }
}
