/**
 * The span column: a word-level logistic regression over the same hashed n-grams as the heads,
 * trained on Toxic Spans (a word is positive when most of its characters lie in the characters
 * most raters marked) plus words of civil comments from the other sources as negatives, so that
 * "looks like a news comment" or "occurs near abuse" does not mark a word. Its threshold is the
 * one that maximises the Toxic Spans task's F1 on the calibration comments.
 */
import type { Span } from '../../moderation/types';
import { wordSpanLogits } from '../explain';
import type { FeatureOptions } from '../features';
import type { LinearModel } from '../model';
import { toOriginalSpan } from '../normalize';
import { OCC_BIGRAM, OCC_NEGATIVE, Vectorizer } from '../vectorize';
import type { LabelledRow } from './datasets';
import { rng, shuffle } from './split';

export interface SpanTrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** At most this many civil comments (all heads 0) from the other sources give negative words. */
  civilComments: number;
}

export const DEFAULT_SPAN_OPTIONS: SpanTrainOptions = { epochs: 4, learningRate: 0.05, l2: 1e-5, seed: 7, civilComments: 6000 };

/** Share of [start, end) covered by the gold ranges. */
function covered(start: number, end: number, gold: [number, number][]): number {
  if (end <= start) return 0;
  let n = 0;
  for (const [a, b] of gold) n += Math.max(0, Math.min(b, end) - Math.max(a, start));
  return n / (end - start);
}

/** Trains the span column; returns its float weights (one per bucket) and bias. */
export function trainSpanColumn(rows: LabelledRow[], civil: LabelledRow[], bits: number, features: FeatureOptions, o: SpanTrainOptions = DEFAULT_SPAN_OPTIONS): { weights: Float32Array; bias: number; words: number; positives: number } {
  const v = new Vectorizer(bits, features);
  const random = rng(o.seed);
  const negatives = shuffle(civil.slice(), random).slice(0, o.civilComments);
  const ptr: number[] = [0];
  const idx: number[] = [];
  const sgn: number[] = [];
  const label: number[] = [];
  for (const r of [...rows, ...negatives]) {
    const f = v.vectorize(r.text, true);
    const words = f.bounds.length / 2;
    const lists: number[][] = Array.from({ length: words }, () => []);
    for (let k = 0; k < f.occurrences; k++) {
      const signed = (f.buckets[f.occFeature[k]] + 1) * (f.occFlags[k] & OCC_NEGATIVE ? -1 : 1);
      lists[f.occWord[k]].push(signed);
      if (f.occFlags[k] & OCC_BIGRAM) lists[f.occWord[k] + 1]?.push(signed);
    }
    for (let w = 0; w < words; w++) {
      const s = toOriginalSpan(f.normalized, f.bounds[2 * w], f.bounds[2 * w + 1]);
      label.push(r.spans && covered(s.start, s.end, r.spans) >= 0.5 ? 1 : 0);
      for (const x of lists[w]) {
        idx.push(Math.abs(x) - 1);
        sgn.push(Math.sign(x));
      }
      ptr.push(idx.length);
    }
  }
  const dims = 1 << bits;
  const W = new Float32Array(dims);
  const G = new Float32Array(dims);
  let bias = 0;
  let gBias = 0;
  const order = Array.from({ length: label.length }, (_, i) => i);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      let z = bias;
      for (let k = ptr[i]; k < ptr[i + 1]; k++) z += sgn[k] * W[idx[k]];
      const g = 1 / (1 + Math.exp(-z)) - label[i];
      gBias += g * g;
      bias -= (o.learningRate * g) / (Math.sqrt(gBias) + 1e-8);
      for (let k = ptr[i]; k < ptr[i + 1]; k++) {
        const j = idx[k];
        const gj = g * sgn[k] + o.l2 * W[j];
        G[j] += gj * gj;
        W[j] -= (o.learningRate * gj) / (Math.sqrt(G[j]) + 1e-8);
      }
    }
  }
  return { weights: W, bias, words: label.length, positives: label.reduce((a, b) => a + b, 0) };
}

/**
 * F1 of one comment's predicted characters against the gold ones, as SemEval 2021 Task 5 scores
 * it: 1 when both are empty, 0 when only one is.
 */
export function spanF1(predicted: readonly Span[] | [number, number][], gold: [number, number][]): number {
  const toSet = (ranges: Iterable<Span | [number, number]>): Set<number> => {
    const s = new Set<number>();
    for (const r of ranges) {
      const [a, b] = Array.isArray(r) ? r : [r.start, r.end];
      for (let i = a; i < b; i++) s.add(i);
    }
    return s;
  };
  const p = toSet(predicted as Iterable<Span | [number, number]>);
  const g = toSet(gold);
  if (!p.size && !g.size) return 1;
  if (!p.size || !g.size) return 0;
  let both = 0;
  for (const i of p) if (g.has(i)) both++;
  return (2 * both) / (p.size + g.size);
}

/** Each comment's words as original spans with their span logits. */
function scoredWords(model: LinearModel, rows: LabelledRow[]): { spans: Span[]; z: number[] }[] {
  const out = new Float64Array(model.heads);
  let z = new Float64Array(256);
  return rows.map((r) => {
    const f = model.logits(r.text, out, true);
    const words = f.bounds.length / 2;
    if (z.length < words + 1) z = new Float64Array(2 * words + 2);
    wordSpanLogits(model, f, z);
    const spans: Span[] = [];
    for (let w = 0; w < words; w++) spans.push(toOriginalSpan(f.normalized, f.bounds[2 * w], f.bounds[2 * w + 1]));
    return { spans, z: Array.from(z.subarray(0, words)) };
  });
}

/** Mean span F1 over `rows` (which carry gold spans) when words with span probability ≥ threshold are marked. */
export function meanSpanF1(model: LinearModel, rows: LabelledRow[], threshold: number, scored = scoredWords(model, rows)): number {
  const zMin = Math.log(threshold / (1 - threshold));
  let sum = 0;
  scored.forEach((s, i) => {
    sum += spanF1(s.spans.filter((_, w) => s.z[w] >= zMin), rows[i].spans ?? []);
  });
  return sum / Math.max(1, rows.length);
}

/** The span threshold (0.05 steps) with the best mean span F1 on `rows`. */
export function bestSpanThreshold(model: LinearModel, rows: LabelledRow[]): { threshold: number; f1: number } {
  const scored = scoredWords(model, rows);
  let best = { threshold: 0.5, f1: -1 };
  for (let t = 0.1; t <= 0.901; t += 0.05) {
    const threshold = Math.round(t * 100) / 100;
    const f1 = meanSpanF1(model, rows, threshold, scored);
    if (f1 > best.f1) best = { threshold, f1 };
  }
  return best;
}
