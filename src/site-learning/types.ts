/**
 * Site learning's vocabulary: a site's labelled moderation history and the adapter trained from it.
 * Pure data (JSON-serialisable), shared by the training code, the stores and the moderation phase.
 */

/** Where a label came from. */
export type LabelSource = 'import' | 'api' | 'moderator' | 'suggestscore';

/** One past decision of a site: the text, its context and the human label. */
export interface SiteLabel {
  /** The site's id for the comment; a later label with the same id replaces the earlier one. */
  id: string;
  body: string;
  label: 'approved' | 'rejected';
  reasonCode?: string;
  /** Training folds are split by article, so that no article is on both sides. */
  articleId?: string;
  article?: { title: string; body: string };
  parentBody?: string;
  decidedAt?: string;
  source: LabelSource;
}

/** Precision-targeted thresholds on the adapter's probability (above 1: never reached). */
export interface AdapterThresholds {
  flag: number;
  reject: number;
}

/**
 * A site's adapter: a logistic layer over the general model's head scores (as logits), the comment's
 * length and a hashed bag of its words. `weights` holds one weight per `heads` entry, then the length
 * weight, then `buckets` word weights.
 */
export interface SiteAdapter {
  site: string;
  /** Set by the adapter store when saved (1, 2, …). */
  version: number;
  /** The general model the head scores came from; the adapter applies only to scores of that model. */
  generalModelVersion: string;
  heads: string[];
  buckets: number;
  weights: number[];
  bias: number;
  /** Centre and scale of the length feature (log of characters + 1). */
  length: { mean: number; std: number };
  thresholds: AdapterThresholds;
  trainedAt: string;
  /** How many labels (and label additions) the site had when trained; the retraining job compares. */
  labelCount: number;
  labelAdditions: number;
  report: AdapterReport;
}

/** Precision and recall of a threshold on out-of-fold predictions. */
export interface ThresholdReport {
  threshold: number;
  precision: number;
  recall: number;
}

/** The cross-validated comparison printed by `train:site` and stored with the adapter. */
export interface AdapterReport {
  labels: number;
  rejected: number;
  articles: number;
  folds: number;
  /** The general model's best single head (chosen on the training labels) and its out-of-fold ROC-AUC. */
  generalHead: string;
  generalAuc: number;
  adaptedAuc: number;
  /** L2 strength chosen by grouped cross-validation. */
  l2: number;
  targetPrecision: AdapterThresholds;
  flag: ThresholdReport;
  reject: ThresholdReport;
}
