/**
 * Explanations: which words of a comment pushed one head's score up. Each n-gram's contribution
 * (weight × value) is credited to the word it lies in (a bigram half to each word); the strongest
 * words become spans of the original comment, adjacent ones merged.
 */
import type { Span } from '../moderation/types';
import { forEachFeature } from './features';
import type { LinearModel } from './model';
import { toOriginalSpan } from './normalize';
import type { SparseFeatures } from './vectorize';

export interface ExplainOptions {
  /** At most this many words are highlighted. */
  maxWords?: number;
  /** A word is highlighted only if its contribution is at least this share of the strongest one. */
  minShare?: number;
}

/** Spans of the original comment that drove head `head` up, in text order. */
export function explain(model: LinearModel, features: SparseFeatures, head: number, options: ExplainOptions = {}): Span[] {
  const { maxWords = 3, minShare = 0.5 } = options;
  const { normalized } = features;
  const [g0, g1] = model.groupFactors(features);
  const credit: number[] = [];
  const bounds = forEachFeature(normalized.text, model.meta.bits, (bucket, sign, group, word, bigram) => {
    const c = model.weight(bucket, head) * sign * model.idf[bucket] * (group === 0 ? g0 : g1);
    if (bigram) {
      credit[word] = (credit[word] ?? 0) + c / 2;
      credit[word + 1] = (credit[word + 1] ?? 0) + c / 2;
    } else credit[word] = (credit[word] ?? 0) + c;
  }, model.features);
  const ranked = credit
    .map((c, word) => ({ c: c ?? 0, word }))
    .filter((x) => x.c > 0)
    .sort((x, y) => y.c - x.c);
  if (!ranked.length) return [];
  const floor = ranked[0].c * minShare;
  const chosen = ranked
    .filter((x) => x.c >= floor)
    .slice(0, maxWords)
    .map((x) => x.word)
    .sort((a, b) => a - b);
  const spans: Span[] = [];
  for (let i = 0; i < chosen.length; i++) {
    let j = i;
    while (j + 1 < chosen.length && chosen[j + 1] === chosen[j] + 1) j++;
    spans.push(toOriginalSpan(normalized, bounds[2 * chosen[i]], bounds[2 * chosen[j] + 1]));
    i = j;
  }
  return spans;
}
