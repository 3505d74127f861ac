import { moderate } from '../../src/moderation/pipeline';
import { PolicySchema, resolvePolicy } from '../../config/policy-schema';
import { findDehumanizing } from '../../src/moderation/text/dehumanizing-patterns';
import { tokenize } from '../../src/moderation/text/tokens';
import { TestClassifier } from './test-classifier';
import { comment, context } from './helpers';

const matched = (text: string) => findDehumanizing(tokenize(text)).length > 0;

describe('dehumanising statements about a group', () => {
  it.each([
    'They are primates and always will be.',
    'These people are uncivilized and do not belong here.',
    "They're animals, every one of them.",
    'Muslims are nothing but a plague on this country',
    'those immigrants breed like rabbits',
    'Th3y are v3rmin',
  ])('finds %s', (text) => expect(matched(text)).toBe(true));

  it.each([
    'They are not animals, they are people like us.',
    'The zoo says the primates are doing well.',
    'They are wrong about the budget and the minister knows it.',
    'Animals are people too, say the protesters.',
    'These policies are a cancer on the economy.',
  ])('leaves %s alone', (text) => expect(matched(text)).toBe(false));

  it('flags such a comment as an identity attack with the statement highlighted, and never rejects it on structure alone', async () => {
    const policy = resolvePolicy(PolicySchema.parse({}));
    const body = 'I have read the article. Frankly, they are primates and always will be.';
    const v = await moderate(comment(body), context(), { classifier: new TestClassifier(), policy });
    expect(v.action).toBe('flag');
    const reason = v.reasons.find((r) => r.code === 'IDENTITY_ATTACK')!;
    expect(reason.message).toMatch(/Dehumanising language about a group: "they are primates"/);
    expect(body.slice(reason.spans[0].start, reason.spans[0].end)).toBe('they are primates');
    expect(v.scores.identityAttack).toBeGreaterThanOrEqual(0.8);
  });
});
