/** Thresholds chosen for a target precision on out-of-fold predictions. */
import type { ThresholdReport } from './types';

/** Threshold that is never reached (the action is off). */
export const NEVER = 1.01;

/**
 * The threshold with the highest recall among those whose predictions at or above it reach `target`
 * precision with at least `minHits` true positives (so a threshold is never justified by one or two
 * comments); of equal recalls, the highest threshold (fewest false positives). Returns its precision and
 * recall; `NEVER` (recall 0) when no threshold reaches the target.
 */
export function thresholdForPrecision(scores: ArrayLike<number>, labels: ArrayLike<number>, target: number, minHits = 5): ThresholdReport {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  let tp = 0;
  let best: ThresholdReport = { threshold: NEVER, precision: NaN, recall: 0 };
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    for (let k = i; k <= j; k++) tp += labels[idx[k]];
    const precision = tp / (j + 1);
    if (precision >= target && tp >= minHits && tp / positives > best.recall) best = { threshold: scores[idx[i]], precision, recall: tp / positives };
    i = j + 1;
  }
  return best;
}
