/**
 * L2-regularised logistic regression over feature rows (dense part + sparse word buckets), fitted by
 * L-BFGS. The penalty pulls the weights towards a prior (the general model's own score), not towards
 * zero: with little evidence the adapter stays the general model, and it moves away only as far as the
 * site's labels justify. The bias is not penalised.
 */
import type { FeatureRow } from './features';

export interface LogisticOptions {
  dims: number;
  l2: number;
  /** Prior weights (length `dims`); zeros if absent. */
  prior?: Float64Array;
  maxIterations?: number;
}

export interface LogisticModel {
  weights: Float64Array;
  bias: number;
}

/** The linear score w·x + b of a row. */
export function linear(model: { weights: ArrayLike<number>; bias: number }, row: FeatureRow): number {
  let z = model.bias;
  const d = row.dense.length;
  for (let j = 0; j < d; j++) z += model.weights[j] * row.dense[j];
  for (let k = 0; k < row.words.length; k++) z += model.weights[d + row.words[k]] * row.wordValue;
  return z;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Mean log-loss plus penalty, and its gradient (last entry: the bias). */
function objective(x: Float64Array, rows: readonly FeatureRow[], y: ArrayLike<number>, o: LogisticOptions, prior: Float64Array, grad: Float64Array): number {
  const n = rows.length;
  const model = { weights: x.subarray(0, o.dims), bias: x[o.dims] };
  grad.fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const z = linear(model, row);
    // log(1 + e^z) - y z, computed without overflow.
    loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i] * z;
    const g = (sigmoid(z) - y[i]) / n;
    const d = row.dense.length;
    for (let j = 0; j < d; j++) grad[j] += g * row.dense[j];
    for (let k = 0; k < row.words.length; k++) grad[d + row.words[k]] += g * row.wordValue;
    grad[o.dims] += g;
  }
  loss /= n;
  for (let j = 0; j < o.dims; j++) {
    const dw = x[j] - prior[j];
    loss += 0.5 * o.l2 * dw * dw;
    grad[j] += o.l2 * dw;
  }
  return loss;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Fits the model by L-BFGS (memory 8) with a backtracking line search; deterministic. */
export function fitLogistic(rows: readonly FeatureRow[], y: ArrayLike<number>, o: LogisticOptions): LogisticModel {
  const size = o.dims + 1;
  const prior = o.prior ?? new Float64Array(o.dims);
  const x = new Float64Array(size);
  x.set(prior);
  const g = new Float64Array(size);
  let f = objective(x, rows, y, o, prior, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const xNew = new Float64Array(size);
  const gNew = new Float64Array(size);
  const dir = new Float64Array(size);
  for (let it = 0; it < (o.maxIterations ?? 200); it++) {
    // Two-loop recursion: dir = -H g.
    dir.set(g);
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const a = dot(S[k], dir) / dot(Y[k], S[k]);
      alpha[k] = a;
      for (let i = 0; i < size; i++) dir[i] -= a * Y[k][i];
    }
    const gamma = S.length ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < size; i++) dir[i] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const b = dot(Y[k], dir) / dot(Y[k], S[k]);
      for (let i = 0; i < size; i++) dir[i] += S[k][i] * (alpha[k] - b);
    }
    for (let i = 0; i < size; i++) dir[i] = -dir[i];
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      for (let i = 0; i < size; i++) dir[i] = -g[i];
      slope = -dot(g, g);
    }
    let step = 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < size; i++) xNew[i] = x[i] + step * dir[i];
      fNew = objective(xNew, rows, y, o, prior, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNew < f)) break;
    const s = new Float64Array(size);
    const yy = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      s[i] = xNew[i] - x[i];
      yy[i] = gNew[i] - g[i];
    }
    if (dot(s, yy) > 1e-12) {
      S.push(s);
      Y.push(yy);
      if (S.length > 8) {
        S.shift();
        Y.shift();
      }
    }
    const done = f - fNew < 1e-9 * Math.max(1, Math.abs(f));
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (done || Math.sqrt(dot(g, g)) < 1e-7) break;
  }
  return { weights: x.slice(0, o.dims), bias: x[o.dims] };
}
