import { LinearModel, loadModel, type LoadedModel } from '../../src/classifier/model';
import { DEFAULT_MODEL_PATH } from '../../src/classifier/local-classifier';
import type { SparseFeatures } from '../../src/classifier/vectorize';

const loaded = loadModel(DEFAULT_MODEL_PATH);
const withBlocks = (blocks: LoadedModel['meta']['blocks']): LinearModel => new LinearModel({ ...loaded, meta: { ...loaded.meta, blocks } });
const H = loaded.meta.heads.length;
const TOXICITY = loaded.meta.heads.indexOf('toxicity');

/**
 * The definition, written plainly: each distinct feature belongs to the block of `size` words where it
 * first ends; head h is raised by weights[h] × (best block − whole text); a block's (and the whole text's) output is bias + Σ over its features of
 * sign × IDF × weight, each group scaled by its group scale over the L2 norm of its IDFs.
 */
function reference(model: LinearModel, f: SparseFeatures, size: number, weights: number[]): number[] {
  const output = (ks: number[], h: number): number => {
    const norm = [0, 0];
    const sum = [0, 0];
    for (const k of ks) {
      const idf = model.idfOf(f.buckets[k]);
      norm[f.groups[k]] += idf * idf;
      sum[f.groups[k]] += f.signs[k] * idf * model.weight(f.buckets[k], h);
    }
    const scale = model.meta.groupScale;
    return model.meta.bias[h] + [0, 1].reduce((z, g) => z + (norm[g] > 0 ? (sum[g] * scale[g]) / Math.sqrt(norm[g]) : 0), 0);
  };
  const all = Array.from({ length: f.count }, (_, k) => k);
  const byBlock = new Map<number, number[]>();
  for (const k of all) byBlock.set(Math.floor(f.ends[k] / size), [...(byBlock.get(Math.floor(f.ends[k] / size)) ?? []), k]);
  return Array.from({ length: H }, (_, h) => {
    const whole = output(all, h);
    const best = Math.max(...[...byBlock.values()].map((ks) => output(ks, h)));
    return whole + weights[h] * Math.max(0, best - whole);
  });
}

const LONG_CIVIL =
  'The council voted on the budget last night and most of the discussion was about road repairs, the library hours and ' +
  'the new bus routes that start in spring. Several residents asked for more detail on the costs of the bridge project.';

describe('block pooling of the head outputs', () => {
  it('equals its plain definition (blocks of 1 to 4 words, a weight per head) on short, long and repetitive texts', () => {
    const out = new Float64Array(H);
    const weights = Array.from({ length: H }, (_, h) => (h % 3) * 0.25);
    const texts = [LONG_CIVIL, `${LONG_CIVIL} Honestly you are an idiot.`, 'idiot idiot idiot idiot idiot', 'ok', 'You are a pathetic idiot and a moron, shut up.'];
    for (const size of [1, 2, 3, 4]) {
      const model = withBlocks({ words: size, weights });
      for (const text of texts) {
        const f = model.logits(text, out);
        const expected = reference(model, f, size, weights);
        for (let h = 0; h < H; h++) expect([text, size, h, Math.abs(out[h] - expected[h]) < 1e-9]).toEqual([text, size, h, true]);
      }
    }
  });

  it('raises a long civil comment with one insult much more than the same comment without it', () => {
    const withInsult = `${LONG_CIVIL} Whoever wrote the last letter is a pathetic idiot. The meeting continues next week with the school board.`;
    const out = new Float64Array(H);
    const raise = (text: string): number => {
      withBlocks(undefined).logits(text, out);
      const plain = out[TOXICITY];
      withBlocks({ words: 1, weights: Array(H).fill(0.4) }).logits(text, out);
      return out[TOXICITY] - plain;
    };
    expect(raise(withInsult)).toBeGreaterThan(0.5);
    expect(raise(withInsult)).toBeGreaterThan(raise(LONG_CIVIL) + 0.5);
  });

  it('changes nothing for a text of one block, and never lowers an output', () => {
    const out = new Float64Array(H);
    const pooled = new Float64Array(H);
    for (const text of ['idiot', '', '!!!', LONG_CIVIL, 'Thanks for the article.']) {
      withBlocks(undefined).logits(text, out);
      withBlocks({ words: 100, weights: Array(H).fill(0.4) }).logits(text, pooled);
      expect(Array.from(pooled)).toEqual(Array.from(out));
      withBlocks({ words: 1, weights: Array(H).fill(0.4) }).logits(text, pooled);
      for (let h = 0; h < H; h++) expect(pooled[h]).toBeGreaterThanOrEqual(out[h]);
    }
  });
});
