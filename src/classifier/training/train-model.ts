/**
 * The training recipe: split each source (stratified, seeded), hash the texts, learn IDF and the
 * multi-task heads on the train part, then fit Platt calibration and pick thresholds on the
 * calibration part. The test part is left for `npm run eval`.
 */
import { HEADS, LinearModel, type BlockMeta, type Head, type ModelMeta, type ModelParams } from '../model';
import { DEFAULT_SPAN_OPTIONS, bestSpanThreshold, trainSpanColumn, type SpanTrainOptions } from './spans';
import { Vectorizer } from '../vectorize';
import { bestF1Threshold, fitPlatt } from './calibrate';
import { DEFAULT_FEATURES, type FeatureOptions } from '../features';
import { DEFAULT_LABEL_MAPPING, SOURCES, relabel, type LabelMapping, type LabelledRow, type SourceName } from './datasets';
import { trainSgd, type SparseRows } from './sgd';
import { splitRows, type SplitOptions } from './split';

const MIN_POSITIVES_FOR_THRESHOLD = 20;
const NB_MIN_POSITIVES = 100;

export interface TrainOptions {
  seed: number;
  bits: number;
  epochs: number;
  learningRate: number;
  l2Task: number;
  l2Shared: number;
  /** Heads tied through a shared weight vector: all (true), none (false) or those named. */
  shared: boolean | Head[];
  /** Source weight = (rows of an average source / rows of this source) ^ balance, then mean 1. */
  balance: number;
  /** Extra multiplier per source on top of the balance (then renormalised to mean 1). */
  sourceBoost: Partial<Record<SourceName, number>>;
  labels: LabelMapping;
  features: FeatureOptions;
  /**
   * Weight of a naive-Bayes log-count-ratio model added to the logistic regression's weights
   * (0: none). The two are linear in the same features, so the sum costs nothing at scoring time.
   */
  nbWeight: number;
  groupScale: [number, number];
  /**
   * Block pooling at scoring time (BlockMeta): blocks of `words` words, each head in `heads` raised by
   * `weight` × (best block − whole text). Calibration and thresholds are fitted on the pooled outputs.
   * null: whole text only.
   */
  blocks: { words: number; weight: number; heads: Head[] } | null;
  /**
   * Rows with a share of raters who called them toxic (wikicontext) train the toxicity head on that
   * share (a soft target) instead of the majority's 0/1; calibration and thresholds keep the 0/1.
   */
  softToxicity?: boolean;
  split: Omit<SplitOptions, 'seed'>;
  /** The span column's training (Toxic Spans rows in the training part); null: no span column. */
  spans: SpanTrainOptions | null;
  /**
   * Sources whose calibration rows choose the thresholds (best F1). Tweets and Toxic Spans (all
   * toxic) are left out by default: the thresholds should suit comments under articles.
   */
  thresholdSources: SourceName[];
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  seed: 20260101,
  bits: 19,
  epochs: 5,
  learningRate: 0.1,
  l2Task: 5e-4,
  l2Shared: 1e-5,
  shared: ['toxicity', 'harassment'],
  balance: 0.5,
  sourceBoost: {},
  labels: { ...DEFAULT_LABEL_MAPPING, severeFromThreatsAndHate: true },
  features: { ...DEFAULT_FEATURES, lexicon: true },
  nbWeight: 0,
  groupScale: [Math.SQRT1_2, Math.SQRT1_2],
  // Not threat: its few training positives make one word ("kill") decide it, and "Kill the bill!" would flag.
  blocks: { words: 1, weight: 0.3, heads: ['toxicity', 'severeToxicity', 'insult', 'identityAttack', 'profanity', 'harassment'] },
  split: { calibration: 0.1, test: 0.2 },
  spans: DEFAULT_SPAN_OPTIONS,
  thresholdSources: ['jigsaw2018', 'insults2012', 'reddit2021', 'wikicontext2020', 'wikitoxicity'],
};

function blockMeta({ words, weight, heads }: NonNullable<TrainOptions['blocks']>): BlockMeta {
  return { words, weights: HEADS.map((h) => (heads.includes(h) ? weight : 0)) };
}

/** Per-source row weights so that no source dominates (davidson is 8× jigsaw). */
export function sourceWeights(rows: LabelledRow[], balance: number, boost: Partial<Record<SourceName, number>> = {}): Record<SourceName, number> {
  const counts = Object.fromEntries(SOURCES.map((s) => [s, 0])) as Record<SourceName, number>;
  for (const r of rows) counts[r.source]++;
  const present = SOURCES.filter((s) => counts[s] > 0).length;
  const mean = rows.length / Math.max(1, present);
  const raw = SOURCES.map((s) => (counts[s] ? (mean / counts[s]) ** balance * (boost[s] ?? 1) : 0));
  const avg = SOURCES.reduce((sum, s, i) => sum + raw[i] * counts[s], 0) / rows.length;
  return Object.fromEntries(SOURCES.map((s, i) => [s, raw[i] / avg])) as Record<SourceName, number>;
}

/** Distinct features of many texts, flattened. */
interface Encoded {
  rowPtr: Int32Array;
  buckets: Int32Array;
  signs: Int8Array;
  groups: Uint8Array;
}

/** One text's distinct features, kept per row object so repeated trainings (LOSO folds) hash each text once. */
interface RowFeatures {
  buckets: Int32Array;
  signs: Int8Array;
  groups: Uint8Array;
}
const featureCache = new WeakMap<LabelledRow, { key: string; f: RowFeatures }>();

function encode(rows: LabelledRow[], bits: number, features: FeatureOptions): Encoded {
  const v = new Vectorizer(bits, features);
  const key = `${bits}|${JSON.stringify(features)}`;
  const per = rows.map((r) => {
    const hit = featureCache.get(r);
    if (hit && hit.key === key) return hit.f;
    const x = v.vectorize(r.text);
    const f = { buckets: x.buckets.slice(0, x.count), signs: x.signs.slice(0, x.count), groups: x.groups.slice(0, x.count) };
    featureCache.set(r, { key, f });
    return f;
  });
  const rowPtr = new Int32Array(rows.length + 1);
  per.forEach((f, i) => (rowPtr[i + 1] = rowPtr[i] + f.buckets.length));
  const n = rowPtr[rows.length];
  const buckets = new Int32Array(n);
  const signs = new Int8Array(n);
  const groups = new Uint8Array(n);
  per.forEach((f, i) => {
    buckets.set(f.buckets, rowPtr[i]);
    signs.set(f.signs, rowPtr[i]);
    groups.set(f.groups, rowPtr[i]);
  });
  return { rowPtr, buckets, signs, groups };
}

function toRows(e: Encoded, idf: Float32Array, [s0, s1]: [number, number]): SparseRows {
  const val = new Float32Array(e.buckets.length);
  for (let i = 0; i + 1 < e.rowPtr.length; i++) {
    let n0 = 0;
    let n1 = 0;
    for (let k = e.rowPtr[i]; k < e.rowPtr[i + 1]; k++) {
      const x = idf[e.buckets[k]];
      if (e.groups[k] === 0) n0 += x * x;
      else n1 += x * x;
    }
    const f0 = n0 > 0 ? s0 / Math.sqrt(n0) : 0;
    const f1 = n1 > 0 ? s1 / Math.sqrt(n1) : 0;
    for (let k = e.rowPtr[i]; k < e.rowPtr[i + 1]; k++) val[k] = e.signs[k] * idf[e.buckets[k]] * (e.groups[k] === 0 ? f0 : f1);
  }
  return { rowPtr: e.rowPtr, idx: e.buckets, val };
}

/**
 * Adds nbWeight × r to each head's weights, where r is the log-count ratio of a bucket's
 * presence among the head's positive and negative rows (row-weighted, add-one smoothed, masked
 * like the loss): the naive-Bayes half of an NB-SVM-style ensemble.
 */
function addNaiveBayes(e: Encoded, y: Float32Array, rw: Float32Array, dims: number, H: number, nbWeight: number, weights: Float32Array): void {
  const pos = new Float32Array(dims * H);
  const neg = new Float32Array(dims * H);
  const totals = new Float64Array(2 * H);
  const positives = new Float64Array(H);
  const signSum = new Float32Array(dims);
  for (let k = 0; k < e.buckets.length; k++) signSum[e.buckets[k]] += e.signs[k];
  for (let i = 0; i + 1 < e.rowPtr.length; i++) {
    for (let h = 0; h < H; h++) {
      const t = y[i * H + h];
      if (Number.isNaN(t)) continue;
      const counts = t === 1 ? pos : neg;
      if (t === 1) positives[h]++;
      for (let k = e.rowPtr[i]; k < e.rowPtr[i + 1]; k++) counts[e.buckets[k] * H + h] += rw[i];
      totals[2 * h + (t === 1 ? 0 : 1)] += rw[i] * (e.rowPtr[i + 1] - e.rowPtr[i]);
    }
  }
  for (let h = 0; h < H; h++) {
    const p = totals[2 * h] + dims;
    const q = totals[2 * h + 1] + dims;
    // Ratios from a handful of positives (threat) would be noise: leave such heads to the regression.
    if (positives[h] < NB_MIN_POSITIVES || !totals[2 * h + 1]) continue;
    for (let j = 0; j < dims; j++) {
      // A feature's value carries its hash sign, so the weight that adds r to the logit is r × sign.
      if (signSum[j]) weights[j * H + h] += Math.sign(signSum[j]) * nbWeight * Math.log((pos[j * H + h] + 1) / p / ((neg[j * H + h] + 1) / q));
    }
  }
}

export interface TrainResult {
  params: ModelParams;
  split: ReturnType<typeof splitRows>;
  weights: Record<SourceName, number>;
  /** Span column: words trained on, marked words, F1 on the calibration comments. */
  spanReport?: Record<string, number>;
}

/**
 * Trains a model on `rows`; `version` goes into the artifact. The split's train and calibration
 * parts are relabelled by `o.labels`; the returned split keeps the rows as given (for evaluation).
 */
export function trainModel(rows: LabelledRow[], version: string, o: TrainOptions = DEFAULT_TRAIN_OPTIONS, log: (msg: string) => void = () => {}): TrainResult {
  const H = HEADS.length;
  const split = splitRows(rows, { seed: o.seed, ...o.split });
  const train = relabel(split.train, o.labels);
  const weights = sourceWeights(train, o.balance, o.sourceBoost);
  log(`split: train ${train.length}, calibration ${split.calibration.length}, test ${split.test.length}`);

  const t0 = Date.now();
  const enc = encode(train, o.bits, o.features);
  const dims = 1 << o.bits;
  const df = new Float64Array(dims);
  for (let k = 0; k < enc.buckets.length; k++) df[enc.buckets[k]]++;
  const idf = new Float32Array(dims);
  for (let j = 0; j < dims; j++) idf[j] = Math.log((1 + train.length) / (1 + df[j])) + 1;
  const sparse = toRows(enc, idf, o.groupScale);
  log(`features: ${enc.buckets.length} non-zeros over ${train.length} rows (${Date.now() - t0} ms)`);

  const y = new Float32Array(train.length * H);
  const rw = new Float32Array(train.length);
  train.forEach((r, i) => {
    r.y.forEach((v, h) => (y[i * H + h] = v));
    if (o.softToxicity && r.toxicShare !== undefined && !Number.isNaN(r.toxicShare)) y[i * H] = r.toxicShare;
    rw[i] = weights[r.source];
  });
  const t1 = Date.now();
  const sgd = trainSgd(sparse, y, rw, { dims, heads: H, epochs: o.epochs, learningRate: o.learningRate, l2Task: o.l2Task, l2Shared: o.l2Shared, shared: Array.isArray(o.shared) ? HEADS.map((h) => (o.shared as Head[]).includes(h)) : o.shared, seed: o.seed });
  log(`sgd: ${o.epochs} epochs (${Date.now() - t1} ms)`);
  if (o.nbWeight > 0) addNaiveBayes(enc, y, rw, dims, H, o.nbWeight, sgd.weights);

  let weights2 = sgd.weights;
  let span: ModelMeta['span'];
  const spanRows = train.filter((r) => r.spans);
  let spanReport: Record<string, number> | undefined;
  if (o.spans && spanRows.length) {
    const t2 = Date.now();
    const civil = train.filter((r) => !r.spans && r.y.every((v) => v === 0));
    const s = trainSpanColumn(spanRows, civil, o.bits, o.features, { ...o.spans, seed: o.seed });
    weights2 = new Float32Array(dims * (H + 1));
    for (let j = 0; j < dims; j++) {
      for (let h = 0; h < H; h++) weights2[j * (H + 1) + h] = sgd.weights[j * H + h];
      weights2[j * (H + 1) + H] = s.weights[j];
    }
    span = { bias: s.bias, threshold: 0.5 };
    spanReport = { words: s.words, positiveWords: s.positives };
    log(`spans: ${s.words} words (${s.positives} marked) from ${spanRows.length} comments (${Date.now() - t2} ms)`);
  }

  const meta: ModelMeta = {
    format: 'local-classifier/2',
    version,
    bits: o.bits,
    features: o.features,
    heads: [...HEADS],
    span,
    groupScale: o.groupScale,
    ...(o.blocks ? { blocks: blockMeta(o.blocks) } : {}),
    bias: Array.from(sgd.bias),
    calibration: HEADS.map(() => ({ a: 1, b: 0 })),
    thresholds: HEADS.map(() => 0.5),
    weightScale: HEADS.map(() => 1),
    training: {},
  };
  const params: ModelParams = { meta, idf, weights: weights2 };
  const model = new LinearModel(params);
  const out = new Float64Array(H);
  const cal = relabel(split.calibration, o.labels);
  const z = cal.map((r) => {
    model.logits(r.text, out);
    return Array.from(out);
  });
  const forThreshold = new Set(o.thresholdSources);
  HEADS.forEach((_, h) => {
    const keep = cal.map((r, i) => i).filter((i) => !Number.isNaN(cal[i].y[h]));
    const zs = keep.map((i) => z[i][h]);
    const ys = keep.map((i) => cal[i].y[h]);
    const ws = keep.map((i) => weights[cal[i].source]);
    meta.calibration[h] = fitPlatt(zs, ys, ws);
    model.meta.calibration[h] = meta.calibration[h];
    let pick = keep.filter((i) => forThreshold.has(cal[i].source));
    let py = pick.map((i) => cal[i].y[h]);
    // Too few positives there (threat, severe toxicity): every calibration row; fewer still: a plain 0.5.
    if (py.filter((v) => v === 1).length < MIN_POSITIVES_FOR_THRESHOLD) {
      pick = keep;
      py = ys;
    }
    const positives = py.filter((v) => v === 1).length;
    const ps = pick.map((i) => model.calibrate(h, z[i][h]));
    meta.thresholds[h] = positives >= MIN_POSITIVES_FOR_THRESHOLD ? bestF1Threshold(ps, py) : 0.5;
  });
  if (span) {
    const calSpans = split.calibration.filter((r) => r.spans);
    const best = bestSpanThreshold(model, calSpans);
    span.threshold = best.threshold;
    model.meta.span!.threshold = best.threshold;
    spanReport = { ...spanReport, calibrationF1: best.f1 };
    log(`span threshold ${best.threshold}: F1 ${best.f1.toFixed(3)} on ${calSpans.length} calibration comments`);
  }
  return { params, split, weights, spanReport };
}
