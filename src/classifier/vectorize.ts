/**
 * Turns a comment into the sparse vector the model reads: normalise, hash the n-grams, keep each
 * bucket once (binary presence), remember its sign and group. Reuses its buffers, so one
 * vectoriser serves one caller at a time; the result is valid until the next call.
 */
import { DEFAULT_FEATURES, forEachFeature, type FeatureOptions } from './features';
import { normalize, type NormalizedText } from './normalize';

/** Distinct hashed features of one text (views into the vectoriser's buffers). */
export interface SparseFeatures {
  count: number;
  buckets: Int32Array;
  signs: Int8Array;
  groups: Uint8Array;
  /**
   * The word where each feature first ends (a bigram: at its second word). Features are numbered in
   * the order they first occur, so this never decreases along `buckets`.
   */
  ends: Int32Array;
  normalized: NormalizedText;
  /** Word boundaries of `normalized.text`, as returned by `forEachFeature`. */
  bounds: number[];
  /**
   * Every n-gram occurrence in `forEachFeature` order when asked for (else 0): the index of its
   * bucket in `buckets`, the word it belongs to (bigrams: the first word), and OCC_* flags.
   */
  occurrences: number;
  occFeature: Int32Array;
  occWord: Int32Array;
  occFlags: Uint8Array;
}

/** Flags of an occurrence: negative sign, character group, bigram. */
export const OCC_NEGATIVE = 1;
export const OCC_CHAR = 2;
export const OCC_BIGRAM = 4;

export class Vectorizer {
  readonly bits: number;
  readonly features: FeatureOptions;
  // A small open-addressing set of this text's buckets (stays in L1/L2 cache, unlike a 2^bits table).
  // Slot i is table[4i..4i+2]: the stamp of the text that filled it, its bucket, the bucket's index in
  // `buckets` (one cache line per probe). Each text uses only the first mask + 1 slots, sized by its
  // length, so a short text's set stays in L1; a slot counts only if its stamp is the current one.
  private table = new Int32Array(8192 * 4);
  private mask = 8191;
  private stamp = 0;
  private buckets = new Int32Array(4096);
  private signs = new Int8Array(4096);
  private groups = new Uint8Array(4096);
  private ends = new Int32Array(4096);
  private count = 0;
  private bounds: number[] = [];
  private recording = false;
  private occurrences = 0;
  private occFeature = new Int32Array(4096);
  private occWord = new Int32Array(4096);
  private occFlags = new Uint8Array(4096);
  /**
   * Without occurrences to record, a bit per bucket says whether the text has it already: one load
   * instead of a probe of the set above. Cleared at the next call through the previous text's buckets.
   */
  private readonly seen: Int32Array;
  private seenDirty = false;

  constructor(bits: number, features: FeatureOptions = DEFAULT_FEATURES) {
    this.bits = bits;
    this.features = features;
    this.seen = new Int32Array(Math.max(1, (1 << bits) >>> 5));
  }

  private readonly sink = (bucket: number, sign: number, group: number, word: number, bigram: boolean): void => {
    if (!this.recording) {
      const seen = this.seen;
      const w = bucket >>> 5;
      const m = 1 << (bucket & 31);
      if ((seen[w] & m) !== 0) return;
      seen[w] |= m;
      const index = this.count;
      if (index === this.buckets.length) this.grow();
      this.buckets[index] = bucket;
      this.signs[index] = sign;
      this.groups[index] = group;
      this.ends[index] = bigram ? word + 1 : word;
      this.count = index + 1;
      return;
    }
    if (this.count * 2 > this.mask) this.rehash();
    const { table, mask, stamp } = this;
    let i = (Math.imul(bucket, 0x9e3779b1) >>> 8) & mask;
    let index = -1;
    while (table[i * 4] === stamp) {
      if (table[i * 4 + 1] === bucket) {
        index = table[i * 4 + 2];
        break;
      }
      i = (i + 1) & mask;
    }
    if (index < 0) {
      index = this.count;
      table[i * 4] = stamp;
      table[i * 4 + 1] = bucket;
      table[i * 4 + 2] = index;
      if (this.count === this.buckets.length) this.grow();
      this.buckets[index] = bucket;
      this.signs[index] = sign;
      this.groups[index] = group;
      this.ends[index] = bigram ? word + 1 : word;
      this.count++;
    }
    if (this.recording) {
      const o = this.occurrences++;
      if (o === this.occFeature.length) this.growOccurrences();
      this.occFeature[o] = index;
      this.occWord[o] = word;
      this.occFlags[o] = (sign < 0 ? OCC_NEGATIVE : 0) | (group !== 0 ? OCC_CHAR : 0) | (bigram ? OCC_BIGRAM : 0);
    }
  };

  /** A stamp no slot has yet (slots of earlier texts, or of this one before a rehash, stop counting). */
  private nextStamp(): void {
    if (++this.stamp === 0x7fffffff) {
      this.table.fill(0);
      this.stamp = 1;
    }
  }

  /** Doubles the slots in use when half full, re-inserting this text's buckets under a new stamp. */
  private rehash(): void {
    const size = (this.mask + 1) * 2;
    if (size * 4 > this.table.length) this.table = new Int32Array(size * 4);
    this.mask = size - 1;
    this.nextStamp();
    const { table, mask, stamp } = this;
    for (let k = 0; k < this.count; k++) {
      const bucket = this.buckets[k];
      let i = (Math.imul(bucket, 0x9e3779b1) >>> 8) & mask;
      while (table[i * 4] === stamp) i = (i + 1) & mask;
      table[i * 4] = stamp;
      table[i * 4 + 1] = bucket;
      table[i * 4 + 2] = k;
    }
  }

  private growOccurrences(): void {
    this.occFeature = doubled(this.occFeature);
    this.occWord = doubled(this.occWord);
    this.occFlags = doubled(this.occFlags);
  }

  private grow(): void {
    this.buckets = doubled(this.buckets);
    this.signs = doubled(this.signs);
    this.groups = doubled(this.groups);
    this.ends = doubled(this.ends);
  }

  /**
   * The distinct features of `text`, and with `occurrences` every n-gram occurrence too. `normalized`, when given,
   * must be `normalize(text)` (a caller that has it already saves normalising again).
   */
  vectorize(text: string, occurrences = false, normalized: NormalizedText = normalize(text)): SparseFeatures {
    if (this.seenDirty) {
      const { seen, buckets } = this;
      for (let k = 0; k < this.count; k++) seen[buckets[k] >>> 5] = 0;
      this.seenDirty = false;
    }
    this.seenDirty = !occurrences;
    this.nextStamp();
    this.count = 0;
    this.occurrences = 0;
    this.recording = occurrences;
    // About 5 n-grams per character at most; the set grows (rehash) if a text has more.
    let slots = 256;
    while (slots < normalized.text.length * 8 && slots * 4 < this.table.length) slots *= 2;
    this.mask = slots - 1;
    forEachFeature(normalized.text, this.bits, this.sink, this.features, this.bounds);
    return {
      count: this.count,
      buckets: this.buckets,
      signs: this.signs,
      groups: this.groups,
      ends: this.ends,
      normalized,
      bounds: this.bounds,
      occurrences: this.occurrences,
      occFeature: this.occFeature,
      occWord: this.occWord,
      occFlags: this.occFlags,
    };
  }
}

/** A typed array of twice the length holding `a`'s values first. */
function doubled<T extends Int32Array | Int8Array | Uint8Array>(a: T): T {
  const bigger = new (a.constructor as new (length: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}
