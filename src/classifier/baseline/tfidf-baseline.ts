/**
 * The reference baseline of `npm run eval`: scikit-learn style TF-IDF over word 1–2-grams
 * (token pattern \b\w\w+\b, lower case) and char_wb 2–5-grams, min_df 2, sublinear TF, smoothed
 * IDF, each block L2-normalised; one independent logistic regression per label, trained on the
 * rows whose source labels it, with the same SGD trainer and split as the model, no text
 * normalisation and no source weighting. Platt calibration on the calibration split, as the model.
 */
import { HEADS, sigmoid } from '../model';
import { bestF1Threshold, fitPlatt } from '../training/calibrate';
import type { LabelledRow } from '../training/datasets';
import { trainSgd, type SgdModel } from '../training/sgd';

function ngrams(text: string): { words: string[]; chars: string[] } {
  const lower = text.toLowerCase();
  const tokens = lower.match(/\b\w\w+\b/gu) ?? [];
  const words = [...tokens];
  for (let i = 0; i + 1 < tokens.length; i++) words.push(`${tokens[i]} ${tokens[i + 1]}`);
  const chars: string[] = [];
  for (const w of lower.split(/\s+/)) {
    if (!w) continue;
    const p = ` ${w} `;
    for (let n = 2; n <= 5; n++) {
      for (let i = 0; i + n <= p.length; i++) chars.push(p.slice(i, i + n));
      if (n >= p.length) break;
    }
  }
  return { words, chars };
}

/**
 * Every text's n-grams as ids of one growing dictionary, kept per text so repeated fits (LOSO
 * folds) extract each text's n-grams once. Ids are only a cache key: each fit builds its own
 * vocabulary (min_df 2 on its training rows).
 */
const dictionary = new Map<string, number>();
const gramCache = new Map<string, { words: Int32Array; chars: Int32Array }>();

function gramIds(text: string): { words: Int32Array; chars: Int32Array } {
  let hit = gramCache.get(text);
  if (!hit) {
    const { words, chars } = ngrams(text);
    const id = (g: string): number => {
      let j = dictionary.get(g);
      if (j === undefined) dictionary.set(g, (j = dictionary.size));
      return j;
    };
    hit = { words: Int32Array.from(words, (w) => id('w' + w)), chars: Int32Array.from(chars, (c) => id('c' + c)) };
    gramCache.set(text, hit);
  }
  return hit;
}

export interface BaselineOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export class TfidfBaseline {
  /** Dictionary id → column of this fit's vocabulary (-1: not in it). */
  private column = new Int32Array(0);
  private size = 0;
  private idf: Float32Array = new Float32Array(0);
  private model: SgdModel | undefined;
  private calibration = HEADS.map(() => ({ a: 1, b: 0 }));
  thresholds = HEADS.map(() => 0.5);

  /** Sparse TF-IDF vector of one text (indices into the vocabulary, values). */
  private vector(text: string): { idx: number[]; val: number[] } {
    const { words, chars } = gramIds(text);
    const idx: number[] = [];
    const val: number[] = [];
    for (const grams of [words, chars]) {
      const tf = new Map<number, number>();
      for (const g of grams) {
        const j = g < this.column.length ? this.column[g] : -1;
        if (j >= 0) tf.set(j, (tf.get(j) ?? 0) + 1);
      }
      let norm = 0;
      const start = val.length;
      for (const [j, c] of tf) {
        const v = (1 + Math.log(c)) * this.idf[j];
        idx.push(j);
        val.push(v);
        norm += v * v;
      }
      norm = Math.sqrt(norm) || 1;
      for (let k = start; k < val.length; k++) val[k] /= norm;
    }
    return { idx, val };
  }

  fit(train: LabelledRow[], calibration: LabelledRow[], o: BaselineOptions): void {
    const grams = train.map((r) => gramIds(r.text));
    const df = new Int32Array(dictionary.size);
    const seen = new Int32Array(dictionary.size).fill(-1);
    grams.forEach(({ words, chars }, i) => {
      for (const block of [words, chars]) {
        for (const g of block) {
          if (seen[g] === i) continue;
          seen[g] = i;
          df[g]++;
        }
      }
    });
    this.column = new Int32Array(dictionary.size).fill(-1);
    const idf: number[] = [];
    for (let g = 0; g < df.length; g++) {
      if (df[g] < 2) continue;
      this.column[g] = idf.length;
      idf.push(Math.log((1 + train.length) / (1 + df[g])) + 1);
    }
    this.size = idf.length;
    this.idf = Float32Array.from(idf);
    const rowPtr = new Int32Array(train.length + 1);
    const allIdx: number[] = [];
    const allVal: number[] = [];
    train.forEach((r, i) => {
      const { idx, val } = this.vector(r.text);
      for (let k = 0; k < idx.length; k++) {
        allIdx.push(idx[k]);
        allVal.push(val[k]);
      }
      rowPtr[i + 1] = allIdx.length;
    });
    const H = HEADS.length;
    const y = new Float32Array(train.length * H);
    train.forEach((r, i) => r.y.forEach((v, h) => (y[i * H + h] = v)));
    this.model = trainSgd(
      { rowPtr, idx: Int32Array.from(allIdx), val: Float32Array.from(allVal) },
      y,
      new Float32Array(train.length).fill(1),
      { dims: this.idf.length, heads: H, epochs: o.epochs, learningRate: o.learningRate, l2Task: o.l2, l2Shared: 0, shared: false, seed: o.seed },
    );
    const z = calibration.map((r) => this.logits(r.text));
    HEADS.forEach((_, h) => {
      const keep = calibration.map((_, i) => i).filter((i) => !Number.isNaN(calibration[i].y[h]));
      const ys = keep.map((i) => calibration[i].y[h]);
      this.calibration[h] = fitPlatt(keep.map((i) => z[i][h]), ys);
      this.thresholds[h] = bestF1Threshold(keep.map((i) => this.calibrated(h, z[i][h])), ys);
    });
  }

  private logits(text: string): number[] {
    if (!this.model) throw new Error('baseline not fitted');
    const { weights, bias } = this.model;
    const H = HEADS.length;
    const { idx, val } = this.vector(text);
    const z = Array.from(bias);
    for (let k = 0; k < idx.length; k++) for (let h = 0; h < H; h++) z[h] += weights[idx[k] * H + h] * val[k];
    return z;
  }

  private calibrated(h: number, z: number): number {
    return sigmoid(this.calibration[h].a * z + this.calibration[h].b);
  }

  /** Calibrated probabilities, HEADS order. */
  score(text: string): number[] {
    return this.logits(text).map((z, h) => this.calibrated(h, z));
  }

  get vocabularySize(): number {
    return this.size;
  }
}
