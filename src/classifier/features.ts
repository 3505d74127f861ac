/**
 * Hashed features of a normalised text: word unigrams and bigrams, and character 2–5-grams inside
 * each word padded with spaces (like scikit-learn's `char_wb`), optionally two insult-lexicon features.
 * Each n-gram is hashed to one of
 * 2^bits buckets with a ± sign (the hashing trick); a text's features are the distinct buckets it
 * hits, in two groups (words, characters) that the model normalises separately.
 */

import { INSULT_WORDS, SECOND_PERSON } from './lexicon';

export const WORD_GROUP = 0;
export const CHAR_GROUP = 1;

/** Which n-grams a model reads; stored in the artifact so scoring hashes exactly as training did. */
export interface FeatureOptions {
  /** Character n-gram sizes inside words, from charMin to charMax. */
  charMin: number;
  charMax: number;
  /**
   * Two extra word features: "an insulting word" (any word of INSULT_WORDS) and "an insulting word
   * at most four words after you/your", so the weight learnt for common insults carries over to rarer
   * ones and to sources that use other words.
   */
  lexicon: boolean;
}

export const DEFAULT_FEATURES: FeatureOptions = { charMin: 2, charMax: 5, lexicon: false };


/** Where one occurrence of a feature sits: which word it belongs to (bigrams: the first word). */
export interface FeatureSink {
  (bucket: number, sign: number, group: number, word: number, bigram: boolean): void;
}

const SEED_WORD = 0x9747b28c;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;
const SEED_LEXICON = 0x27d4eb2f;
const LEX_INSULT = fmix(hashRange('_lex_insult_', 0, 12, SEED_LEXICON));
const LEX_YOU_INSULT = fmix(hashRange('_lex_you_insult_', 0, 16, SEED_LEXICON));
// Looked up by the word's hash (already computed for its feature), so the hot loop makes no substrings.
const wordHash = (w: string): number => hashRange(w, 0, w.length, SEED_WORD);
const INSULT_SET = new Set(INSULT_WORDS.map(wordHash));
const YOU_SET = new Set(SECOND_PERSON.map(wordHash));
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
 * Returns the word boundaries as [start0, end0, start1, end1, …] offsets into `text`, in `bounds`
 * (emptied first) when given, so a caller can reuse one array.
 */
export function forEachFeature(text: string, bits: number, sink: FeatureSink, features: FeatureOptions = DEFAULT_FEATURES, bounds: number[] = []): number[] {
  const mask = (1 << bits) - 1;
  bounds.length = 0;
  let prevHash = 0;
  let word = 0;
  let lastYou = -10;
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
    if (features.lexicon) {
      if (YOU_SET.has(wh)) lastYou = word;
      else if (INSULT_SET.has(wh)) {
        sink(LEX_INSULT & mask, LEX_INSULT < 0 ? -1 : 1, WORD_GROUP, word, false);
        if (word - lastYou <= 4) sink(LEX_YOU_INSULT & mask, LEX_YOU_INSULT < 0 ? -1 : 1, WORD_GROUP, word, false);
      }
    }
    if (text.charCodeAt(from) !== 95 /* _ */) charGrams(text, from, Math.min(to, from + MAX_WORD_CHARS), word, mask, sink, features);
    from = to + 1;
  }
  return bounds;
}

/** Character n-grams of " word " (the padding marks word starts and ends). */
function charGrams(text: string, from: number, to: number, word: number, mask: number, sink: FeatureSink, features: FeatureOptions): void {
  const { charMin, charMax } = features;
  // Positions from-1 and to stand for the padding spaces.
  for (let i = from - 1; i < to; i++) {
    let h = SEED_CHAR ^ 0x811c9dc5;
    for (let n = 1; n <= charMax; n++) {
      const j = i + n - 1;
      if (j > to) break;
      const c = j < from || j >= to ? 32 : text.charCodeAt(j);
      h = Math.imul(h ^ c, 16777619);
      if (n >= charMin) {
        const f = fmix(h);
        sink(f & mask, f < 0 ? -1 : 1, CHAR_GROUP, word, false);
      }
    }
  }
}
