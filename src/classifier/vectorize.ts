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
  normalized: NormalizedText;
}

export class Vectorizer {
  readonly bits: number;
  readonly features: FeatureOptions;
  // A small open-addressing set of this text's buckets (stays in L1/L2 cache, unlike a 2^bits table).
  private slots = new Int32Array(8192);
  private slotStamp = new Uint32Array(8192);
  private stamp = 0;
  private buckets = new Int32Array(4096);
  private signs = new Int8Array(4096);
  private groups = new Uint8Array(4096);
  private count = 0;

  constructor(bits: number, features: FeatureOptions = DEFAULT_FEATURES) {
    this.bits = bits;
    this.features = features;
  }

  private readonly sink = (bucket: number, sign: number, group: number): void => {
    if (this.count * 2 >= this.slots.length) this.rehash();
    const mask = this.slots.length - 1;
    let i = (Math.imul(bucket, 0x9e3779b1) >>> 8) & mask;
    while (this.slotStamp[i] === this.stamp) {
      if (this.slots[i] === bucket) return;
      i = (i + 1) & mask;
    }
    this.slotStamp[i] = this.stamp;
    this.slots[i] = bucket;
    if (this.count === this.buckets.length) this.grow();
    this.buckets[this.count] = bucket;
    this.signs[this.count] = sign;
    this.groups[this.count] = group;
    this.count++;
  };

  /** Doubles the set when it is half full, re-inserting this text's buckets. */
  private rehash(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size);
    this.slotStamp = new Uint32Array(size);
    const mask = size - 1;
    for (let k = 0; k < this.count; k++) {
      const bucket = this.buckets[k];
      let i = (Math.imul(bucket, 0x9e3779b1) >>> 8) & mask;
      while (this.slotStamp[i] === this.stamp) i = (i + 1) & mask;
      this.slotStamp[i] = this.stamp;
      this.slots[i] = bucket;
    }
  }

  private grow(): void {
    const size = this.buckets.length * 2;
    const b = new Int32Array(size);
    b.set(this.buckets);
    const s = new Int8Array(size);
    s.set(this.signs);
    const g = new Uint8Array(size);
    g.set(this.groups);
    this.buckets = b;
    this.signs = s;
    this.groups = g;
  }

  /** The distinct features of `text`. */
  vectorize(text: string): SparseFeatures {
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.slotStamp.fill(0);
      this.stamp = 1;
    }
    this.count = 0;
    const normalized = normalize(text);
    forEachFeature(normalized.text, this.bits, this.sink, this.features);
    return { count: this.count, buckets: this.buckets, signs: this.signs, groups: this.groups, normalized };
  }
}
