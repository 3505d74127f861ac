/**
 * Multi-task logistic regression trained by AdaGrad SGD over sparse rows. A tied head's weight
 * vector is a shared part plus its own part (w_h = u + v_h, both L2-regularised), so tied labels
 * learn one common direction (toxicity and harassment: abuse in general) and their own differences;
 * an untied head has its own vector only. The loss of a head is masked out
 * for rows whose source does not label it (NaN target).
 */
import { shuffle, rng } from './split';

/** Sparse rows in CSR form. */
export interface SparseRows {
  rowPtr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

export interface SgdOptions {
  dims: number;
  heads: number;
  epochs: number;
  learningRate: number;
  /** L2 strength applied at each update of a task-specific weight. */
  l2Task: number;
  /** L2 strength of the shared weights. */
  l2Shared: number;
  /** Heads that add the shared part: all (true), none (false), or a per-head mask. */
  shared: boolean | boolean[];
  seed: number;
}

export interface SgdModel {
  /** Folded weights w[j * heads + h] = u_j + v_jh. */
  weights: Float32Array;
  bias: Float64Array;
}

/** Trains on `rows` with targets y[i * heads + h] (NaN = masked) and per-row weights. */
export function trainSgd(rows: SparseRows, y: Float32Array, rowWeight: Float32Array, o: SgdOptions): SgdModel {
  const H = o.heads;
  const C = H + 1; // column H holds the shared weights
  const W = new Float32Array(o.dims * C);
  const G = new Float32Array(o.dims * C);
  const bias = new Float64Array(H);
  const gBias = new Float64Array(H);
  const n = rows.rowPtr.length - 1;
  const order = Array.from({ length: n }, (_, i) => i);
  const random = rng(o.seed);
  const grad = new Float64Array(H);
  const active = new Int32Array(H);
  const eps = 1e-8;
  const lr = o.learningRate;
  const tied = Array.from({ length: H }, (_, h) => (Array.isArray(o.shared) ? Boolean(o.shared[h]) : o.shared));
  const anyTied = tied.some(Boolean);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      const from = rows.rowPtr[i];
      const to = rows.rowPtr[i + 1];
      let nActive = 0;
      for (let h = 0; h < H; h++) if (!Number.isNaN(y[i * H + h])) active[nActive++] = h;
      if (!nActive) continue;
      for (let a = 0; a < nActive; a++) {
        const h = active[a];
        let z = bias[h];
        for (let k = from; k < to; k++) {
          const base = rows.idx[k] * C;
          z += rows.val[k] * (W[base + h] + (tied[h] ? W[base + H] : 0));
        }
        const p = 1 / (1 + Math.exp(-z));
        const g = (p - y[i * H + h]) * rowWeight[i];
        grad[h] = g;
        gBias[h] += g * g;
        bias[h] -= (lr * g) / (Math.sqrt(gBias[h]) + eps);
      }
      for (let k = from; k < to; k++) {
        const base = rows.idx[k] * C;
        const v = rows.val[k];
        let gs = 0;
        for (let a = 0; a < nActive; a++) {
          const h = active[a];
          const q = base + h;
          const g = grad[h] * v + o.l2Task * W[q];
          if (tied[h]) gs += grad[h] * v;
          G[q] += g * g;
          W[q] -= (lr * g) / (Math.sqrt(G[q]) + eps);
        }
        if (anyTied) {
          const q = base + H;
          const g = gs + o.l2Shared * W[q];
          G[q] += g * g;
          W[q] -= (lr * g) / (Math.sqrt(G[q]) + eps);
        }
      }
    }
  }
  const weights = new Float32Array(o.dims * H);
  for (let j = 0; j < o.dims; j++) for (let h = 0; h < H; h++) weights[j * H + h] = W[j * C + h] + (tied[h] ? W[j * C + H] : 0);
  return { weights, bias };
}
