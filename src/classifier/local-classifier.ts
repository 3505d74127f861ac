/**
 * The offline classifier: the model trained by `npm run train`, shipped in `models/`, running
 * in-process. Scores are calibrated probabilities in [0, 1]; for every label at or above its
 * recommended threshold, the result also carries the spans of the comment that carry it (words the
 * model's span scorer marks and that pushed that label up).
 */
import path from 'node:path';
import type { Classifier, ClassifierInput, ClassifierResult, Span } from '../moderation/types';
import { explain, markedSpans } from './explain';
import { HEADS, LinearModel, loadModel, type Head, type ModelMeta } from './model';
import type { NormalizedText } from './normalize';

/** The model file committed with the code. */
export const DEFAULT_MODEL_PATH = path.resolve(__dirname, '../../models/local-classifier.bin');

/** Calibrated scores for every label the local model knows. */
export type LocalScores = Record<Head, number>;

export class LocalClassifier implements Classifier {
  readonly name = 'local';
  readonly version: string;
  /** Recommended threshold per label (a score at or above it counts as flagged). */
  readonly thresholds: Readonly<LocalScores>;
  private readonly model: LinearModel;
  private readonly raw: Float64Array;

  constructor(model: LinearModel) {
    this.model = model;
    this.version = model.meta.version;
    this.raw = new Float64Array(model.heads);
    const t = {} as LocalScores;
    model.meta.heads.forEach((head, h) => (t[head] = model.meta.thresholds[h]));
    this.thresholds = Object.freeze(t);
  }

  /** Scores only, no explanations: the hot path for batch scoring and benchmarks. */
  scoreText(text: string): LocalScores {
    this.model.logits(text, this.raw);
    const scores = {} as LocalScores;
    const heads = this.model.meta.heads;
    for (let h = 0; h < heads.length; h++) scores[heads[h]] = this.model.calibrate(h, this.raw[h]);
    return scores;
  }

  /**
   * Scores plus, for each label at or above its threshold, the spans that drove it. `normalized`, if given, must be
   * `normalize(text)` (the pipeline's normalise phase has it).
   */
  classifyText(text: string, normalized?: NormalizedText): ClassifierResult {
    const features = this.model.logits(text, this.raw, true, normalized);
    const scores = {} as LocalScores;
    const spans: Partial<Record<Head, Span[]>> = {};
    const heads = this.model.meta.heads;
    for (let h = 0; h < heads.length; h++) {
      const head = heads[h];
      const p = this.model.calibrate(h, this.raw[h]);
      scores[head] = p;
      if (p >= this.thresholds[head]) spans[head] = explain(this.model, features, h);
    }
    return { scores, spans, provider: this.name, modelVersion: this.version };
  }

  /**
   * Every word the span scorer marks as abusive, whatever the label (the Toxic Spans task's
   * prediction; `classify` reports, per flagged label, the marked words that pushed that label up).
   */
  markedSpans(text: string): Span[] {
    return markedSpans(this.model, this.model.logits(text, this.raw, true));
  }

  /** The model's metadata: version, thresholds, calibration and how it was trained. */
  get meta(): ModelMeta {
    return this.model.meta;
  }

  async classify({ text, normalized }: ClassifierInput): Promise<ClassifierResult> {
    return this.classifyText(text, normalized);
  }
}

/** Loads a model file (default: the shipped one) synchronously. */
export function loadLocalClassifier(file: string = DEFAULT_MODEL_PATH): LocalClassifier {
  return new LocalClassifier(new LinearModel(loadModel(file)));
}

export { HEADS, type Head };
