/**
 * Evaluates the shipped model against a TF-IDF + logistic regression baseline on the held-out test
 * split (the same seeded, stratified per-source split that training used).
 *   npm run eval -- --data ../shared/data/training [--model models/local-classifier.bin] [--dev ../shared/data/dev]
 *     [--loso] [--options '{"balance":0.8}'] [--no-baseline]
 * --dev adds the SFU news-comment toxicity check and the off-topic evaluation (evaluation only: that
 * corpus is non-commercial). --loso adds the leave-one-source-out evaluation, which retrains the
 * model and the baseline once per source with the model's training options (--folds a,b: only
 * those held-out sources; --no-insource: skip the test-split comparison). --options trains a
 * model in memory with the default options overridden by the JSON (for experiments) instead of
 * reading --model.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TfidfBaseline } from '../src/classifier/baseline/tfidf-baseline';
import { DEFAULT_MODEL_PATH, LocalClassifier, loadLocalClassifier } from '../src/classifier/local-classifier';
import { HEADS, LinearModel } from '../src/classifier/model';
import { parseCsvObjects } from '../src/classifier/training/csv';
import { DEFAULT_FEATURES } from '../src/classifier/features';
import { DEFAULT_LABEL_MAPPING, SOURCES, loadTrainingData, type SourceName } from '../src/classifier/training/datasets';
import { evaluateRows, type LabelReport } from '../src/classifier/training/evaluate';
import { rocAuc, averagePrecision } from '../src/classifier/training/metrics';
import { splitRows } from '../src/classifier/training/split';
import { spanF1 } from '../src/classifier/training/spans';
import { leaveOneSourceOut } from '../src/classifier/training/loso';
import { DEFAULT_TRAIN_OPTIONS, trainModel, type TrainOptions } from '../src/classifier/training/train-model';
import { runOffTopicEval } from './eval-offtopic';
import { DEFAULT_THRESHOLDS } from '../config/policy-schema';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/training' },
    model: { type: 'string', default: DEFAULT_MODEL_PATH },
    dev: { type: 'string' },
    loso: { type: 'boolean', default: false },
    options: { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
    'no-insource': { type: 'boolean', default: false },
    folds: { type: 'string' },
  },
});

const rows = loadTrainingData(path.resolve(values.data!));
const withBaseline = !values['no-baseline'];
// Options missing from older artifacts mean the recipe before they existed.
const LEGACY: Partial<TrainOptions> = { sourceBoost: {}, labels: DEFAULT_LABEL_MAPPING, features: DEFAULT_FEATURES, nbWeight: 0, blocks: null };
const insource = !values['no-insource'];
let classifier: LocalClassifier;
let options: TrainOptions;
if (values.options) {
  options = { ...DEFAULT_TRAIN_OPTIONS, ...(JSON.parse(values.options) as Partial<TrainOptions>) };
  classifier = new LocalClassifier(new LinearModel(trainModel(rows, 'experiment', insource ? options : { ...options, epochs: 0, spans: null }).params));
  console.log(`Options: ${JSON.stringify(options)}\n`);
} else {
  classifier = loadLocalClassifier(values.model);
  options = { ...DEFAULT_TRAIN_OPTIONS, ...LEGACY, ...(classifier.meta.training.options as Partial<TrainOptions>) };
}
const summary: Record<string, unknown> = {};
const split = splitRows(rows, { seed: options.seed, ...options.split });
const thresholds = HEADS.map((h) => classifier.thresholds[h]);
const modelScore = (t: string): number[] => {
  const s = classifier.scoreText(t);
  return HEADS.map((h) => s[h]);
};

const f = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`# Evaluation of ${classifier.version}\n`);
const baseline = new TfidfBaseline();
if (insource) inSourceComparison();

function inSourceComparison(): void {
  console.log(`Test split: ${split.test.length} rows (${SOURCES.map((s) => `${s} ${split.test.filter((r) => r.source === s).length}`).join(', ')}); seed ${options.seed}.\n`);
  const model = evaluateRows(split.test, modelScore, thresholds);
  const t0 = Date.now();
  if (withBaseline) {
    baseline.fit(split.train, split.calibration, { epochs: options.epochs, learningRate: options.learningRate, l2: options.l2Task, seed: options.seed });
    console.log(`Baseline: TF-IDF word 1-2 + char_wb 2-5 (min_df 2, ${baseline.vocabularySize} n-grams) + logistic regression, trained in ${((Date.now() - t0) / 1000).toFixed(0)} s.\n`);
  }
  const base = withBaseline ? evaluateRows(split.test, (t) => baseline.score(t), baseline.thresholds) : [];

  const key = (r: LabelReport): string => `${r.head}|${r.source}`;
  const baseBy = new Map(base.map((r) => [key(r), r]));
  console.log('| label | source | n | pos | ROC-AUC model | ROC-AUC baseline | PR-AUC model | PR-AUC baseline | threshold | P model | R model | P baseline | R baseline |');
  console.log('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of model) {
    const b = baseBy.get(key(r));
    const h = HEADS.indexOf(r.head as (typeof HEADS)[number]);
    console.log(`| ${r.head} | ${r.source} | ${r.n} | ${r.positives} | ${f(r.rocAuc)} | ${f(b?.rocAuc)} | ${f(r.prAuc)} | ${f(b?.prAuc)} | ${thresholds[h]} | ${f(r.precision)} | ${f(r.recall)} | ${f(b?.precision)} | ${f(b?.recall)} |`);
  }

  console.log('\nPer source, mean over the labels it provides (labels with ≥ 10 test positives):\n');
  console.log('| source | labels | mean ROC-AUC model | baseline | mean PR-AUC model | baseline | model better |');
  console.log('|---|---|--:|--:|--:|--:|---|');
  const inSource: Record<string, number> = {};
  for (const s of SOURCES) {
    const mine = model.filter((r) => r.source === s && r.positives >= 10);
    const roc = mean(mine.map((r) => r.rocAuc));
    const pr = mean(mine.map((r) => r.prAuc));
    const broc = withBaseline ? mean(mine.map((r) => baseBy.get(key(r))!.rocAuc)) : NaN;
    const bpr = withBaseline ? mean(mine.map((r) => baseBy.get(key(r))!.prAuc)) : NaN;
    inSource[s] = roc;
    console.log(`| ${s} | ${mine.map((r) => r.head).join(', ')} | ${f(roc)} | ${f(broc)} | ${f(pr)} | ${f(bpr)} | ${withBaseline ? (roc > broc ? 'yes' : 'NO') : '–'} |`);
  }
  summary.inSource = inSource;
  const spanRows = split.test.filter((r) => r.spans);
  if (spanRows.length) {
    const f1 = mean(spanRows.map((r) => spanF1(classifier.markedSpans(r.text), r.spans!)));
    const withGold = spanRows.filter((r) => r.spans!.length);
    const f1Gold = mean(withGold.map((r) => spanF1(classifier.markedSpans(r.text), r.spans!)));
    console.log(`\nToxic Spans, test split (${spanRows.length} comments; SemEval 2021 Task 5 F1, per comment then averaged): ${f(f1)} (${f(f1Gold)} on the ${withGold.length} comments with a majority span).`);
    summary.spanF1 = f1;
  }
  summary.inSourceMean = mean(Object.values(inSource));
  flagRates();

}

/**
 * How often the shipped thresholds fire on the comment-like sources' test rows (not tweets, not
 * Toxic Spans, which holds only toxic comments): share flagged by any of toxicity, insult or
 * harassment, and recall on each source's abusive rows, at the model's own thresholds and at the
 * policy's default flag thresholds.
 */
function flagRates(): void {
  const heads = ['toxicity', 'insult', 'harassment'] as const;
  console.log('\nFlag rates on comment-like sources (test split; flagged = toxicity, insult or harassment at or above the threshold):\n');
  console.log('| source | rows | abusive rows | flagged, model thresholds | recall | flagged, policy defaults | recall |');
  console.log('|---|--:|--:|--:|--:|--:|--:|');
  for (const source of ['insults2012', 'reddit2021', 'wikicontext2020', 'wikitoxicity', 'jigsaw2018'] as const) {
    const test = split.test.filter((r) => r.source === source);
    const abusive = test.map((r) => (r.y[0] === 1 || r.y[HEADS.indexOf('insult')] === 1 ? 1 : 0));
    const scores = test.map((r) => classifier.scoreText(r.text));
    const rate = (t: (h: (typeof heads)[number]) => number): [number, number] => {
      const flagged = scores.map((s) => heads.some((h) => s[h] >= t(h)));
      const pos = abusive.reduce((a: number, b) => a + b, 0);
      return [flagged.filter(Boolean).length / test.length, flagged.filter((v, i) => v && abusive[i]).length / Math.max(1, pos)];
    };
    const [fm, rm] = rate((h) => classifier.thresholds[h]);
    const [fp, rp] = rate((h) => DEFAULT_THRESHOLDS[h].flag);
    console.log(`| ${source} | ${test.length} | ${abusive.reduce((a: number, b) => a + b, 0)} | ${(100 * fm).toFixed(1)}% | ${(100 * rm).toFixed(1)}% | ${(100 * fp).toFixed(1)}% | ${(100 * rp).toFixed(1)}% |`);
  }
}

if (values.loso) {
  console.log(`\nLeave one source out (train on every other source with the same options, score every row of the held-out source; ROC-AUC):\n`);
  const only = values.folds ? (values.folds.split(',') as SourceName[]) : SOURCES;
  const loso = leaveOneSourceOut(rows, options, withBaseline, (m) => console.error(m), only);
  console.log('| held-out source | label | n | pos | ROC-AUC model | baseline | model better |');
  console.log('|---|---|--:|--:|--:|--:|---|');
  for (const r of loso) {
    for (const l of r.labels) console.log(`| ${r.source} | ${l.head} | ${l.n} | ${l.positives} | ${f(l.model)} | ${f(l.baseline)} | |`);
    console.log(`| ${r.source} | **mean** | | | **${f(r.model)}** | ${f(r.baseline)} | ${withBaseline ? (r.model > r.baseline! ? 'yes' : 'NO') : '–'} |`);
  }
  const m = mean(loso.map((r) => r.model));
  console.log(`| all | **mean of sources** | | | **${f(m)}** | ${withBaseline ? f(mean(loso.map((r) => r.baseline!))) : '–'} |`);
  summary.loso = Object.fromEntries(loso.map((r) => [r.source, r.model]));
  if (withBaseline) summary.losoBaseline = Object.fromEntries(loso.map((r) => [r.source, r.baseline]));
  summary.losoMean = m;
}

if (values.dev) {
  const file = existsSync(values.dev) && statSync(values.dev).isDirectory() ? path.join(values.dev, 'sfu_ctc.csv') : values.dev;
  const sfu = parseCsvObjects(readFileSync(file, 'utf8')).filter((r) => r.comment && r.is_toxic_popular_answer_1);
  const ms = sfu.map((r) => modelScore(r.comment));
  const bs = withBaseline ? sfu.map((r) => baseline.score(r.comment)) : undefined;
  console.log(`\nNews-domain check (SFU SOCC, ${sfu.length} Globe and Mail comments; evaluation only):\n`);
  console.log('| positive if toxicity answer ≥ | pos | head | ROC-AUC model | baseline | PR-AUC model | baseline |');
  console.log('|--:|--:|---|--:|--:|--:|--:|');
  const sfuSummary: Record<string, number> = {};
  for (const cut of [2, 3]) {
    const ys = sfu.map((r) => (Number(r.is_toxic_popular_answer_1) >= cut ? 1 : 0));
    for (const head of ['toxicity', 'insult', 'harassment'] as const) {
      const h = HEADS.indexOf(head);
      const m = ms.map((p) => p[h]);
      const b = bs?.map((p) => p[h]);
      sfuSummary[`${head}>=${cut}`] = rocAuc(m, ys);
      console.log(`| ${cut} | ${ys.filter((y) => y).length} | ${head} | ${f(rocAuc(m, ys))} | ${b ? f(rocAuc(b, ys)) : '–'} | ${f(averagePrecision(m, ys))} | ${b ? f(averagePrecision(b, ys)) : '–'} |`);
    }
  }
  summary.sfu = sfuSummary;
}

console.log(`\nSummary: ${JSON.stringify(summary, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v))}`);

if (values.dev && !values.options) {
  console.log('\n# Off-topic: own article and thread vs another article\'s\n');
  runOffTopicEval(existsSync(values.dev) && statSync(values.dev).isDirectory() ? values.dev : path.dirname(values.dev));
}
