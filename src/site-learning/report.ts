/** The cross-validated training report as text, for `npm run train:site` and logs. */
import type { AdapterReport } from './types';

const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

function threshold(name: string, t: AdapterReport['flag'], target: number): string {
  if (t.threshold > 1) return `${name} never (no threshold reaches precision ${target} on the site's labels)`;
  return `${name} at ${t.threshold.toFixed(3)}: precision ${f(t.precision)}, recall ${f(t.recall)} (target precision ${target})`;
}

export function formatReport(r: AdapterReport, generalModelVersion: string): string {
  return [
    `${r.labels} labels (${r.rejected} rejected) on ${r.articles} articles; ${r.folds} folds split by article (out-of-fold figures)`,
    `ROC-AUC general model ${generalModelVersion} (best head: ${r.generalHead}): ${f(r.generalAuc)}`,
    `ROC-AUC adapted (L2 ${r.l2}): ${f(r.adaptedAuc)}`,
    threshold('flag  ', r.flag, r.targetPrecision.flag),
    threshold('reject', r.reject, r.targetPrecision.reject),
  ].join('\n');
}
