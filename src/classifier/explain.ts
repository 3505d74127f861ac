/**
 * Explanations: which words of a comment pushed one head's score up. Each n-gram's contribution
 * (weight × value) is credited to the word it lies in (a bigram half to each word); the strongest
 * words become spans of the original comment, adjacent ones merged.
 */
import type { Span } from '../moderation/types';
import type { LinearModel } from './model';
import { toOriginalSpan } from './normalize';
import { OCC_BIGRAM, OCC_CHAR, OCC_NEGATIVE, type SparseFeatures } from './vectorize';

export interface ExplainOptions {
  /** At most this many words are highlighted. */
  maxWords?: number;
  /** A word is highlighted only if its contribution is at least this share of the strongest one. */
  minShare?: number;
}

// Local copies: read through the module's export getters, these would cost a call per occurrence.
const NEGATIVE = OCC_NEGATIVE;
const CHAR = OCC_CHAR;
const BIGRAM = OCC_BIGRAM;

// Scratch buffers (explain is synchronous and not re-entrant): credit per word, and the chosen words.
let credit = new Float64Array(256);
const chosen: number[] = [];

/**
 * Spans of the original comment that drove head `head` up, in text order. `features` must come from
 * `model.logits(text, out, true)`, which records the n-gram occurrences this credits to words.
 */
export function explain(model: LinearModel, features: SparseFeatures, head: number, options: ExplainOptions = {}): Span[] {
  const { maxWords = 3, minShare = 0.5 } = options;
  const { normalized, bounds, occurrences, occFeature, occWord, occFlags, buckets } = features;
  if (occurrences === 0 && features.count > 0) throw new Error('explain needs features with occurrences (logits(text, out, true))');
  const [g0, g1] = model.groupFactors(features);
  const words = bounds.length / 2;
  if (credit.length < words + 1) credit = new Float64Array(2 * words + 2);
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
  const floor = top * minShare;
  // The maxWords strongest words at or above the floor; ties go to the earlier word.
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
