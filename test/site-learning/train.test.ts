/** Training a site's adapter over the real general model, on a site whose standard the model does not know. */
import fc from 'fast-check';
import { loadLocalClassifier } from '../../src/classifier/local-classifier';
import { rocAuc } from '../../src/classifier/training/metrics';
import { applyAdapter } from '../../src/site-learning/adapter';
import { groupFolds } from '../../src/site-learning/folds';
import { validateLabels } from '../../src/site-learning/label-input';
import { InsufficientLabelsError, trainAdapter, type TrainedAdapter, type TrainingExample } from '../../src/site-learning/train';
import { trainAdapterInThread } from '../../src/site-learning/train-in-thread';
import { PolicySchema, resolvePolicy } from '../../config/policy-schema';
import { moderate } from '../../src/moderation/pipeline';
import { tokenize } from '../../src/moderation/text/tokens';
import type { SiteAdapter } from '../../src/site-learning/types';
import { SLURS, siteHistory } from './site-data';

const classifier = loadLocalClassifier();

async function examples(seed: number, articles: number, idPrefix: string): Promise<TrainingExample[]> {
  const out: TrainingExample[] = [];
  for (const l of siteHistory(articles, 12, seed, idPrefix)) {
    const { scores } = await classifier.classify({ text: l.body });
    out.push({ scores, text: l.body, label: l.label === 'rejected' ? 1 : 0, group: l.articleId! });
  }
  return out;
}

let history: TrainingExample[];
let fresh: TrainingExample[];
let adapter: TrainedAdapter;
beforeAll(async () => {
  history = await examples(1, 24, 'hist');
  fresh = await examples(2, 16, 'new');
  adapter = trainAdapter(history, classifier.version);
}, 120_000);

describe('trainAdapter', () => {
  it('ranks the site rejections far better than the general model, in cross-validation split by article', () => {
    const r = adapter.report;
    expect(r).toMatchObject({ labels: history.length, articles: 24, folds: 5 });
    expect(r.generalAuc).toBeLessThan(0.9);
    expect(r.adaptedAuc).toBeGreaterThan(0.98);
  });

  it('beats the general model on articles it never saw', () => {
    const y = fresh.map((e) => e.label);
    const general = Math.max(...adapter.heads.map((h) => rocAuc(fresh.map((e) => e.scores[h] ?? 0), y)));
    const adapted = rocAuc(fresh.map((e) => applyAdapter(adapter, e.scores, e.text).score), y);
    expect(general).toBeLessThan(0.9);
    expect(adapted).toBeGreaterThan(0.98);
  });

  it('chooses thresholds that reach the target precision on out-of-fold predictions, and points at the slur', () => {
    const { flag, reject, targetPrecision } = adapter.report;
    expect(flag.threshold).toBeLessThanOrEqual(1);
    expect(flag.precision).toBeGreaterThanOrEqual(targetPrecision.flag);
    expect(flag.recall).toBeGreaterThan(0.5);
    expect(reject.threshold).toBeGreaterThanOrEqual(flag.threshold);
    expect(adapter.thresholds).toEqual({ flag: flag.threshold, reject: reject.threshold });
    const text = 'The bus lanes only help the glimmerfolk, as usual.';
    const { score, spans } = applyAdapter(adapter, classifier.scoreText(text), text);
    expect(score).toBeGreaterThanOrEqual(adapter.thresholds.flag);
    expect(spans.map((s) => text.slice(s.start, s.end))).toContain('glimmerfolk');
  });

  it('uses whatever heads the general model returns (a new head is one more feature)', () => {
    const withNewHead = history.map((e) => ({ ...e, scores: { ...e.scores, severeToxicity: e.label ? 0.4 : 0.3 } }));
    const trained = trainAdapter(withNewHead, 'v2', { l2Grid: [0.1] });
    expect(trained.heads).toContain('severeToxicity');
    expect(trained.weights).toHaveLength(trained.heads.length + 1 + trained.buckets);
    expect(trained.generalModelVersion).toBe('v2');
  });

  it('refuses labels of one class or one article', () => {
    expect(() => trainAdapter(history.map((e) => ({ ...e, label: 0 as const })), 'v')).toThrow(InsufficientLabelsError);
    expect(() => trainAdapter(history.map((e) => ({ ...e, group: 'one' })), 'v')).toThrow(/one article/);
  });
});

describe('trainAdapterInThread', () => {
  it('trains the same adapter on a thread of its own while this thread goes on running', async () => {
    const at = new Date('2026-12-07T12:00:00.000Z');
    // Training on this thread would hold it until the end: not one of these ticks could run meanwhile.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const inThread = await trainAdapterInThread(history, classifier.version, {}, at).finally(() => clearInterval(timer));
    expect(ticks).toBeGreaterThan(2);
    expect(inThread).toEqual(trainAdapter(history, classifier.version, {}, at));
  }, 120_000);

  it('answers the training error, of the same class', async () => {
    await expect(trainAdapterInThread(history.map((e) => ({ ...e, label: 0 as const })), 'v')).rejects.toThrow(InsufficientLabelsError);
    await expect(trainAdapterInThread(history.map((e) => ({ ...e, group: 'one' })), 'v')).rejects.toThrow(/one article/);
  }, 120_000);
});

describe('groupFolds', () => {
  it('never puts one group in two folds and uses at most k folds', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { minLength: 1, maxLength: 60 }), fc.integer({ min: 2, max: 6 }), (groups, k) => {
        const { fold, folds } = groupFolds(groups, k);
        expect(folds).toBe(Math.min(k, new Set(groups).size));
        const seen = new Map<string, number>();
        groups.forEach((g, i) => {
          expect(fold[i]).toBeLessThan(folds);
          expect(seen.get(g) ?? fold[i]).toBe(fold[i]);
          seen.set(g, fold[i]);
        });
      }),
    );
  });
});

describe('validateLabels', () => {
  it('returns an error per bad item with its index and id, and the good ones with their source', () => {
    const { labels, errors } = validateLabels(
      [{ id: 'a', body: 'Fine.', label: 'approved' }, { id: 'b', body: ' ', label: 'approved' }, { id: 'c', body: 'x', label: 'maybe' }, 'nope', { id: 'd', body: 'x', label: 'rejected', extra: 1 }],
      'api',
    );
    expect(labels).toEqual([{ id: 'a', body: 'Fine.', label: 'approved', source: 'api' }]);
    expect(errors.map((e) => [e.index, e.id])).toEqual([[1, 'b'], [2, 'c'], [3, undefined], [4, 'd']]);
    expect(errors[1].errors[0].path).toBe('label');
  });
});

it('the generated site uses its slurs in about a third of its comments', () => {
  const labels = siteHistory(10, 12);
  const rejected = labels.filter((l) => l.label === 'rejected');
  expect(rejected.length / labels.length).toBeGreaterThan(0.2);
  expect(rejected.every((l) => SLURS.some((s) => l.body.includes(s)))).toBe(true);
});

describe('the siteStandard phase', () => {
  const policy = resolvePolicy(PolicySchema.parse({}));
  const context = { thread: [], authorHistory: [], repeatCount: 0, now: '2026-01-01T00:00:00Z' };
  const comment = { id: 'c', articleId: 'a', author: { id: 'u' }, body: 'Keep the sprocketeers away from the library hours meetings, please.' };
  const site = (over: Partial<SiteAdapter> = {}): SiteAdapter => ({ ...adapter, site: 'demo', version: 4, labelCount: 1, labelAdditions: 1, ...over });

  it('adds a SITE_STANDARD reason at the adapter thresholds and records the adapter version', async () => {
    const without = await moderate(comment, context, { classifier, policy });
    expect(without.action).toBe('approve');
    expect(without.adapter).toBeUndefined();
    const verdict = await moderate(comment, context, { classifier, policy, adapter: site() });
    expect(verdict.action).not.toBe('approve');
    expect(verdict.adapter).toMatchObject({ site: 'demo', version: 4 });
    expect(verdict.reasons[0]).toMatchObject({ code: 'SITE_STANDARD', message: expect.stringContaining('adapter v4') });
    expect(verdict.scores).toEqual(without.scores);
  });

  it('leaves scores of another general model version alone', async () => {
    const verdict = await moderate(comment, context, { classifier, policy, adapter: site({ generalModelVersion: 'some-other-model' }) });
    expect(verdict.action).toBe('approve');
    expect(verdict.adapter).toBeUndefined();
  });

  it('gives the same score from the pipeline tokens as from the text', () => {
    const scores = classifier.scoreText(comment.body);
    expect(applyAdapter(adapter, scores, comment.body, tokenize(comment.body))).toEqual(applyAdapter(adapter, scores, comment.body));
  });
});
