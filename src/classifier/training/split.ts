/** Seeded randomness and the stratified per-source split used by both training and evaluation. */
import type { LabelledRow } from './datasets';

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export type Part = 'train' | 'calibration' | 'test';

export interface SplitOptions {
  seed: number;
  /** Shares of calibration and test; the rest trains. */
  calibration: number;
  test: number;
}

/**
 * Splits each (source, stratum) group separately, so every part has each source's label mix.
 * Deterministic for a given seed and input order.
 */
export function splitRows(rows: LabelledRow[], { seed, calibration, test }: SplitOptions): Record<Part, LabelledRow[]> {
  const groups = new Map<string, LabelledRow[]>();
  for (const r of rows) {
    const key = `${r.source}|${r.stratum}`;
    const g = groups.get(key) ?? [];
    g.push(r);
    groups.set(key, g);
  }
  const random = rng(seed);
  const out: Record<Part, LabelledRow[]> = { train: [], calibration: [], test: [] };
  for (const key of [...groups.keys()].sort()) {
    const g = shuffle(groups.get(key)!.slice(), random);
    const nTest = Math.round(g.length * test);
    const nCal = Math.round(g.length * calibration);
    out.test.push(...g.slice(0, nTest));
    out.calibration.push(...g.slice(nTest, nTest + nCal));
    out.train.push(...g.slice(nTest + nCal));
  }
  return out;
}
