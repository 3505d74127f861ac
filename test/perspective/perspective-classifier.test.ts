/**
 * PerspectiveClassifier through the real perspective-api-client and axios, against a fake
 * Perspective on loopback: wire format, mapping, and how each failure surfaces.
 */
import { PerspectiveClassifier, type PerspectiveClassifierOptions } from '../../src/infra/perspective/perspective-classifier';
import { PerspectiveError } from '../../src/infra/perspective/perspective-error';
import { FakePerspective, INTERNAL_500, QUOTA_429 } from './support/fake-perspective';

const KEY = 'AIzaFAKE-test-key-0123456789';
let fake: FakePerspective;

beforeEach(async () => {
  fake = await FakePerspective.start();
});
afterEach(() => fake.close());

const classifier = (over: Partial<PerspectiveClassifierOptions> = {}) =>
  new PerspectiveClassifier({ apiKey: KEY, timeoutMs: 300, maxTextBytes: 20_480, ...over, endpoint: over.endpoint ?? fake.endpoint });

async function failure(p: Promise<unknown>): Promise<PerspectiveError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PerspectiveError);
    return err as PerspectiveError;
  }
  throw new Error('expected a PerspectiveError');
}

/** Neither the message nor anything enumerable on the error may carry the key. */
function expectNoKey(err: PerspectiveError) {
  expect(err.message).not.toContain(KEY);
  expect(JSON.stringify(err)).not.toContain(KEY);
  expect(String(err.stack)).not.toContain(KEY);
}

describe('PerspectiveClassifier', () => {
  it('posts the AnalyzeComment wire format: key in the query, six attributes, doNotStore, text untouched', async () => {
    const text = 'You <b>idiot</b>, read the article';
    await classifier({ languages: ['en'] }).classify({ text });
    expect(fake.requests).toHaveLength(1);
    const [req] = fake.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v1alpha1/comments:analyze', key: KEY });
    expect(req.body).toEqual({
      comment: { text },
      languages: ['en'],
      requestedAttributes: { TOXICITY: {}, SEVERE_TOXICITY: {}, INSULT: {}, THREAT: {}, IDENTITY_ATTACK: {}, PROFANITY: {} },
      doNotStore: true,
    });
  });

  it('maps attributes onto categories, SEVERE_TOXICITY raising toxicity, with spans from spanScores', async () => {
    const text = 'You idiot, I will kill the plot';
    const result = await classifier().classify({ text });
    expect(result.provider).toBe('perspective');
    expect(result.scores).toEqual({ toxicity: 0.93, insult: 0.88, threat: 0.91, identityAttack: 0.1, profanity: 0.4 });
    expect(result.spans.toxicity).toEqual([{ start: 4, end: 9 }]);
    expect(text.slice(4, 9)).toBe('idiot');
    expect(result.spans.threat).toEqual([{ start: 18, end: 22 }]);
    // Below 0.5 nothing is marked.
    expect(result.spans.profanity).toEqual([]);
  });

  it('turns a 429 into rate-limited, with Retry-After, and without the key', async () => {
    fake.reply = () => ({ ...QUOTA_429, headers: { 'retry-after': '2' } });
    const err = await failure(classifier().classify({ text: 'hello' }));
    expect(err).toMatchObject({ kind: 'rate-limited', httpStatus: 429, retryAfterMs: 2000 });
    expect(err.message).toContain('Quota exceeded');
    expectNoKey(err);
  });

  it('turns a 500 into server-error without the key', async () => {
    fake.reply = () => INTERNAL_500;
    const err = await failure(classifier().classify({ text: 'hello' }));
    expect(err).toMatchObject({ kind: 'server-error', httpStatus: 500 });
    expectNoKey(err);
  });

  it('abandons a call slower than the timeout', async () => {
    fake.reply = () => ({ delayMs: 2_000, body: {} });
    const started = Date.now();
    const err = await failure(classifier({ timeoutMs: 300 }).classify({ text: 'hello' }));
    expect(err.kind).toBe('timeout');
    // Before the reply would have come (2 s), with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(1_800);
    expectNoKey(err);
  });

  it('rejects a body that is not JSON, and JSON without scores, as malformed', async () => {
    fake.reply = () => ({ body: '{"attributeScores": {"TOXICITY": ' });
    expect((await failure(classifier().classify({ text: 'hello' }))).kind).toBe('malformed');
    fake.reply = () => ({ body: { attributeScores: { TOXICITY: { summaryScore: { value: 'high' } } } } });
    expect((await failure(classifier().classify({ text: 'hello' }))).kind).toBe('malformed');
  });

  it('reports a refused connection as a network error without the key', async () => {
    const endpoint = fake.endpoint;
    await fake.close();
    const err = await failure(classifier({ endpoint }).classify({ text: 'hello' }));
    expect(err.kind).toBe('network');
    expectNoKey(err);
    fake = await FakePerspective.start();
  });

  it('does not send comments over 20 KB of UTF-8, counting bytes rather than characters', async () => {
    const atLimit = 'é'.repeat(10_240); // 20,480 bytes, 10,240 characters
    await classifier().classify({ text: atLimit });
    const err = await failure(classifier().classify({ text: atLimit + 'é' }));
    expect(err.kind).toBe('too-long');
    expect(fake.requests).toHaveLength(1);
  });

  it('does not send empty text (the library would still post after its own check fails)', async () => {
    const err = await failure(classifier().classify({ text: '   ' }));
    expect(err.kind).toBe('empty');
    expect(fake.requests).toHaveLength(0);
  });

  it('reaches a loopback endpoint directly even when HTTP_PROXY is set', async () => {
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = 'http://127.0.0.1:9'; // nothing listens there
    try {
      const result = await classifier().classify({ text: 'hello' });
      expect(result.provider).toBe('perspective');
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  });
});
