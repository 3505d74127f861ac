/**
 * The API's edge against hostile or careless callers, on the real app and the real Redis:
 * signatures bound to method, path and body, replays refused, ids that cannot forge keys, bad
 * escapes, protected metrics.
 */
import Redis from 'ioredis';
import request from 'supertest';
import { REDIS_URL, startService, type TestService } from '../integration/harness';
import { SIGNATURE_HEADER, computeSignature, signRequest } from '../../src/security/signature';
import { keyBase, keyPart } from '../../src/infra/keys';
import { signed } from './signed-request';

const SECRET = 'edge-secret-123';
const METRICS_TOKEN = 'metrics-token-0123456789';
let svc: TestService;
let redis: Redis;

beforeAll(async () => {
  svc = await startService({
    name: 'edge',
    workers: false,
    overrides: {
      http: { bodyLimitBytes: 20_000, batchBodyLimitBytes: 200_000 },
      metrics: { token: METRICS_TOKEN },
      sites: [{ id: 'demo', webhookSecrets: [SECRET] }],
    },
  });
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  redis.disconnect();
  await svc.close();
});

const comment = (id: string, body = 'A measured remark on the harbour plan.', articleId = 'art-1') => JSON.stringify({ id, articleId, author: { id: 'reader-1' }, body });
const article = (title: string) => JSON.stringify({ title, body: 'Text of the article.' });
const v1Header = (raw: string) => {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${computeSignature(SECRET, t, raw)}`;
};

describe('signatures cover method, path and body (v2)', () => {
  it('refuses a signed PUT replayed to another article', async () => {
    const raw = article('Title of A');
    const header = signRequest(SECRET, { method: 'PUT', path: '/v1/sites/demo/articles/A', rawBody: raw });
    const a = await request(svc.app).put('/v1/sites/demo/articles/A').set(SIGNATURE_HEADER, header).set('Content-Type', 'application/json').send(raw);
    expect(a.status).toBe(201);
    const b = await request(svc.app).put('/v1/sites/demo/articles/B').set(SIGNATURE_HEADER, header).set('Content-Type', 'application/json').send(raw);
    expect(b.status).toBe(401);
    expect(b.body.error.code).toBe('bad_signature');
    expect(await redis.exists(svc.runtime.keys.article('demo', 'B'))).toBe(0);
  });

  it('refuses a signed GET reused for a POST to another route', async () => {
    const header = signRequest(SECRET, { method: 'GET', path: '/v1/sites/demo/callbacks/dead-letters', rawBody: '' });
    const res = await request(svc.app).post('/v1/sites/demo/callbacks/dead-letters/redrive').set(SIGNATURE_HEADER, header);
    expect(res.status).toBe(401);
  });

  it('refuses a replayed request, so an old comment version cannot revert an edit', async () => {
    const first = comment('c-revert', 'First version of the remark.');
    const header = signRequest(SECRET, { method: 'POST', path: '/v1/sites/demo/comments', rawBody: first });
    const send = () => request(svc.app).post('/v1/sites/demo/comments').set(SIGNATURE_HEADER, header).set('Content-Type', 'application/json').send(first);
    expect((await send()).status).toBe(202);
    expect((await signed(svc.app, 'POST', '/v1/sites/demo/comments', SECRET, comment('c-revert', 'Edited version of the remark.'))).status).toBe(202);
    const replay = await send();
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('signature_replayed');
    const stored = JSON.parse((await redis.hget(svc.runtime.keys.comment('demo', 'c-revert'), 'comment'))!);
    expect(stored.body).toBe('Edited version of the remark.');
  });

  it('refuses a replayed signed GET', async () => {
    await signed(svc.app, 'POST', '/v1/sites/demo/comments', SECRET, comment('c-get'));
    const header = signRequest(SECRET, { method: 'GET', path: '/v1/sites/demo/comments/c-get', rawBody: '' });
    expect((await request(svc.app).get('/v1/sites/demo/comments/c-get').set(SIGNATURE_HEADER, header)).status).toBe(200);
    expect((await request(svc.app).get('/v1/sites/demo/comments/c-get').set(SIGNATURE_HEADER, header)).status).toBe(409);
  });

  it('accepts the deprecated v1 on the comment POST only, and refuses its replay', async () => {
    const raw = comment('c-v1');
    const header = v1Header(raw);
    const post = () => request(svc.app).post('/v1/sites/demo/comments').set(SIGNATURE_HEADER, header).set('Content-Type', 'application/json').send(raw);
    expect((await post()).status).toBe(202);
    expect((await post()).status).toBe(409);
    const put = await request(svc.app).put('/v1/sites/demo/articles/v1-art').set(SIGNATURE_HEADER, v1Header(article('T'))).set('Content-Type', 'application/json').send(article('T'));
    expect(put.status).toBe(401);
    expect(put.body.error.message).toMatch(/v1 signatures are accepted on POST \/v1\/sites\/:site\/comments only/);
    const get = await request(svc.app).get('/v1/sites/demo/comments/c-v1').set(SIGNATURE_HEADER, v1Header(''));
    expect(get.status).toBe(401);
  });

  it('remembers a replay for the signature window, in Redis, under the site', async () => {
    const keys = await scanKeys(`${keyBase(svc.prefix)}:{demo}:sig:*`);
    expect(keys.length).toBeGreaterThan(0);
    const ttl = await redis.pttl(keys[0]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual((2 * 300 + 1) * 1000);
  });
});

describe('ids cannot forge Redis keys', () => {
  it('answers 422 for ids with ":" "/" "%" spaces or over 128 characters, and stores nothing', async () => {
    for (const id of ['X:h', 'a/b', 'a%41', 'a b', 'é', 'x'.repeat(129), '']) {
      const res = await signed(svc.app, 'POST', '/v1/sites/demo/comments', SECRET, comment(id));
      expect([id, res.status]).toEqual([id, 422]);
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'id' })]));
    }
    const res = await signed(svc.app, 'POST', '/v1/sites/demo/comments', SECRET, comment('ok-id', 'A remark.', 'art:c'));
    expect(res.status).toBe(422);
    expect(await scanKeys(`${keyBase(svc.prefix)}:{demo}:c:X*`)).toEqual([]);
  });

  it('encodes ids injectively inside keys (the API refuses these ids; the keys stay apart anyway)', () => {
    const k = svc.runtime.keys;
    expect(k.comment('demo', 'X:h')).not.toBe(k.history('demo', 'X'));
    expect(k.comment('demo', 'X:claim')).not.toBe(k.claim('demo', 'X'));
    expect(k.article('demo', 'X:c')).not.toBe(k.articleComments('demo', 'X'));
    expect(keyPart('a%3Ab')).not.toBe(keyPart('a:b'));
    expect(keyPart('{tag}')).toBe('%7Btag%7D');
    expect(keyPart('reader-1@example.org')).toBe('reader-1@example.org');
  });

  // A key of the wrong type where the comment's article index belongs (a key named after an id), or
  // where its own hash belongs (checked by the script's first read rather than a TYPE call). Its
  // history is a field of that hash; a record stored before that keeps a history list (below).
  it.each([
    ["its article's comment index", 'c-clash', (id: string) => svc.runtime.keys.articleComments('demo', `art-${id}`), 'not a zset'],
    ['its own hash', 'c-clash-hash', (id: string) => svc.runtime.keys.comment('demo', id), 'not a hash'],
  ])('refuses to write a comment when %s holds data of another type, leaving nothing half-written', async (_what, id, keyOf, junk) => {
    const clashing = keyOf(id);
    await redis.set(clashing, junk);
    const res = await signed(svc.app, 'POST', '/v1/sites/demo/comments', SECRET, comment(id, 'A remark.', `art-${id}`));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('key_conflict');
    const k = svc.runtime.keys;
    const others = [k.comment('demo', id), k.history('demo', id), k.articleComments('demo', `art-${id}`), k.articleThread('demo', `art-${id}`)].filter((key) => key !== clashing);
    expect(await redis.exists(...others)).toBe(0);
    expect(await redis.get(clashing)).toBe(junk);
  });
});

describe('malformed escapes and unknown routes', () => {
  it.each(['/v1/sites/demo/comments/%zz', '/v1/sites/%E0%A4%A/comments/x', '/v1/sites/demo/articles/%'])('answers 400 for %s', async (path) => {
    const res = await signed(svc.app, path.includes('articles') ? 'PUT' : 'GET', path, SECRET, path.includes('articles') ? article('T') : undefined);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_path');
  });
});

describe('request bodies', () => {
  it('keeps the single-comment limit small and gives the batch route a larger one', async () => {
    const big = comment('c-big', 'x'.repeat(25_000));
    expect((await signed(svc.app, 'POST', '/v1/sites/demo/comments', SECRET, big)).status).toBe(413);
    const batch = JSON.stringify({ comments: Array.from({ length: 5 }, (_, i) => JSON.parse(comment(`bb-${i}`, `${'y'.repeat(5_000)} ${i}`))) });
    expect(batch.length).toBeGreaterThan(20_000);
    const res = await signed(svc.app, 'POST', '/v1/sites/demo/comments/batch', SECRET, batch);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(5);
  });

  it('refuses an unsigned request before reading its body, and closes the connection', async () => {
    const res = await request(svc.app).post('/v1/sites/demo/comments').set('Content-Type', 'application/json').send(comment('c-unsigned'));
    expect(res.status).toBe(401);
    expect(res.headers.connection).toBe('close');
  });
});

describe('/metrics', () => {
  it('needs the configured token', async () => {
    expect((await request(svc.app).get('/metrics')).status).toBe(401);
    expect((await request(svc.app).get('/metrics').set('Authorization', 'Bearer wrong-token-0000000')).status).toBe(401);
    expect((await request(svc.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`)).status).toBe(200);
  });

  it('labels routes by pattern, never by site or comment id', async () => {
    await signed(svc.app, 'GET', '/v1/sites/demo/comments/c-get-label', SECRET);
    const text = (await request(svc.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`)).text;
    const routes = [...text.matchAll(/^http_requests_total\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]);
    expect(routes).toContain('/v1/sites/:site/comments/:id');
    expect(routes.filter((r) => /demo|c-get-label/.test(r))).toEqual([]);
  });
});

async function scanKeys(pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}
