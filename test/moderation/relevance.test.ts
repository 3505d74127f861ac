import { moderate } from '../../src/moderation/pipeline';
import { PolicySchema } from '../../config/policy-schema';
import { TestClassifier } from './test-classifier';
import { comment, context, NATO_ARTICLE, reply } from './helpers';

const deps = { classifier: new TestClassifier(), policy: PolicySchema.parse({}) };
const thread = [reply('Prizren and Kosovo show what NATO air power can do.', 'u2', 'John')];

describe('relevance phase (off topic)', () => {
  it('flags a recipe under a NATO article, saying what it was compared with', async () => {
    const body = 'Mix the flour, sugar and mashed bananas, add melted butter and bake the loaf for sixty minutes.';
    const v = await moderate(comment(body), context({ article: NATO_ARTICLE, thread }), deps);
    expect(v.scores.offTopic).toBeGreaterThanOrEqual(0.85);
    const r = v.reasons.find((x) => x.code === 'OFF_TOPIC');
    expect(r?.message).toMatch(/the article, 1 earlier comments/);
    expect(v.action).toBe('flag');
  });

  it.each(['Agreed.', 'Well said', 'Source?', 'Thank you for this.'])('never calls the short reaction %p off topic', async (body) => {
    const v = await moderate(comment(body), context({ article: NATO_ARTICLE, thread }), deps);
    expect(v.scores.offTopic).toBe(0);
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
