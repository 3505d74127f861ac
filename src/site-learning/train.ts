/**
 * Trains a site's adapter from its labelled history and reports, by cross-validation with folds split
 * by article, how it ranks the site's rejections against the general model's best head. Pure: the
 * general model's scores arrive with the examples.
 */
import { rocAuc } from '../classifier/training/metrics';
import { featurize, lengthOf, type FeatureRow, type FeatureSpec } from './features';
import { groupFolds } from './folds';
import { fitLogistic, linear, sigmoid, type LogisticModel } from './logistic';
import { NEVER, thresholdForPrecision } from './thresholds';
import type { AdapterReport, AdapterThresholds, SiteAdapter } from './types';

/** One labelled comment with the general model's scores for it. */
export interface TrainingExample {
  scores: Readonly<Record<string, number | undefined>>;
  text: string;
  /** 1 = rejected by the site, 0 = approved. */
  label: 0 | 1;
  /** Article id (or any group that must not straddle folds). */
  group: string;
}

export interface TrainOptions {
  /** Word buckets (a power of two; 0 = no words). */
  buckets: number;
  folds: number;
  /** L2 strengths tried; the best by grouped cross-validation wins (ties: the stronger). */
  l2Grid: readonly number[];
  targetPrecision: AdapterThresholds;
  maxIterations: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  buckets: 4096,
  folds: 5,
  l2Grid: [0.001, 0.01, 0.1, 1],
  targetPrecision: { flag: 0.8, reject: 0.95 },
  maxIterations: 150,
};

/** An adapter as trained, before the store gives it a site, version and label counts. */
export type TrainedAdapter = Omit<SiteAdapter, 'site' | 'version' | 'labelCount' | 'labelAdditions'>;

/** Thrown when the labels cannot support cross-validation (one class or one article only). */
export class InsufficientLabelsError extends Error {
  override name = 'InsufficientLabelsError';
}

/** Heads in the order the examples first name them: whatever the general model returns. */
function headsOf(examples: readonly TrainingExample[]): string[] {
  const heads = new Set<string>();
  for (const e of examples) for (const [h, v] of Object.entries(e.scores)) if (typeof v === 'number') heads.add(h);
  return [...heads];
}

interface Fitted {
  model: LogisticModel;
  dims: number;
}

function fit(rows: readonly FeatureRow[], y: Float64Array, prior: Float64Array, l2: number, o: TrainOptions): Fitted {
  return { model: fitLogistic(rows, y, { dims: prior.length, l2, prior, maxIterations: o.maxIterations }), dims: prior.length };
}

/** Out-of-fold probabilities for one L2 strength. */
function outOfFold(rows: readonly FeatureRow[], y: Float64Array, fold: Int32Array, folds: number, prior: Float64Array, l2: number, o: TrainOptions): Float64Array {
  const oof = new Float64Array(rows.length);
  for (let f = 0; f < folds; f++) {
    const train = rows.map((_, i) => i).filter((i) => fold[i] !== f);
    const { model } = fit(train.map((i) => rows[i]), Float64Array.from(train, (i) => y[i]), prior, l2, o);
    for (let i = 0; i < rows.length; i++) if (fold[i] === f) oof[i] = sigmoid(linear(model, rows[i]));
  }
  return oof;
}

/**
 * Trains the adapter on every example, after choosing the L2 strength by grouped cross-validation, and
 * picks thresholds for the target precisions on the out-of-fold predictions. The report's ROC-AUCs
 * are out-of-fold (the L2 strength is chosen on the same folds, a small optimism; a held-out half, as
 * `npm run eval:site` uses, has none).
 */
export function trainAdapter(examples: readonly TrainingExample[], generalModelVersion: string, options: Partial<TrainOptions> = {}, now = new Date()): TrainedAdapter {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const y = Float64Array.from(examples, (e) => e.label);
  const rejected = y.reduce((a, b) => a + b, 0);
  if (rejected === 0 || rejected === examples.length) throw new InsufficientLabelsError('the labels hold only one class; both approved and rejected comments are needed');
  const { fold, folds } = groupFolds(examples.map((e) => e.group), o.folds);
  if (folds < 2) throw new InsufficientLabelsError('the labels come from one article; cross-validation needs at least two');

  const heads = headsOf(examples);
  const lengths = examples.map((e) => lengthOf(e.text));
  const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
  const std = Math.sqrt(lengths.reduce((a, b) => a + (b - mean) ** 2, 0) / lengths.length) || 1;
  const spec: FeatureSpec = { heads, buckets: o.buckets, length: { mean, std } };
  const rows = examples.map((e) => featurize(e.scores, e.text, spec));

  // The general model's best single head on these labels is both the baseline and the prior.
  const headAucs = heads.map((_, h) => rocAuc(Float64Array.from(rows, (r) => r.dense[h]), y));
  const best = headAucs.reduce((b, a, h) => (a > headAucs[b] ? h : b), 0);
  const prior = new Float64Array(heads.length + 1 + o.buckets);
  prior[best] = 1;

  let chosen: { l2: number; auc: number; oof: Float64Array } = { l2: o.l2Grid[0], auc: -Infinity, oof: new Float64Array(0) };
  for (const l2 of [...o.l2Grid].sort((a, b) => b - a)) {
    const oof = outOfFold(rows, y, fold, folds, prior, l2, o);
    const auc = rocAuc(oof, y);
    if (auc > chosen.auc + 1e-9) chosen = { l2, auc, oof };
  }
  const { model } = fit(rows, y, prior, chosen.l2, o);

  const flag = thresholdForPrecision(chosen.oof, y, o.targetPrecision.flag);
  const reject = thresholdForPrecision(chosen.oof, y, o.targetPrecision.reject);
  if (reject.threshold < flag.threshold) Object.assign(reject, flag);
  const report: AdapterReport = {
    labels: examples.length,
    rejected,
    articles: new Set(examples.map((e) => e.group)).size,
    folds,
    generalHead: heads[best],
    generalAuc: headAucs[best],
    adaptedAuc: chosen.auc,
    l2: chosen.l2,
    targetPrecision: o.targetPrecision,
    flag,
    reject,
  };
  return {
    generalModelVersion,
    heads,
    buckets: o.buckets,
    weights: Array.from(model.weights),
    bias: model.bias,
    length: spec.length,
    thresholds: { flag: flag.threshold, reject: reject.threshold },
    trainedAt: now.toISOString(),
    report,
  };
}

export { NEVER };
