import { containsWord } from '../../src/moderation/phases/target';
import { moderate } from '../../src/moderation/pipeline';
import { PolicySchema } from '../../config/policy-schema';
import { TestClassifier } from './test-classifier';
import { comment, context, reply, NOW } from './helpers';

const deps = { classifier: new TestClassifier(), policy: PolicySchema.parse({}) };
const john = reply('Russia would lose an air war against NATO.', 'u-john', 'John');

describe('targeting phase (harassment)', () => {
  it('calls an insult in a reply to another reader harassment, naming the target', async () => {
    const v = await moderate(comment('@John, saying you are a pussy.'), context({ parent: john }), deps);
    expect(v.scores.harassment).toBeGreaterThanOrEqual(0.6);
    expect(v.target).toEqual({ authorId: 'u-john', name: 'John' });
    const h = v.reasons.find((r) => r.code === 'HARASSMENT');
    expect(h?.message).toMatch(/John/);
    expect(v.action).not.toBe('approve');
  });

  it('does not call profanity aimed at nobody harassment', async () => {
    const v = await moderate(comment('The damn delays in arms deliveries cost lives.'), context(), deps);
    expect(v.scores.harassment).toBeLessThan(0.3);
    expect(v.reasons.map((r) => r.code)).not.toContain('HARASSMENT');
    expect(v.action).toBe('approve');
  });

  it('recognises a participant named without @ and a reader addressed as "you"', async () => {
    const thread = [john];
    const named = await moderate(comment('John is an idiot.'), context({ thread }), deps);
    expect(named.target?.name).toBe('John');
    const you = await moderate(comment('You are an idiot.'), context(), deps);
    expect(you.scores.harassment).toBeGreaterThan(named.scores.harassment! * 0.5);
  });

  it('escalates repeated targeting of the same person within the window and says so', async () => {
    const body = 'You are a loser, John.';
    const once = await moderate(comment(body), context({ parent: john }), deps);
    const earlier = (h: number) => ({ commentId: `p${h}`, status: 'rejected' as const, codes: ['HARASSMENT' as const], targetAuthorId: 'u-john', at: new Date(Date.parse(NOW) - h * 3_600_000).toISOString() });
    const again = await moderate(comment(body), context({ parent: john, authorHistory: [earlier(1), earlier(5)] }), deps);
    expect(again.scores.harassment!).toBeGreaterThan(once.scores.harassment!);
    expect(again.reasons.find((r) => r.code === 'HARASSMENT')?.message).toMatch(/2 earlier .* same person/);
    const old = await moderate(comment(body), context({ parent: john, authorHistory: [earlier(100)] }), deps);
    expect(old.scores.harassment).toBeCloseTo(once.scores.harassment!);
  });

  it('flags a disguised insult aimed at a public figure as an insult, not harassment', async () => {
    const v = await moderate(comment('This Stoltenberg is a blood thirsty bxxxxxx as he said.'), context(), deps);
    expect(v.action).toBe('flag');
    expect(v.reasons[0]).toMatchObject({ code: 'INSULT', spans: [{ start: 36, end: 43 }] });
  });
});

describe('containsWord (a participant named in the text)', () => {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  it('agrees with /\\bname\\b/ on names and texts with punctuation, digits, accents and repeats', () => {
    const names = ['anna', 'bob_99', 'jean-luc', 'o.k.', 'zoë', 'ann', '@max', 'x y'];
    const texts = ['anna said so', 'annabel said so', 'ask bob_99.', 'bob_999 here', 'jean-luc, really?', 'i am jean-lucas', 'o.k. fine', 'zoë!', 'zoëe', 'ann ann', 'hannah and ann', 'mail @max now', 'a@max', 'x y z', 'xx y'];
    for (const n of names) for (const t of texts) expect([n, t, containsWord(t, n)]).toEqual([n, t, new RegExp(`\\b${escape(n)}\\b`).test(t)]);
  });
});
