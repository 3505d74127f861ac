/** Held-out evaluation: ROC-AUC, PR-AUC and precision/recall at thresholds, per label and per source. */
import { HEADS } from '../model';
import { SOURCES, type LabelledRow } from './datasets';
import { atThreshold, averagePrecision, rocAuc } from './metrics';

export interface LabelReport {
  head: string;
  source: string;
  n: number;
  positives: number;
  rocAuc: number;
  prAuc: number;
  precision?: number;
  recall?: number;
}

/**
 * Scores every row once (`score` returns one probability per head, HEADS order) and reports each
 * head on each source that labels it, then pooled over sources ("all").
 */
export function evaluateRows(rows: LabelledRow[], score: (text: string) => ArrayLike<number>, thresholds?: number[]): LabelReport[] {
  const scored = rows.map((r) => Array.from(score(r.text)));
  const reports: LabelReport[] = [];
  HEADS.forEach((head, h) => {
    for (const source of [...SOURCES, 'all'] as const) {
      const keep = rows.map((_, i) => i).filter((i) => (source === 'all' || rows[i].source === source) && !Number.isNaN(rows[i].y[h]));
      const ys = keep.map((i) => rows[i].y[h]);
      const ps = keep.map((i) => scored[i][h]);
      const positives = ys.filter((v) => v === 1).length;
      if (!positives || positives === ys.length) continue;
      const report: LabelReport = { head, source, n: ys.length, positives, rocAuc: rocAuc(ps, ys), prAuc: averagePrecision(ps, ys) };
      if (thresholds) Object.assign(report, atThreshold(ps, ys, thresholds[h]));
      delete (report as { f1?: number }).f1;
      reports.push(report);
    }
  });
  return reports;
}
