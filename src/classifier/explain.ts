/**
 * Explanations: which words of a comment carry a label. Two signals per word: its span score (the
 * model's span column, learnt from Toxic Spans' marked words, so harmless words that merely occur
 * in abusive comments score low) and its credit for the head (each n-gram's contribution, weight ×
 * value, credited to the word it lies in; a bigram half to each word). A word is highlighted when
 * its span probability reaches the model's span threshold and it pushed the head up; adjacent
 * words are merged. Models without a span column fall back to the strongest-credit words.
 */
import type { Span } from '../moderation/types';
import type { LinearModel } from './model';
import { toOriginalSpan } from './normalize';
import { OCC_BIGRAM, OCC_CHAR, OCC_NEGATIVE, type SparseFeatures } from './vectorize';

export interface ExplainOptions {
  /** At most this many words are highlighted. */
  maxWords?: number;
  /** Without a span column: a word is highlighted only if its credit is at least this share of the strongest one. */
  minShare?: number;
}

// Local copies: read through the module's export getters, these would cost a call per occurrence.
const NEGATIVE = OCC_NEGATIVE;
const CHAR = OCC_CHAR;
const BIGRAM = OCC_BIGRAM;

// Scratch buffers (explain is synchronous and not re-entrant): credit and span logit per word, chosen words.
let credit = new Float64Array(256);
let spanZ = new Float64Array(256);
/** The model and features `spanZ` holds the span logits of (one text's are the same for every head it explains). */
let spanZFor: SparseFeatures | undefined;
let spanZModel: LinearModel | undefined;
const chosen: number[] = [];

/**
 * Span logits of every word of `features` (which must record occurrences): the span column's bias
 * plus the signed span weights of the word's n-grams (a bigram counts for both its words).
 * Written to `out` (length ≥ words); returns the number of words.
 */
export function wordSpanLogits(model: LinearModel, features: SparseFeatures, out: Float64Array): number {
  const words = features.bounds.length / 2;
  const col = model.heads;
  out.fill(model.meta.span?.bias ?? 0, 0, words + 1);
  const { occurrences, occFeature, occWord, occFlags, buckets } = features;
  for (let o = 0; o < occurrences; o++) {
    const flags = occFlags[o];
    const w = model.weight(buckets[occFeature[o]], col) * (flags & NEGATIVE ? -1 : 1);
    out[occWord[o]] += w;
    if (flags & BIGRAM) out[occWord[o] + 1] += w;
  }
  return words;
}

function ensure(words: number): void {
  if (credit.length < words + 1) {
    credit = new Float64Array(2 * words + 2);
    spanZ = new Float64Array(2 * words + 2);
    spanZFor = undefined;
  }
}

/** `wordSpanLogits` of `features` into `spanZ`, computed once per vectorised text (each `vectorize` returns a new object). */
function spanLogits(model: LinearModel, features: SparseFeatures): void {
  if (spanZFor === features && spanZModel === model) return;
  wordSpanLogits(model, features, spanZ);
  spanZFor = features;
  spanZModel = model;
}

/**
 * Spans of the original comment that carry head `head`, in text order. `features` must come from
 * `model.logits(text, out, true)`, which records the n-gram occurrences this credits to words.
 */
export function explain(model: LinearModel, features: SparseFeatures, head: number, options: ExplainOptions = {}): Span[] {
  const { maxWords = 3, minShare = 0.5 } = options;
  const { normalized, bounds, occurrences, occFeature, occWord, occFlags, buckets } = features;
  if (occurrences === 0 && features.count > 0) throw new Error('explain needs features with occurrences (logits(text, out, true))');
  const [g0, g1] = model.groupFactors(features);
  const words = bounds.length / 2;
  ensure(words);
  credit.fill(0, 0, words + 1);
  // Each occurrence in the order forEachFeature produced it, with the same arithmetic as a direct sum.
  for (let o = 0; o < occurrences; o++) {
    const bucket = buckets[occFeature[o]];
    const flags = occFlags[o];
    const c = model.weight(bucket, head) * (flags & NEGATIVE ? -1 : 1) * model.idfOf(bucket) * (flags & CHAR ? g1 : g0);
    const word = occWord[o];
    if (flags & BIGRAM) {
      credit[word] += c / 2;
      credit[word + 1] += c / 2;
    } else credit[word] += c;
  }
  let top = 0;
  for (let w = 0; w < words; w++) if (credit[w] > top) top = credit[w];
  if (!(top > 0)) return [];
  const span = model.meta.span;
  let floor = top * minShare;
  if (span) {
    spanLogits(model, features);
    const zMin = Math.log(span.threshold / (1 - span.threshold));
    // Words the span scorer marks and that pushed this head up (credit > 0) qualify.
    for (let w = 0; w < words; w++) if (!(spanZ[w] >= zMin)) credit[w] = 0;
    floor = 0;
  }
  // The maxWords strongest qualifying words; ties go to the earlier word.
  chosen.length = 0;
  for (let w = 0; w < words; w++) {
    const c = credit[w];
    if (!(c > 0 && c >= floor)) continue;
    if (chosen.length === maxWords && !(c > credit[chosen[maxWords - 1]])) continue;
    let i = chosen.length === maxWords ? maxWords - 1 : chosen.length;
    while (i > 0 && c > credit[chosen[i - 1]]) {
      chosen[i] = chosen[i - 1];
      i--;
    }
    chosen[i] = w;
  }
  // Text order (insertion sort: at most maxWords entries, and no comparator closure per call).
  for (let i = 1; i < chosen.length; i++) {
    const w = chosen[i];
    let j = i;
    for (; j > 0 && chosen[j - 1] > w; j--) chosen[j] = chosen[j - 1];
    chosen[j] = w;
  }
  const spans: Span[] = [];
  for (let i = 0; i < chosen.length; i++) {
    let j = i;
    while (j + 1 < chosen.length && chosen[j + 1] === chosen[j] + 1) j++;
    spans.push(toOriginalSpan(normalized, bounds[2 * chosen[i]], bounds[2 * chosen[j] + 1]));
    i = j;
  }
  return spans;
}

/**
 * Every word the span scorer marks, regardless of head, as spans of the original text (adjacent
 * words merged): the Toxic Spans task's prediction, used for its F1.
 */
export function markedSpans(model: LinearModel, features: SparseFeatures): Span[] {
  const span = model.meta.span;
  if (!span) return [];
  const words = features.bounds.length / 2;
  ensure(words);
  spanLogits(model, features);
  const zMin = Math.log(span.threshold / (1 - span.threshold));
  const spans: Span[] = [];
  for (let w = 0; w < words; w++) {
    if (!(spanZ[w] >= zMin)) continue;
    let v = w;
    while (v + 1 < words && spanZ[v + 1] >= zMin) v++;
    spans.push(toOriginalSpan(features.normalized, features.bounds[2 * w], features.bounds[2 * v + 1]));
    w = v;
  }
  return spans;
}
