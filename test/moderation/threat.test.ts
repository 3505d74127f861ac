import { loadLocalClassifier } from '../../src/classifier/local-classifier';
import { moderate } from '../../src/moderation/pipeline';
import { PolicySchema, DEFAULT_THRESHOLDS } from '../../config/policy-schema';
import { loadSeedFixtures } from '../fixtures/seeds';
import { TestClassifier } from './test-classifier';
import { comment, context, reply, NATO_ARTICLE } from './helpers';

const FLAG = DEFAULT_THRESHOLDS.threat.flag;
const local = { classifier: loadLocalClassifier(), policy: PolicySchema.parse({}) };
const threatOf = async (body: string) => (await moderate(comment(body), context({ article: NATO_ARTICLE }), local)).scores.threat ?? 0;

const THREATS = [
  'I will find you and kill you.',
  'I will kill you and your family',
  "I'll k1ll you if you post that again",
  'I will k i l l you.',
  "I'm gonna sh00t u, watch.",
  "If I see you again I'll kill you.",
  "If you don't shut up I'll hurt you.",
  'Someone should shoot him.',
  'I hope you die.',
  'I hope you get cancer, you clown.',
  'You deserve to die.',
  'Putin should be hanged.',
  'They should all be lined up and shot.',
  "I'm going to put a bullet in your head.",
  "You'd better watch your back.",
  'I know where you live.',
  'I will hunt you down and make you pay.',
  'Wait until I find you.',
  '@John I am going to beat the crap out of you',
  "I'll slit ur throat",
  'Somebody needs to put a bullet in his head',
  'I hope someone stabs you',
  'Gonna end you, loser',
  "I'm going to burn your house down",
  'I hope your kids get shot',
  "I'll st@b y0u",
  'He should be executed.',
  'Keep talking and I\'ll break your legs.',
];

const NON_THREATS = [
  // news talk and idioms
  'Ukraine should be allowed to strike deep into Russian territory.',
  'NATO will fight to the last Ukrainian.',
  'Bring it on.',
  'Kill the bill!',
  'This joke killed me.',
  'Shoot me an email and I will send you the report.',
  "I'll shoot you an email tomorrow.",
  'The war will kill thousands.',
  'Putin should be stopped.',
  'They will attack civilian areas.',
  "I'll find you a link to the study.",
  'NATO should shoot down Russian missiles over Poland.',
  'No one deserves to die in this war.',
  "I don't think anyone should be shot for protesting.",
  'I will never hurt you.',
  'Thousands of soldiers will die if the offensive goes ahead.',
  'We should hang out after the debate.',
  'I hope the fighting dies down soon.',
  'This policy will hurt you at the pump.',
  'I would kill for a coffee right now.',
  'We need to end the war, not prolong it.',
  'I will beat you in the next election.',
  'Putin should be tried for war crimes.',
  // from the seed fixtures
  '–NATO will fight to the last Ukrainian.',
  'Stoltenberg stressed that if you accept Russia\'s annexation and let nuclear saber-rattling stop you from supporting Ukraine, then you accept nuclear blackmail.',
  'If Russia wins the war, Putin will be convinced that violence works?',
  'It does not even shoot down russian missiles flying towards Ukraine through its own members airspace (Romania, Poland).',
  'Russia would not have a chance in hell of winning an air war against the superior technology and more numerous NATO air forces.',
  'What we would like to see is for them to stop attacking another country.',
  "Jens Stoltenberg suggested that alliance members should allow Ukraine to launch strikes deep into Russian territory with Western-supplied weapons.",
  'The massacre left 77 people dead, but Libya was left completely destroyed.',
  '"Russia must understand that a nuclear war can never be won and must never be fought."',
];

describe('threat phase', () => {
  it.each(THREATS)('scores a threat at or above the flag threshold: %s', async (body) => {
    expect(await threatOf(body)).toBeGreaterThanOrEqual(FLAG);
  });

  it.each(NON_THREATS)('scores news talk and idioms below the flag threshold: %s', async (body) => {
    expect(await threatOf(body)).toBeLessThan(FLAG);
  });

  it('finds no threat in any sentence of the seed articles and comments', async () => {
    const sentences = loadSeedFixtures().flatMap((f) => [f.article.title, f.article.body, ...f.comments.map((c) => c.body)].flatMap((t) => t.split(/(?<=[.!?])\s+|\n+/)));
    expect(sentences.length).toBeGreaterThan(100);
    const flagged: string[] = [];
    for (const s of sentences) if ((await threatOf(s)) >= FLAG) flagged.push(s);
    expect(flagged).toEqual([]);
  });

  it('points its spans at the threatening clause as written, obfuscation included', async () => {
    const cases: Array<[string, string]> = [
      ["If I see you again I'll k1ll y0u.", "I'll k1ll y0u"],
      ['I will k i l l you, @Mark.', 'I will k i l l you'],
      ['ok whatever. gonna sh00t u', 'gonna sh00t u'],
      ['Putin is a liar. He should be hanged!', 'He should be hanged'],
    ];
    for (const [body, clause] of cases) {
      const v = await moderate(comment(body), context(), local);
      const r = v.reasons.find((x) => x.code === 'THREAT');
      expect(r && body.slice(r.spans[0].start, r.spans[0].end)).toBe(clause);
    }
  });

  it('says whom a threat is aimed at, quoting the clause', async () => {
    const v = await moderate(comment('I will find you and kill you.'), context(), local);
    expect(v.reasons.find((r) => r.code === 'THREAT')?.message).toBe('Threat of violence aimed at a reader: "I will find you and kill you"');
    const named = await moderate(comment('Somebody should shoot Putin.'), context(), local);
    expect(named.reasons.find((r) => r.code === 'THREAT')?.message).toMatch(/aimed at a named person, Putin: "Somebody should shoot Putin"/);
  });

  it('counts a threat at another reader as harassment of that reader, once', async () => {
    const john = reply('Russia would lose an air war against NATO.', 'u-john', 'John');
    const v = await moderate(comment('If I see you here again I will find you.'), context({ parent: john }), local);
    const h = v.reasons.find((r) => r.code === 'HARASSMENT');
    expect(h?.message).toMatch(/^Threat aimed at John/);
    expect(v.scores.harassment).toBeCloseTo(v.scores.threat!, 5);
    expect(v.target?.authorId).toBe('u-john');
  });

  it('does not call a threat at a public figure harassment of a reader', async () => {
    const v = await moderate(comment('Putin should be hanged.'), context({ article: NATO_ARTICLE }), local);
    expect(v.reasons.map((r) => r.code)).toContain('THREAT');
    expect(v.reasons.map((r) => r.code)).not.toContain('HARASSMENT');
  });

  it('keeps the model score when it is higher than the analyzer', async () => {
    const v = await moderate(comment('I will kill you.'), context(), { classifier: new TestClassifier(), policy: PolicySchema.parse({}) });
    expect(v.scores.threat).toBe(0.95);
    expect(v.action).toBe('reject');
  });
});

describe('threats end to end with the shipped local model', () => {
  it('flags "I will find you and kill you." with a THREAT reason', async () => {
    const v = await moderate(comment('I will find you and kill you.'), context({ article: NATO_ARTICLE }), local);
    expect(['flag', 'reject']).toContain(v.action);
    expect(v.reasons.map((r) => r.code)).toContain('THREAT');
    expect(v.timings.threat).toBeDefined();
  });

  it('approves "NATO will strike military targets deep inside Russia." under a NATO article', async () => {
    const v = await moderate(comment('NATO will strike military targets deep inside Russia.'), context({ article: NATO_ARTICLE }), local);
    expect(v.action).toBe('approve');
    expect(v.scores.threat).toBeLessThan(FLAG);
  });
});
