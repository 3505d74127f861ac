/**
 * Leave-one-source-out evaluation: a proxy for "comments from a site we have no data from". For
 * each source, the recipe trains on the other three (same code, same options, their own
 * train/calibration split) and is scored on every row of the held-out source, for the labels that
 * source gives (canonical mapping, threat left out: too few positives).
 */
import { TfidfBaseline } from '../baseline/tfidf-baseline';
import { HEADS, LinearModel } from '../model';
import { SOURCES, type LabelledRow, type SourceName } from './datasets';
import { rocAuc } from './metrics';
import { splitRows } from './split';
import { trainModel, type TrainOptions } from './train-model';

const LOSO_HEADS = ['toxicity', 'insult', 'harassment', 'profanity', 'identityAttack', 'threat'] as const;
const MIN_POSITIVES = 10;

export interface LosoResult {
  source: SourceName;
  /** ROC-AUC per label on the held-out source, for the model and (if run) the baseline. */
  labels: { head: string; n: number; positives: number; model: number; baseline?: number }[];
  model: number;
  baseline?: number;
  seconds: number;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Runs the folds (one per source, or those in `only`) one after another, each a full training run of the model and the baseline. */
export function leaveOneSourceOut(rows: LabelledRow[], options: TrainOptions, withBaseline: boolean, log: (m: string) => void = () => {}, only: readonly SourceName[] = SOURCES): LosoResult[] {
  const results: LosoResult[] = [];
  for (const held of only) {
    const t0 = Date.now();
    const others = rows.filter((r) => r.source !== held);
    const test = rows.filter((r) => r.source === held);
    const model = new LinearModel(trainModel(others, `loso-${held}`, { ...options, spans: null }).params);
    const out = new Float64Array(HEADS.length);
    const ms = test.map((r) => {
      model.logits(r.text, out);
      return Array.from(out); // raw outputs: calibration is monotone, so ROC-AUC is the same
    });
    let bs: number[][] | undefined;
    if (withBaseline) {
      const split = splitRows(others, { seed: options.seed, ...options.split });
      const baseline = new TfidfBaseline();
      baseline.fit(split.train, split.calibration, { epochs: options.epochs, learningRate: options.learningRate, l2: options.l2Task, seed: options.seed });
      bs = test.map((r) => baseline.score(r.text));
    }
    const labels: LosoResult['labels'] = [];
    for (const head of LOSO_HEADS) {
      const h = HEADS.indexOf(head);
      const keep = test.map((_, i) => i).filter((i) => !Number.isNaN(test[i].y[h]));
      const ys = keep.map((i) => test[i].y[h]);
      const positives = ys.filter((v) => v === 1).length;
      if (positives < MIN_POSITIVES || positives === ys.length) continue;
      labels.push({
        head,
        n: ys.length,
        positives,
        model: rocAuc(keep.map((i) => ms[i][h]), ys),
        baseline: bs ? rocAuc(keep.map((i) => bs![i][h]), ys) : undefined,
      });
    }
    const result: LosoResult = {
      source: held,
      labels,
      model: mean(labels.map((l) => l.model)),
      baseline: bs ? mean(labels.map((l) => l.baseline!)) : undefined,
      seconds: (Date.now() - t0) / 1000,
    };
    const detail = labels.map((l) => `${l.head} ${l.model.toFixed(3)}${bs ? `/${l.baseline!.toFixed(3)}` : ''}`).join(', ');
    log(`LOSO ${held}: model ${result.model.toFixed(3)}${bs ? `, baseline ${result.baseline!.toFixed(3)}` : ''} (${result.seconds.toFixed(0)} s; ${detail})`);
    results.push(result);
  }
  return results;
}
