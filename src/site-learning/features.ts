/**
 * The adapter's features for one comment: the general model's head scores as logits, the comment's
 * length, and a hashed bag of its normalised words (the site's own vocabulary: a slur the general model
 * never saw, a topic the site does not discuss). Only the classifier's public scores are used, so any
 * general model (with any heads) can sit underneath.
 */
import { tokenize, type Token } from '../moderation/text/tokens';

/** A feature row: dense values first, then the indices of the word buckets present (each worth `wordValue`). */
export interface FeatureRow {
  dense: Float64Array;
  words: Int32Array;
  wordValue: number;
}

/** log(p / (1 - p)) with p kept off 0 and 1, so one saturated head cannot dominate. */
export function logit(p: number): number {
  const q = Math.min(1 - 1e-4, Math.max(1e-4, Number.isFinite(p) ? p : 0));
  return Math.log(q / (1 - q));
}

/** FNV-1a over the UTF-16 code units of a word, folded into `buckets` (a power of two). */
export function bucketOf(word: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & (buckets - 1);
}

/** Distinct normalised words of a text with the first span of each (for explanations); `tokens` if already made. */
export function distinctWords(text: string, tokens: readonly Token[] = tokenize(text)): Map<string, { start: number; end: number }> {
  const words = new Map<string, { start: number; end: number }>();
  for (const t of tokens) if (!words.has(t.norm)) words.set(t.norm, { start: t.start, end: t.end });
  return words;
}

export interface FeatureSpec {
  heads: readonly string[];
  buckets: number;
  length: { mean: number; std: number };
}

/** The raw length feature: log of characters + 1. */
export const lengthOf = (text: string): number => Math.log1p(text.length);

/**
 * Builds the feature row of one comment; heads missing from `scores` count as 0.5 (logit 0). `words`: the
 * comment's distinct words if already known (the pipeline has tokenised it once).
 */
export function featurize(scores: Readonly<Record<string, number | undefined>>, text: string, spec: FeatureSpec, words?: ReadonlyMap<string, unknown>): FeatureRow {
  const dense = new Float64Array(spec.heads.length + 1);
  spec.heads.forEach((h, i) => (dense[i] = logit(scores[h] ?? 0.5)));
  dense[spec.heads.length] = (lengthOf(text) - spec.length.mean) / spec.length.std;
  const buckets = new Set<number>();
  if (spec.buckets > 0) for (const w of (words ?? distinctWords(text)).keys()) buckets.add(bucketOf(w, spec.buckets));
  return { dense, words: Int32Array.from(buckets), wordValue: buckets.size ? 1 / Math.sqrt(buckets.size) : 0 };
}
