import { trainSgd, type SparseRows } from '../../src/classifier/training/sgd';

/** Rows over 6 features: heads 0 and 1 follow feature 0, head 2 follows feature 1; head 1 is known on few rows. */
function data(): { rows: SparseRows; y: Float32Array; w: Float32Array } {
  const n = 60;
  const rowPtr = new Int32Array(n + 1);
  const idx: number[] = [];
  const val: number[] = [];
  const y = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = i % 2;
    const b = Math.floor(i / 2) % 2;
    for (const [j, v] of [[a ? 0 : 2, 0.7], [b ? 1 : 3, 0.7], [4 + (i % 2), 0.1]] as const) {
      idx.push(j);
      val.push(v);
    }
    rowPtr[i + 1] = idx.length;
    y[i * 3] = a;
    y[i * 3 + 1] = i < 10 ? a : NaN;
    y[i * 3 + 2] = b;
  }
  return { rows: { rowPtr, idx: Int32Array.from(idx), val: Float32Array.from(val) }, y, w: new Float32Array(n).fill(1) };
}

const options = { dims: 6, heads: 3, epochs: 5, learningRate: 0.1, l2Task: 1e-3, l2Shared: 1e-4, seed: 1 };

describe('multi-task SGD with tied heads', () => {
  it('leaves an untied head exactly as if nothing were tied', () => {
    const { rows, y, w } = data();
    const none = trainSgd(rows, y, w, { ...options, shared: false });
    const some = trainSgd(rows, y, w, { ...options, shared: [true, true, false] });
    for (let j = 0; j < 6; j++) expect(some.weights[j * 3 + 2]).toBe(none.weights[j * 3 + 2]);
    expect(some.bias[2]).toBe(none.bias[2]);
  });

  it('lets a tied head with few labels borrow the direction of the head it is tied to', () => {
    const { rows, y, w } = data();
    const none = trainSgd(rows, y, w, { ...options, shared: false });
    const tied = trainSgd(rows, y, w, { ...options, shared: [true, true, false] });
    const margin = (m: typeof none) => m.weights[0 * 3 + 1] - m.weights[2 * 3 + 1];
    expect(margin(tied)).toBeGreaterThan(margin(none));
    expect(margin(none)).toBeGreaterThan(0);
  });

  it('ties every head with shared: true, as a mask of all heads does', () => {
    const { rows, y, w } = data();
    const all = trainSgd(rows, y, w, { ...options, shared: true });
    const mask = trainSgd(rows, y, w, { ...options, shared: [true, true, true] });
    expect(Array.from(mask.weights)).toEqual(Array.from(all.weights));
  });
});
