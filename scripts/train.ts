/**
 * Trains the local classifier from the shared labelled files and writes the model artifact.
 *   npm run train -- --data ../shared/data/training [--out models/local-classifier.bin] [--seed N]
 * Deterministic for a given seed and data.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_PATH } from '../src/classifier/local-classifier';
import { HEADS, saveModel } from '../src/classifier/model';
import { SOURCES, loadTrainingData } from '../src/classifier/training/datasets';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from '../src/classifier/training/train-model';

const MODEL_SERIES = 'local-2';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/training' },
    out: { type: 'string', default: DEFAULT_MODEL_PATH },
    seed: { type: 'string' },
  },
});

const started = Date.now();
const options = { ...DEFAULT_TRAIN_OPTIONS, seed: values.seed ? Number(values.seed) : DEFAULT_TRAIN_OPTIONS.seed };
const rows = loadTrainingData(path.resolve(values.data!));
console.log(`read ${rows.length} rows from ${values.data}`);
const { params, split, weights, spanReport } = trainModel(rows, MODEL_SERIES, options, (m) => console.log(m));

const count = (part: typeof rows) => Object.fromEntries(SOURCES.map((s) => [s, part.filter((r) => r.source === s).length]));
const positives = Object.fromEntries(
  HEADS.map((h, i) => [h, Object.fromEntries(SOURCES.map((s) => [s, split.train.filter((r) => r.source === s && r.y[i] === 1).length + '/' + split.train.filter((r) => r.source === s && !Number.isNaN(r.y[i])).length]))]),
);
// Weights and everything else that changes a score (block pooling, calibration), so a new scoring rule is a new version.
const scoring = JSON.stringify({ blocks: params.meta.blocks ?? null, calibration: params.meta.calibration });
const digest = createHash('sha256').update(Buffer.from(params.weights.buffer)).update(Buffer.from(params.idf.buffer)).update(scoring).digest('hex').slice(0, 10);
params.meta.version = `${MODEL_SERIES}-${digest}`;
params.meta.training = {
  rows: { train: count(split.train), calibration: count(split.calibration), test: count(split.test) },
  trainPositivesPerLabel: positives,
  sourceWeights: weights,
  spans: spanReport,
  options,
};
saveModel(values.out!, params);
console.log(`rows: ${JSON.stringify(params.meta.training.rows)}`);
console.log(`thresholds: ${HEADS.map((h, i) => `${h} ${params.meta.thresholds[i]}`).join(', ')}; span ${params.meta.span?.threshold}`);
console.log(`wrote ${values.out} (${(statSync(values.out!).size / 1048576).toFixed(1)} MB), version ${params.meta.version}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
