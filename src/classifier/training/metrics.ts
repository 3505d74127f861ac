/** Ranking and threshold metrics for binary labels (optionally weighted for ROC-AUC ties). */

/** ROC-AUC via the rank-sum statistic with tied scores sharing their average rank; NaN if one class is missing. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]] === 1) {
        pos++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (!pos || !neg) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Average precision (area under the precision-recall curve, step-wise as scikit-learn computes it). */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let totalPos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) totalPos++;
  if (!totalPos) return NaN;
  let tp = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    for (let k = i; k <= j; k++) if (labels[idx[k]] === 1) tp++;
    const recall = tp / totalPos;
    ap += (recall - prevRecall) * (tp / (j + 1));
    prevRecall = recall;
    i = j + 1;
  }
  return ap;
}

export interface ThresholdStats {
  precision: number;
  recall: number;
  f1: number;
}

/** Precision, recall and F1 when score ≥ threshold counts as positive. */
export function atThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number, weights?: ArrayLike<number>): ThresholdStats {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const w = weights ? weights[i] : 1;
    const p = scores[i] >= threshold;
    if (p && labels[i] === 1) tp += w;
    else if (p) fp += w;
    else if (labels[i] === 1) fn += w;
  }
  const precision = tp + fp ? tp / (tp + fp) : NaN;
  const recall = tp + fn ? tp / (tp + fn) : NaN;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}
