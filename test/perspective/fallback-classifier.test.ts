/**
 * FallbackClassifier end to end: real perspective-api-client against the fake Perspective, real
 * Redis token bucket, tiny local model. Every comment gets a result; the provider says who decided.
 */
import type Redis from 'ioredis';
import { CircuitBreaker } from '../../src/infra/perspective/circuit-breaker';
import { FallbackClassifier, type FallbackClassifierOptions } from '../../src/infra/perspective/fallback-classifier';
import { PerspectiveClassifier } from '../../src/infra/perspective/perspective-classifier';
import { RedisTokenBucket, apiKeyId } from '../../src/infra/perspective/rate-limiter';
import { FakePerspective, INTERNAL_500, QUOTA_429 } from './support/fake-perspective';
import { TinyLocal, captureLogger, connect, deleteKeys, uniquePrefix } from './support/helpers';

const KEY = 'AIzaFAKE-fallback-key';
const prefix = uniquePrefix('fallback');
let redis: Redis;
let fake: FakePerspective;
let local: TinyLocal;
let testNo = 0;

beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});
beforeEach(async () => {
  fake = await FakePerspective.start();
  local = new TinyLocal();
  testNo += 1;
});
afterEach(() => fake.close());

interface Setup extends Partial<FallbackClassifierOptions> {
  rps?: number;
  timeoutMs?: number;
}

/** A classifier with a bucket of its own (per test) so tests do not share quota. */
function setup(over: Setup = {}) {
  const { rps = 50, timeoutMs = 300, ...rest } = over;
  const keyId = `${apiKeyId(KEY)}-t${testNo}`;
  const limiter = new RedisTokenBucket({ redis, prefix, keyId, requestsPerSecond: rps, burst: 1 });
  const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 400 });
  const classifier = new FallbackClassifier({
    mode: 'perspective',
    perspective: new PerspectiveClassifier({ apiKey: KEY, endpoint: fake.endpoint, timeoutMs, maxTextBytes: 20_480 }),
    local,
    limiter,
    breaker,
    maxWaitMs: 1_500,
    backoffInitialMs: 300,
    backoffMaxMs: 5_000,
    uncertainBand: { low: 0.3, high: 0.7 },
    logger: captureLogger().logger,
    ...rest,
  });
  return { classifier, limiter, breaker, keyId };
}

describe('FallbackClassifier, perspective mode', () => {
  it('lets Perspective decide when it answers', async () => {
    const result = await setup().classifier.classify({ text: 'you idiot' });
    expect(result).toMatchObject({ provider: 'perspective', modelVersion: 'perspective-v1alpha1' });
    expect(result.scores.insult).toBe(0.88);
    expect(local.calls).toBe(0);
  });

  it('backs off after a 429 and succeeds on the retry', async () => {
    fake.reply = (_req, n) => (n === 0 ? QUOTA_429 : { body: { attributeScores: { TOXICITY: { summaryScore: { value: 0.2 } } } } });
    const result = await setup({ backoffInitialMs: 300 }).classifier.classify({ text: 'hello' });
    expect(result.provider).toBe('perspective');
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1].at - fake.requests[0].at).toBeGreaterThanOrEqual(290);
  });

  it('falls back after a second 429 and pauses every worker on the key', async () => {
    fake.reply = () => QUOTA_429;
    const { classifier, keyId } = setup({ backoffInitialMs: 300 });
    const result = await classifier.classify({ text: 'you idiot' });
    expect(result.provider).toBe('local (perspective unavailable: rate limited (429))');
    expect(result.scores.insult).toBe(0.95);
    expect(fake.requests).toHaveLength(2);
    // The second 429 doubled the pause to 600 ms; another worker's bucket instance is blocked too.
    const other = new RedisTokenBucket({ redis, prefix, keyId, requestsPerSecond: 50, burst: 1 });
    expect((await other.acquire(0)).granted).toBe(false);
  });

  it('falls back on a 500', async () => {
    fake.reply = () => INTERNAL_500;
    const result = await setup().classifier.classify({ text: 'hello' });
    expect(result.provider).toBe('local (perspective unavailable: server error)');
  });

  it('falls back on a timeout without holding the comment much longer than the timeout', async () => {
    fake.reply = () => ({ delayMs: 3_000, body: {} });
    const started = Date.now();
    const result = await setup({ timeoutMs: 300 }).classifier.classify({ text: 'hello' });
    expect(result.provider).toBe('local (perspective unavailable: timeout)');
    // Well before the reply would have come (3 s), with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('falls back on a malformed body', async () => {
    fake.reply = () => ({ body: '<html>502 Bad Gateway</html>' });
    const result = await setup().classifier.classify({ text: 'hello' });
    expect(result.provider).toBe('local (perspective unavailable: malformed response)');
  });

  it('falls back when no quota token comes within maxWaitMs', async () => {
    const { classifier } = setup({ rps: 1, maxWaitMs: 200 });
    const [first, second] = await Promise.all([classifier.classify({ text: 'a' }), classifier.classify({ text: 'b' })]);
    expect([first.provider, second.provider].sort()).toEqual(['local (perspective unavailable: quota: no token in time)', 'perspective']);
    expect(fake.requests).toHaveLength(1);
  });

  it('sends comments over 20 KB to the local model, which reads all of it', async () => {
    const result = await setup().classifier.classify({ text: 'fine words. '.repeat(2_000) + 'idiot' });
    expect(result.provider).toBe('local (perspective unavailable: comment over 20 KB)');
    expect(result.scores.toxicity).toBe(0.95);
    expect(fake.requests).toHaveLength(0);
  });

  it('falls back when the limiter fails or hangs (Redis down), instead of stalling the queue', async () => {
    const broken = { acquire: () => Promise.reject(new Error('Connection is closed.')), penalize: async () => undefined };
    expect((await setup({ limiter: broken }).classifier.classify({ text: 'hello' })).provider).toBe('local (perspective unavailable: rate limiter error)');
    const hanging = { acquire: () => new Promise<never>(() => undefined), penalize: async () => undefined };
    const started = Date.now();
    const result = await setup({ limiter: hanging, maxWaitMs: 200 }).classifier.classify({ text: 'hello' });
    expect(result.provider).toBe('local (perspective unavailable: rate limiter error)');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fake.requests).toHaveLength(0);
  });

  it('opens the circuit after repeated failures, stops calling, and closes after the cool-down', async () => {
    fake.reply = () => INTERNAL_500;
    const { classifier, breaker } = setup();
    const providers: string[] = [];
    for (let i = 0; i < 5; i++) providers.push((await classifier.classify({ text: `comment ${i}` })).provider);
    expect(fake.requests).toHaveLength(3);
    expect(providers.slice(3)).toEqual(['local (perspective unavailable: circuit open)', 'local (perspective unavailable: circuit open)']);
    expect(breaker.current).toBe('open');

    fake.reply = () => ({ body: { attributeScores: { TOXICITY: { summaryScore: { value: 0.1 } } } } });
    await new Promise((r) => setTimeout(r, 400));
    expect((await classifier.classify({ text: 'back again' })).provider).toBe('perspective');
    expect(fake.requests).toHaveLength(4);
    expect(breaker.current).toBe('closed');
  });
});

describe('FallbackClassifier, local-then-perspective mode', () => {
  it('asks Perspective only about comments the local model is unsure of', async () => {
    const { classifier } = setup({ mode: 'local-then-perspective' });
    const clean = await classifier.classify({ text: 'lovely article' });
    const toxic = await classifier.classify({ text: 'you idiot' });
    const unsure = await classifier.classify({ text: 'maybe you should kill the plot' });
    expect(fake.requests.map((r) => r.body.comment?.text)).toEqual(['maybe you should kill the plot']);
    expect([clean.provider, toxic.provider, unsure.provider]).toEqual(['local', 'local', 'perspective (local unsure)']);
    // Perspective's scores replace the local ones it covers; the local spam score stays.
    expect(unsure.scores).toMatchObject({ toxicity: 0.04, threat: 0.91, spam: 0.01 });
    expect(local.calls).toBe(3);
  });

  it('keeps the local result, marked, when Perspective fails', async () => {
    fake.reply = () => INTERNAL_500;
    const result = await setup({ mode: 'local-then-perspective' }).classifier.classify({ text: 'maybe' });
    expect(result).toMatchObject({ provider: 'local (perspective unavailable: server error)', scores: { toxicity: 0.5 } });
  });
});
