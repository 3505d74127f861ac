import { moderate } from '../../src/moderation/pipeline';
import { PolicySchema, resolvePolicy } from '../../config/policy-schema';
import { ContextCache, compileText } from '../../src/moderation/relevance/compiled';
import { relevanceFeatures } from '../../src/moderation/relevance/features';
import { scoreRelevance } from '../../src/moderation/relevance/score';
import combination from '../../src/moderation/relevance/combination.json';
import { tokenize } from '../../src/moderation/text/tokens';
import { loadSeedFixtures } from '../fixtures/seeds';
import { TestClassifier } from './test-classifier';
import { comment, context, NATO_ARTICLE, reply } from './helpers';

const deps = { classifier: new TestClassifier(), policy: PolicySchema.parse({}) };
const FLAG = resolvePolicy(PolicySchema.parse({})).thresholds.offTopic.flag;
const SETTINGS = { minContentWords: 4 };
const thread = [reply('Prizren and Kosovo show what NATO air power can do.', 'u2', 'John')];

/** Comments that belong under none of the seed articles (written for this test). */
const OFF_TOPIC = [
  'Mix the flour, sugar and mashed bananas, add melted butter and bake the loaf for sixty minutes.',
  'The Maple Leafs lost again in overtime; their goaltender let in three soft goals and the power play was useless.',
  'Does anyone know a good plumber in the east end? Our basement flooded after the storm and the sump pump died.',
  'Lovely weather at the cottage this weekend, the lake was warm enough for swimming and the kids caught two bass.',
];

describe('relevance phase (off topic)', () => {
  it('flags a recipe under a NATO article, saying what it was compared with', async () => {
    const body = 'Mix the flour, sugar and mashed bananas, add melted butter and bake the loaf for sixty minutes.';
    const seed = loadSeedFixtures()[0];
    const v = await moderate(comment(body), context({ article: seed.article, thread }), deps);
    expect(v.scores.offTopic).toBeGreaterThanOrEqual(FLAG);
    const r = v.reasons.find((x) => x.code === 'OFF_TOPIC');
    expect(r?.message).toMatch(/the article, 1 earlier comments \(0 of \d+ content words shared\)/);
    expect(r?.spans.length).toBeGreaterThan(0);
    expect(v.action).toBe('flag');
    // Under a three-sentence article the same recipe is less surely misplaced, but still far from on topic.
    const short = await moderate(comment(body), context({ article: NATO_ARTICLE, thread }), deps);
    expect(short.scores.offTopic).toBeGreaterThan(0.6);
  });

  it.each(['Agreed.', 'Well said'])('scores the reaction %p, with no content words, 0', async (body) => {
    const v = await moderate(comment(body), context({ article: NATO_ARTICLE, thread }), deps);
    expect(v.scores.offTopic).toBe(0);
  });

  it.each(['Source?', 'Thank you for this.', 'Cake recipe please.'])('never calls the short reaction %p off topic', async (body) => {
    const v = await moderate(comment(body), context({ article: NATO_ARTICLE, thread }), deps);
    expect(v.scores.offTopic!).toBeLessThan(FLAG * 0.9);
    expect(v.action).toBe('approve');
  });

  it('uses the thread: a place only commenters mention is on topic', async () => {
    const body = 'Next year in Prizren, when Kosovo finally gets its own seat at the table.';
    const alone = await moderate(comment(body), context({ article: NATO_ARTICLE }), deps);
    const withThread = await moderate(comment(body), context({ article: NATO_ARTICLE, thread }), deps);
    expect(withThread.scores.offTopic!).toBeLessThan(alone.scores.offTopic!);
    expect(withThread.action).toBe('approve');
  });

  it('approves a long on-topic argument', async () => {
    const body = 'Stoltenberg admits NATO troops will not deploy, yet Russia keeps gaining ground while Western arms deliveries are delayed.';
    const v = await moderate(comment(body), context({ article: NATO_ARTICLE }), deps);
    expect(v.scores.offTopic).toBeLessThan(0.3);
    expect(v.action).toBe('approve');
  });

  it('cannot judge without any conversation', async () => {
    const v = await moderate(comment('Mix the flour, sugar and mashed bananas, then bake the loaf.'), context(), deps);
    expect(v.scores.offTopic).toBe(0);
  });
});

describe('relevance score on the seed articles', () => {
  const seeds = loadSeedFixtures();

  it('scores every seed comment under its own article as more relevant than any off-topic text there', () => {
    for (const s of seeds) {
      const conv = { title: s.article.title, body: s.article.body, thread: [] };
      const off = OFF_TOPIC.map((t) => scoreRelevance(t, tokenize(t), conv, SETTINGS).relevance);
      for (const c of s.comments) {
        const r = scoreRelevance(c.body, tokenize(c.body), conv, SETTINGS);
        if (r.contentWords < SETTINGS.minContentWords) continue;
        expect(r.relevance).toBeGreaterThan(Math.max(...off));
      }
    }
  });

  it('flags off-topic texts that share nothing with a seed article, and no own seed comment', () => {
    let flagged = 0;
    for (const s of seeds) {
      const conv = { title: s.article.title, body: s.article.body, thread: s.comments.map((c) => c.body) };
      for (const t of OFF_TOPIC) {
        const r = scoreRelevance(t, tokenize(t), conv, SETTINGS);
        if (r.matched.length === 0) expect(r.offTopic).toBeGreaterThanOrEqual(FLAG), flagged++;
      }
      s.comments.forEach((c, i) => {
        const own = { ...conv, thread: s.comments.slice(0, i).map((x) => x.body) };
        expect(scoreRelevance(c.body, tokenize(c.body), own, SETTINGS).offTopic).toBeLessThan(FLAG);
      });
    }
    expect(flagged).toBeGreaterThanOrEqual(10);
  });

  it('gives the same result from a warm cache as from fresh compilation (compiling is pure)', () => {
    const warm = new ContextCache(4);
    const s = seeds[0];
    const conv = { title: s.article.title, body: s.article.body, thread: s.comments.map((c) => c.body) };
    for (let round = 0; round < 3; round++) {
      for (const t of [...OFF_TOPIC, ...s.comments.map((c) => c.body)]) {
        const warmConv = warm.conversation(conv);
        const cached = relevanceFeatures(compileText(warmConv.vocabulary, t), warmConv).features;
        const freshConv = new ContextCache().conversation(conv);
        const fresh = relevanceFeatures(compileText(freshConv.vocabulary, t), freshConv).features;
        expect(cached).toEqual(fresh);
      }
    }
  });

  it('keeps the models of many articles that share one body (a wire story under many headlines)', () => {
    const cache = new ContextCache();
    const body = seeds[0].article.body;
    const first = Array.from({ length: 50 }, (_, i) => cache.article(`Headline ${i}`, body));
    const again = Array.from({ length: 50 }, (_, i) => cache.article(`Headline ${i}`, body));
    again.forEach((a, i) => expect(a).toBe(first[i]));
    expect(first[0].model).not.toBe(first[1].model);
  });

  it('compiles an article again when its body changes under the same headline, and keeps the earlier one', () => {
    const cache = new ContextCache();
    const [a, b] = [seeds[0].article.body, seeds[1].article.body];
    const centralStems = (c: ContextCache, body: string) => {
      const article = c.article('Same headline', body);
      return article.central.map(([id, w]) => [article.model.vocabulary.stems[id], w]);
    };
    const first = cache.article('Same headline', a);
    expect(centralStems(cache, b)).toEqual(centralStems(new ContextCache(), b));
    expect(centralStems(cache, b)).not.toEqual(centralStems(new ContextCache(), a));
    expect(cache.article('Same headline', [...a].join(''))).toBe(first); // equal text in another string
  });

  it('ships a combination learned on the Wikipedia training half, with a positive weight on similarity', () => {
    expect(combination.trainedOn.join(' ')).toMatch(/Wikipedia replies \(train half/);
    expect(combination.trainedOn.join(' ')).not.toMatch(/SFU|seed|test half/);
    expect(combination.weights.cosAll).toBeGreaterThan(0);
  });
});
