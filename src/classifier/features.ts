/**
 * Hashed features of a normalised text: word unigrams and bigrams, and character 2–5-grams inside
 * each word padded with spaces (like scikit-learn's `char_wb`). Each n-gram is hashed to one of
 * 2^bits buckets with a ± sign (the hashing trick); a text's features are the distinct buckets it
 * hits, in two groups (words, characters) that the model normalises separately.
 */

export const WORD_GROUP = 0;
export const CHAR_GROUP = 1;

/** Where one occurrence of a feature sits: which word it belongs to (bigrams: the first word). */
export interface FeatureSink {
  (bucket: number, sign: number, group: number, word: number, bigram: boolean): void;
}

const SEED_WORD = 0x9747b28c;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;
const MIN_CHAR_N = 2;
const MAX_CHAR_N = 5;
/** Longer words contribute character n-grams of their first characters only (keeps time linear and bounded). */
const MAX_WORD_CHARS = 40;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** FNV-1a over text[from, to), seeded. */
function hashRange(text: string, from: number, to: number, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h;
}

/**
 * Calls `sink` once per feature occurrence of `text` (the output of `normalize`). Words are the
 * space-separated tokens; tokens starting with `_` are placeholders and get no character n-grams.
 * Returns the word boundaries as [start0, end0, start1, end1, …] offsets into `text`.
 */
export function forEachFeature(text: string, bits: number, sink: FeatureSink): number[] {
  const mask = (1 << bits) - 1;
  const bounds: number[] = [];
  let prevHash = 0;
  let word = 0;
  for (let from = 0; from < text.length; word++) {
    let to = text.indexOf(' ', from);
    if (to < 0) to = text.length;
    bounds.push(from, to);
    const wh = hashRange(text, from, to, SEED_WORD);
    let h = fmix(wh);
    sink(h & mask, h < 0 ? -1 : 1, WORD_GROUP, word, false);
    if (word > 0) {
      h = fmix(Math.imul(prevHash, 31) ^ wh ^ SEED_BIGRAM);
      sink(h & mask, h < 0 ? -1 : 1, WORD_GROUP, word - 1, true);
    }
    prevHash = wh;
    if (text.charCodeAt(from) !== 95 /* _ */) charGrams(text, from, Math.min(to, from + MAX_WORD_CHARS), word, mask, sink);
    from = to + 1;
  }
  return bounds;
}

/** Character n-grams of " word " (the padding marks word starts and ends). */
function charGrams(text: string, from: number, to: number, word: number, mask: number, sink: FeatureSink): void {
  // Positions from-1 and to stand for the padding spaces.
  for (let i = from - 1; i < to; i++) {
    let h = SEED_CHAR ^ 0x811c9dc5;
    for (let n = 1; n <= MAX_CHAR_N; n++) {
      const j = i + n - 1;
      if (j > to) break;
      const c = j < from || j >= to ? 32 : text.charCodeAt(j);
      h = Math.imul(h ^ c, 16777619);
      if (n >= MIN_CHAR_N) {
        const f = fmix(h);
        sink(f & mask, f < 0 ? -1 : 1, CHAR_GROUP, word, false);
      }
    }
  }
}
