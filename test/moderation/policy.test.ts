import { moderate } from '../../src/moderation/pipeline';
import { compilePolicy } from '../../src/moderation/compile-policy';
import { PolicySchema, resolvePolicy } from '../../config/policy-schema';
import { TestClassifier } from './test-classifier';
import { comment, context, NOW } from './helpers';

const classifier = new TestClassifier();
const policyOf = (o: unknown) => resolvePolicy(PolicySchema.parse(o));

describe('policy phase', () => {
  it('approves ordinary heated argument with no reasons', async () => {
    const v = await moderate(comment('This is a disastrous policy and Stoltenberg is utterly wrong about Russia.'), context(), { classifier, policy: policyOf({}) });
    expect(v).toMatchObject({ action: 'approve', reasons: [], provider: 'test', modelVersion: 'test-1', policyVersion: '1' });
    expect(Object.keys(v.scores)).toEqual(expect.arrayContaining(['harassment', 'offTopic', 'spam', 'insult']));
    expect(v.timings.total).toBeGreaterThanOrEqual(v.timings.classify);
  });

  it('rejects banned words and flags suspect words, with spans and the list entry', async () => {
    const policy = policyOf({ bannedWords: ['scumbag'], suspectWords: ['traitor*'] });
    const banned = await moderate(comment('What a SCUMB4G'), context(), { classifier, policy });
    expect(banned.action).toBe('reject');
    expect(banned.reasons[0]).toMatchObject({ code: 'BANNED_WORD', spans: [{ start: 7, end: 14 }] });
    const suspect = await moderate(comment('Traitors, all of them'), context(), { classifier, policy });
    expect(suspect.action).toBe('flag');
    expect(suspect.reasons[0].message).toMatch(/Suspect word "Traitors" \(list: traitor\*\)/);
  });

  it('flags an insult aimed at nobody in the conversation where the same insult at a reader is rejected', async () => {
    const policy = policyOf({ thresholds: { insult: { flag: 0.6, reject: 0.8 } } });
    const atReader = await moderate(comment('You idiot, read it again'), context(), { classifier, policy });
    expect(atReader.action).toBe('reject');
    const atArticle = await moderate(comment('What an idiot wrote this article'), context(), { classifier, policy });
    expect(atArticle.action).toBe('flag');
    expect(atArticle.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'INSULT', message: expect.stringMatching(/aimed at nobody in the conversation: left to a moderator/) })]));
  });

  it('approves trusted authors without scoring', async () => {
    const v = await moderate(comment('You idiot', { author: { id: 'staff-1' } }), context(), { classifier, policy: policyOf({ trustedAuthors: ['staff-1'] }) });
    expect(v.action).toBe('approve');
    expect(v.timings.classify).toBeUndefined();
  });

  it('sends everything to the queue under pre-moderation, but still rejects', async () => {
    const policy = policyOf({ premoderation: true, bannedWords: ['scumbag'] });
    const v = await moderate(comment('Fine article.'), context(), { classifier, policy });
    expect(v.action).toBe('flag');
    expect(v.reasons.map((r) => r.code)).toEqual(['PREMODERATION']);
    expect((await moderate(comment('scumbag'), context(), { classifier, policy })).action).toBe('reject');
  });

  it('lowers flag thresholds for an author whose recent comments were mostly rejected', async () => {
    const policy = policyOf({ thresholds: { profanity: { flag: 0.85 } } });
    const history = [1, 2, 3].map((h) => ({ commentId: `p${h}`, status: 'rejected' as const, codes: [], at: NOW }));
    const body = 'The damn delays again.';
    expect((await moderate(comment(body), context(), { classifier, policy })).action).toBe('approve');
    const v = await moderate(comment(body), context({ authorHistory: history }), { classifier, policy });
    expect(v.action).toBe('flag');
    expect(v.reasons[0].message).toMatch(/3 of the author's last 3 comments were rejected/);
  });

  it('compiles a policy once and reuses it', () => {
    const policy = policyOf({ bannedWords: ['x'] });
    expect(compilePolicy(policy)).toBe(compilePolicy(policy));
  });
});
