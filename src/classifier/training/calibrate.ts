/** Platt scaling and threshold choice, fitted on held-out (calibration) data. */
import { atThreshold } from './metrics';

/**
 * Fits p = σ(a·z + b) to labels by weighted maximum likelihood (Newton's method), with Platt's
 * smoothed targets against over-confidence on small sets. `a` is kept positive so the score stays
 * monotone in the model's output.
 */
export function fitPlatt(z: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): { a: number; b: number } {
  let posW = 0;
  let negW = 0;
  for (let i = 0; i < y.length; i++) (y[i] === 1 ? (posW += w ? w[i] : 1) : (negW += w ? w[i] : 1));
  const hi = (posW + 1) / (posW + 2);
  const lo = 1 / (negW + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let g0 = 0;
    let g1 = 0;
    let h00 = 1e-9;
    let h01 = 0;
    let h11 = 1e-9;
    for (let i = 0; i < z.length; i++) {
      const wi = w ? w[i] : 1;
      const t = y[i] === 1 ? hi : lo;
      const p = 1 / (1 + Math.exp(-(a * z[i] + b)));
      const d = (p - t) * wi;
      const s = p * (1 - p) * wi;
      g0 += d * z[i];
      g1 += d;
      h00 += s * z[i] * z[i];
      h01 += s * z[i];
      h11 += s;
    }
    const det = h00 * h11 - h01 * h01;
    const da = (h11 * g0 - h01 * g1) / det;
    const db = (h00 * g1 - h01 * g0) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a: Math.max(a, 1e-3), b };
}

/** The threshold on calibrated scores that maximises weighted F1 (ties: the higher threshold). */
export function bestF1Threshold(p: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  let best = 0.5;
  let bestF1 = -1;
  for (let t = 0.05; t <= 0.951; t += 0.01) {
    const { f1 } = atThreshold(p, y, t, w);
    if (f1 >= bestF1) {
      bestF1 = f1;
      best = Math.round(t * 100) / 100;
    }
  }
  return best;
}
