import fc from 'fast-check';
import { squash, squashesTo } from '../../src/moderation/phases/spam';
import { moderate } from '../../src/moderation/pipeline';
import { PolicySchema } from '../../config/policy-schema';
import { TestClassifier } from './test-classifier';
import { comment, context, NATO_ARTICLE } from './helpers';

const deps = { classifier: new TestClassifier(), policy: PolicySchema.parse({}) };

describe('spam phase', () => {
  it('flags links to other sites with money and contact bait', async () => {
    const v = await moderate(comment('Earn $500 a day working from home! Visit www.cashnow.biz or WhatsApp +1 555 123 4567'), context(), deps);
    expect(v.scores.spam).toBeGreaterThanOrEqual(0.7);
    expect(v.reasons[0]).toMatchObject({ code: 'SPAM' });
    expect(v.reasons[0].message).toMatch(/link.*money bait.*contact bait/);
  });

  it('does not treat a source link on its own as spam', async () => {
    const v = await moderate(comment('Source: https://www.reuters.com/world/europe/nato-ukraine for the Stoltenberg quote.'), context({ article: NATO_ARTICLE }), deps);
    expect(v.action).toBe('approve');
    expect(v.scores.spam).toBeLessThan(0.7);
  });

  it('ignores links to the article’s own site and to allowed domains', async () => {
    const article = { ...NATO_ARTICLE, url: 'https://news.example.com/nato' };
    const v = await moderate(comment('See news.example.com/nato and earn money'), context({ article }), deps);
    expect(v.reasons.find((r) => r.code === 'SPAM')?.message ?? '').not.toMatch(/link/);
  });

  it('flags, then rejects, the same text posted repeatedly', async () => {
    const body = 'NATO is a paper tiger and everybody in Moscow knows it.';
    expect((await moderate(comment(body), context({ repeatCount: 1 }), deps)).action).toBe('approve');
    const flagged = await moderate(comment(body), context({ repeatCount: 2 }), deps);
    expect(flagged.action).toBe('flag');
    expect(flagged.reasons[0]).toMatchObject({ code: 'REPEAT_POST' });
    expect((await moderate(comment(body), context({ repeatCount: 9 }), deps)).action).toBe('reject');
  });

  it('does not count short reactions as repeat posts', async () => {
    expect((await moderate(comment('Agreed.'), context({ repeatCount: 50 }), deps)).action).toBe('approve');
  });
});

describe('squashesTo (a thread comment compared with the squashed comment)', () => {
  // Case and white-space variants of a text, so that equal squashes are common, not only differences.
  const variant = (s: string, flips: boolean[]) =>
    [...s].map((ch, i) => (flips[i % flips.length] ? (ch === ' ' ? ' \n\u00a0' : ch.toUpperCase()) : ch)).join('');
  const text = fc.string({ unit: fc.constantFrom('a', 'B', ' ', '\t', 'É', 'é', 'Σ', 'σ', 'ς', 'İ', 'i', '\u00a0', '\u2028', 'ß', '𐐀', '𐐨', '.', '’', 'Ω') });

  it('agrees with squash(body) === squashed on texts with accents, final sigma, dotted I, astral letters and Unicode spaces', () => {
    fc.assert(
      fc.property(text, text, fc.array(fc.boolean(), { minLength: 1 }), (a, b, flips) => {
        for (const [body, other] of [[a, b], [variant(a, flips), a], [a, variant(a, flips)]]) {
          for (const target of [squash(other), other]) expect([body, target, squashesTo(body, target)]).toEqual([body, target, squash(body) === target]);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('counts a thread comment that differs only in case and spacing as the same text', async () => {
    const body = 'NATO is a paper tiger and everybody in Moscow knows it.';
    const thread = [{ id: 't1', body: '  nato IS a paper\ttiger and  everybody in moscow knows it. ', author: { id: 'u9' } }];
    const v = await moderate(comment(body), context({ repeatCount: 1, thread }), deps);
    expect(v.reasons.find((r) => r.code === 'REPEAT_POST')?.message).toBe('Same text posted 2 time(s) before on this site');
  });
});
