/**
 * The trained model: one linear head per label over hashed, IDF-weighted features (word and
 * character groups L2-normalised separately), each followed by a Platt calibration so a score is a
 * probability, plus one linear "span" column that scores single words (which words carry the
 * abuse, learnt from Toxic Spans). Stored as one binary file: magic, JSON metadata, IDF (Float32),
 * weights (Int16 with a scale per column, bucket-major so one feature's columns share a cache line).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_FEATURES, type FeatureOptions } from './features';
import type { NormalizedText } from './normalize';
import { Vectorizer, type SparseFeatures } from './vectorize';

/** The labels the model scores, in the order of its heads. */
export const HEADS = ['toxicity', 'severeToxicity', 'insult', 'threat', 'identityAttack', 'profanity', 'harassment'] as const;
export type Head = (typeof HEADS)[number];

/** The word-level span scorer: a bias and a threshold on its probability (see explain.ts). */
export interface SpanMeta {
  bias: number;
  /** A word is highlighted when σ(bias + Σ its n-grams' span weights) reaches this. */
  threshold: number;
}

/**
 * Local pooling: the text is also scored in consecutive blocks of `words` normalised words, each
 * block's features normalised on their own, and head h's output is raised by `weights[h]` × how far
 * its highest block lies above the whole text. One abusive word in a long, civil comment then counts
 * for more than the whole-text norm leaves it (see the model card).
 */
export interface BlockMeta {
  words: number;
  /** Per head, in `heads` order (0: that head scores the whole text only). */
  weights: number[];
}

/** Everything about a model that is not its weights; the training section feeds the model card. */
export interface ModelMeta {
  format: 'local-classifier/1' | 'local-classifier/2';
  version: string;
  bits: number;
  /** The n-grams the model reads; absent in older files, which used DEFAULT_FEATURES. */
  features?: FeatureOptions;
  heads: Head[];
  /** Format 2: the extra weight column (after the heads) that scores words for spans. */
  span?: SpanMeta;
  /** Block pooling of the head outputs (absent: whole text only, as in older files). */
  blocks?: BlockMeta;
  /** Multiplier of the word and character groups after each is L2-normalised. */
  groupScale: [number, number];
  bias: number[];
  /** Platt scaling per head: p = 1 / (1 + exp(-(a·z + b))). */
  calibration: { a: number; b: number }[];
  /** Recommended decision threshold per head on the calibrated score. */
  thresholds: number[];
  /** Int16 weight × scale = float weight, per column (heads, then the span column if any). */
  weightScale: number[];
  training: Record<string, unknown>;
}

/** The parameters in memory (float). */
export interface ModelParams {
  meta: ModelMeta;
  idf: Float32Array;
  /** weights[bucket * columns + column]: the heads, then the span column when meta.span is set. */
  weights: Float32Array;
}

const MAGIC = 'LCM1';
/** Columns of an interleaved row (padded): IDF as two Int16 slots, then up to 8 weights. */
const ROW_COLUMNS = 8;
const ROW_SHORTS = 2 + ROW_COLUMNS;
/** Per-group sums the scorer keeps: two norms and seven heads per group (the heads of a model file). */
const SUMS = 16;

/** Weight columns of a model: its heads, plus one for spans. */
export function columnsOf(meta: Pick<ModelMeta, 'heads' | 'span'>): number {
  return meta.heads.length + (meta.span ? 1 : 0);
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Int16 weights with one scale per column (max |w| ↦ 32767). */
export function quantize(weights: Float32Array, columns: number): { q: Int16Array; scales: number[] } {
  const scales = Array.from({ length: columns }, (_, h) => {
    let max = 0;
    for (let i = h; i < weights.length; i += columns) max = Math.max(max, Math.abs(weights[i]));
    return max > 0 ? max / 32767 : 1;
  });
  const q = new Int16Array(weights.length);
  for (let i = 0; i < weights.length; i++) q[i] = Math.round(weights[i] / scales[i % columns]);
  return { q, scales };
}

export function saveModel(file: string, { meta, idf, weights }: ModelParams): void {
  const { q, scales } = quantize(weights, columnsOf(meta));
  const json = Buffer.from(JSON.stringify({ ...meta, weightScale: scales }), 'utf8');
  const pad = (4 - ((8 + json.length) % 4)) % 4;
  const header = Buffer.alloc(8);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(json.length + pad, 4);
  writeFileSync(file, Buffer.concat([header, json, Buffer.alloc(pad, 0x20), Buffer.from(idf.buffer, idf.byteOffset, idf.byteLength), Buffer.from(q.buffer, q.byteOffset, q.byteLength)]));
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
  if (meta.format !== 'local-classifier/1' && meta.format !== 'local-classifier/2') throw new Error(`${file}: unsupported format ${String(meta.format)}`);
  const size = 1 << meta.bits;
  const C = columnsOf(meta);
  const body = buf.subarray(8 + jsonLength);
  if (body.length !== size * 4 + size * C * 2) throw new Error(`${file}: truncated (${body.length} bytes of weights)`);
  const aligned = new Uint8Array(body.length);
  aligned.set(body);
  return { meta, idf: new Float32Array(aligned.buffer, 0, size), q: new Int16Array(aligned.buffer, size * 4, size * C) };
}

/**
 * Rows of 20 bytes per bucket: its IDF (Float32, bytes 0–3), then up to eight Int16 weights (the
 * heads, then the span column, zero-padded). Same values as `idf` and `q`.
 */
function interleave(idf: Float32Array, q: Int16Array, columns: number): Int16Array {
  const size = idf.length;
  const rows = new Int16Array(size * ROW_SHORTS);
  const rowIdf = new Float32Array(rows.buffer);
  for (let j = 0; j < size; j++) {
    rowIdf[j * (ROW_SHORTS / 2)] = idf[j];
    const base = j * ROW_SHORTS + 2;
    for (let c = 0; c < columns; c++) rows[base + c] = q[j * columns + c];
  }
  return rows;
}

/** Scores texts with a loaded model. Not re-entrant (shares buffers); cheap to create per thread. */
export class LinearModel {
  readonly meta: ModelMeta;
  readonly idf: Float32Array;
  readonly heads: number;
  /** Weight columns: heads, then the span column when the model has one. */
  readonly columns: number;
  private readonly vectorizer: Vectorizer;
  /**
   * Each bucket's IDF (as Float32 in the first two slots) and weights interleaved in one 20-byte
   * row, so a feature costs one cache miss instead of two (the weight table does not fit in cache).
   */
  private readonly rows: Int16Array;
  private readonly rowIdf: Float32Array;
  /** Per-group norms and head sums of the whole text: [n0, n1, a0..a6, b0..b6]. */
  private readonly whole = new Float64Array(SUMS);
  /** Block pooling: each head's best block output so far. */
  private readonly blockMax = new Float64Array(ROW_COLUMNS);
  /** meta.groupScale, meta.bias and meta.weightScale for the hot loop (padded to the seven sums). */
  private readonly s0: number;
  private readonly s1: number;
  private readonly bias = new Float64Array(ROW_COLUMNS);
  private readonly scale = new Float64Array(ROW_COLUMNS);

  /** From a loaded file, or from float parameters (quantised here exactly as when saved). */
  constructor(model: LoadedModel | ModelParams) {
    this.heads = model.meta.heads.length;
    this.columns = columnsOf(model.meta);
    if (this.columns > ROW_COLUMNS) throw new Error(`a model has at most ${ROW_COLUMNS} weight columns`);
    let q: Int16Array;
    if ('q' in model) {
      this.meta = model.meta;
      q = model.q;
    } else {
      const quantized = quantize(model.weights, this.columns);
      this.meta = { ...model.meta, weightScale: quantized.scales };
      q = quantized.q;
    }
    this.idf = model.idf;
    this.vectorizer = new Vectorizer(this.meta.bits, this.features);
    this.rows = interleave(this.idf, q, this.columns);
    this.rowIdf = new Float32Array(this.rows.buffer);
    [this.s0, this.s1] = this.meta.groupScale;
    this.bias.set(this.meta.bias);
    this.scale.set(this.meta.weightScale.slice(0, this.heads));
  }

  /** The feature options the model was trained with. */
  get features(): FeatureOptions {
    return this.meta.features ?? DEFAULT_FEATURES;
  }

  /** The float weight of `bucket` for column `c` (a head, or `heads` for the span column). */
  weight(bucket: number, c: number): number {
    return this.rows[bucket * ROW_SHORTS + 2 + c] * this.meta.weightScale[c];
  }

  /** The IDF of `bucket`. */
  idfOf(bucket: number): number {
    return this.rowIdf[bucket * (ROW_SHORTS / 2)];
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
   * each n-gram occurrence recorded when `occurrences` is set, for `explain`). `normalized`, if given, is
   * `normalize(text)` computed already.
   */
  logits(text: string, out: Float64Array, occurrences = false, normalized?: NormalizedText): SparseFeatures {
    const f = this.vectorizer.vectorize(text, occurrences, normalized);
    this.logitsOf(f, out);
    return f;
  }

  /**
   * Head outputs for already vectorised features. One pass over the features in the order they first
   * occur, summed per block of words (BlockMeta; without block pooling the text is one block): per
   * group, the squared IDF norm and the heads' sums of sign × IDF × weight. Each distinct n-gram
   * belongs to the block where it first ends, so the blocks partition the text's features and the
   * whole text's sums are the blocks' sums added up. A group's L2 factor multiplies its sums at the
   * end of a block or of the text (the same value as normalising each feature).
   */
  logitsOf(f: SparseFeatures, out: Float64Array): void {
    const { count, buckets, signs, groups, ends } = f;
    const rows = this.rows;
    const rowIdf = this.rowIdf;
    const half = ROW_SHORTS / 2;
    const blocks = this.meta.blocks;
    const size = blocks ? blocks.words : 0x3fffffff;
    const whole = this.whole.fill(0);
    const best = this.blockMax.fill(-Infinity);
    const { bias, scale, s0, s1 } = this;
    let end = 0;
    for (let k = 0; k < count; ) {
      while (ends[k] >= end) end += size;
      let n0 = 0, n1 = 0;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0;
      let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
      for (; k < count && ends[k] < end; k++) {
        const j = buckets[k];
        const idf = rowIdf[j * half];
        const v = signs[k] * idf;
        const base = j * ROW_SHORTS + 2;
        if (groups[k] === 0) {
          n0 += idf * idf;
          a0 += rows[base] * v;
          a1 += rows[base + 1] * v;
          a2 += rows[base + 2] * v;
          a3 += rows[base + 3] * v;
          a4 += rows[base + 4] * v;
          a5 += rows[base + 5] * v;
          a6 += rows[base + 6] * v;
        } else {
          n1 += idf * idf;
          b0 += rows[base] * v;
          b1 += rows[base + 1] * v;
          b2 += rows[base + 2] * v;
          b3 += rows[base + 3] * v;
          b4 += rows[base + 4] * v;
          b5 += rows[base + 5] * v;
          b6 += rows[base + 6] * v;
        }
      }
      whole[0] += n0;
      whole[1] += n1;
      whole[2] += a0;
      whole[3] += a1;
      whole[4] += a2;
      whole[5] += a3;
      whole[6] += a4;
      whole[7] += a5;
      whole[8] += a6;
      whole[9] += b0;
      whole[10] += b1;
      whole[11] += b2;
      whole[12] += b3;
      whole[13] += b4;
      whole[14] += b5;
      whole[15] += b6;
      if (!blocks) continue;
      const g0 = n0 > 0 ? s0 / Math.sqrt(n0) : 0;
      const g1 = n1 > 0 ? s1 / Math.sqrt(n1) : 0;
      best[0] = Math.max(best[0], bias[0] + (a0 * g0 + b0 * g1) * scale[0]);
      best[1] = Math.max(best[1], bias[1] + (a1 * g0 + b1 * g1) * scale[1]);
      best[2] = Math.max(best[2], bias[2] + (a2 * g0 + b2 * g1) * scale[2]);
      best[3] = Math.max(best[3], bias[3] + (a3 * g0 + b3 * g1) * scale[3]);
      best[4] = Math.max(best[4], bias[4] + (a4 * g0 + b4 * g1) * scale[4]);
      best[5] = Math.max(best[5], bias[5] + (a5 * g0 + b5 * g1) * scale[5]);
      best[6] = Math.max(best[6], bias[6] + (a6 * g0 + b6 * g1) * scale[6]);
    }
    this.headOutputs(whole, out);
    if (!blocks) return;
    // Raise each head towards its best block (a text of one block: best = whole, nothing changes).
    for (let h = 0; h < this.heads; h++) if (best[h] > out[h]) out[h] += blocks.weights[h] * (best[h] - out[h]);
  }

  /** Head outputs from per-group sums laid out as [n0, n1, a0..a6, b0..b6] (see logitsOf). */
  private headOutputs(s: Float64Array, out: Float64Array): void {
    const g0 = s[0] > 0 ? this.s0 / Math.sqrt(s[0]) : 0;
    const g1 = s[1] > 0 ? this.s1 / Math.sqrt(s[1]) : 0;
    for (let h = 0; h < this.heads; h++) out[h] = this.bias[h] + (s[2 + h] * g0 + s[9 + h] * g1) * this.scale[h];
  }

  /** Calibrated probability of head `h` for raw output `z`. */
  calibrate(h: number, z: number): number {
    const { a, b } = this.meta.calibration[h];
    return sigmoid(a * z + b);
  }
}
