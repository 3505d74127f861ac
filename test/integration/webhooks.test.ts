/**
 * The public webhook API on the real Redis: what a CMS sends, what it gets back, and that nothing
 * is acknowledged before it is stored.
 */
import request from 'supertest';
import Redis from 'ioredis';
import { signRequest } from '../../src/security/signature';
import { signed } from '../security/signed-request';
import { REDIS_URL, startService, waitFor, type TestService } from './harness';

let svc: TestService;
let redis: Redis;

beforeAll(async () => {
  svc = await startService({
    name: 'webhooks',
    overrides: {
      http: { bodyLimitBytes: 50_000 },
      limits: { commentChars: 2_000, batchSize: 5 },
      sites: [{ id: 'demo', webhookSecrets: ['new-secret-123', 'old-secret-456'] }],
    },
  });
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  redis.disconnect();
  await svc.close();
});

// Each comment gets its own wording by default: identical texts would count as repeat posts.
const comment = (id: string, body = `A thoughtful remark about the budget (${id}).`, extra: Record<string, unknown> = {}) => ({
  id,
  articleId: 'art-1',
  author: { id: 'reader-1', name: 'Reader One' },
  body,
  ...extra,
});

function post(path: string, payload: unknown, secret: string | string[] = 'new-secret-123', nowMs = Date.now()) {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return signed(svc.app, 'POST', `/v1/sites/demo${path}`, secret, raw, { now: nowMs });
}

const getAsModerator = (id: string) => request(svc.app).get(`/v1/sites/demo/comments/${id}`).set('Authorization', 'Bearer demo-moderator');

describe('accepting comments', () => {
  it('answers 202 queued only after the comment and its job are in Redis, then stores a decision', async () => {
    const res = await post('/comments', comment('c-accept'));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: 'c-accept', status: 'queued' });
    expect(await redis.exists(svc.runtime.keys.comment('demo', 'c-accept'))).toBe(1);

    const view = await waitFor(async () => {
      const r = await getAsModerator('c-accept');
      return r.body.status !== 'queued' ? r.body : undefined;
    }, 'decision');
    expect(view).toMatchObject({ id: 'c-accept', articleId: 'art-1', status: 'approved', decidedBy: 'auto' });
    expect(view.modelVersion).toEqual(expect.any(String));
    expect(view.history.map((h: { event: string }) => h.event)).toEqual(['received', 'decided']);
  });

  it('makes one job and one decision when the same delivery arrives twice', async () => {
    const first = await post('/comments', comment('c-twice'));
    const second = await post('/comments', comment('c-twice'));
    expect([first.status, second.status]).toEqual([202, 202]);
    await waitFor(async () => ((await getAsModerator('c-twice')).body.status !== 'queued' ? true : undefined), 'decision');
    const third = await post('/comments', comment('c-twice'));
    expect(third.status).toBe(202);
    expect(third.body.status).toBe('approved');
    await new Promise((r) => setTimeout(r, 200));
    const view = (await getAsModerator('c-twice')).body;
    expect(view.history.filter((h: { event: string }) => h.event === 'decided')).toHaveLength(1);
    expect(view.history.filter((h: { event: string }) => h.event === 'received')).toHaveLength(1);
  });

  it('re-moderates an edited comment and records the edit in its history', async () => {
    await post('/comments', comment('c-edit', 'The minister made a fair point.'));
    await waitFor(async () => ((await getAsModerator('c-edit')).body.status === 'approved' ? true : undefined), 'first decision');
    const res = await post('/comments', comment('c-edit', 'You are a stupid idiot.'));
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('queued');
    const view = await waitFor(async () => {
      const v = (await getAsModerator('c-edit')).body;
      return v.history.length >= 4 && v.status !== 'queued' ? v : undefined;
    }, 'decision');
    expect(view.body).toBe('You are a stupid idiot.');
    expect(view.history.map((h: { event: string }) => h.event)).toEqual(['received', 'decided', 'edited', 'decided']);
    expect(view.status).not.toBe('approved');
  });

  it('stores article context sent with a comment and upserts articles with 201 then 200', async () => {
    const put = (body: unknown) => {
      const raw = JSON.stringify(body);
      return signed(svc.app, 'PUT', '/v1/sites/demo/articles/art-9', 'new-secret-123', raw);
    };
    expect((await put({ title: 'Budget 2027', body: 'The budget…' })).status).toBe(201);
    expect((await put({ title: 'Budget 2027 (updated)', body: 'The budget…', url: 'https://news.example/budget' })).status).toBe(200);
    expect(await redis.hget(svc.runtime.keys.article('demo', 'art-9'), 'title')).toBe('Budget 2027 (updated)');
  });

  it('accepts a batch and answers per item, storing the valid ones', async () => {
    const res = await post('/comments/batch', { comments: [comment('b-1'), { id: 'b-2', body: '' }, comment('b-3')] });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([202, 422, 202]);
    expect(res.body.results[1].error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'articleId' })]));
    expect(await redis.exists(svc.runtime.keys.comment('demo', 'b-1'), svc.runtime.keys.comment('demo', 'b-3'))).toBe(2);
  });

  it('refuses a batch larger than the limit', async () => {
    const res = await post('/comments/batch', { comments: Array.from({ length: 6 }, (_, i) => comment(`big-${i}`)) });
    expect(res.status).toBe(422);
  });
});

describe('signatures', () => {
  it('accepts a signature made with an older secret still listed (rotation)', async () => {
    expect((await post('/comments', comment('c-rot'), 'old-secret-456')).status).toBe(202);
  });

  it('rejects a webhook whose signature does not match', async () => {
    const res = await post('/comments', comment('c-bad'), 'wrong-secret-000');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('bad_signature');
    expect(await redis.exists(svc.runtime.keys.comment('demo', 'c-bad'))).toBe(0);
  });

  it('rejects a signature older than five minutes (replay)', async () => {
    const res = await post('/comments', comment('c-old'), 'new-secret-123', Date.now() - 6 * 60_000);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/timestamp/);
  });

  it('rejects a request without a signature', async () => {
    const res = await request(svc.app).post('/v1/sites/demo/comments').send(comment('c-none'));
    expect(res.status).toBe(401);
  });

  it('verifies the raw bytes: the same JSON re-serialised differently does not pass', async () => {
    const raw = JSON.stringify(comment('c-raw'));
    const res = await request(svc.app)
      .post('/v1/sites/demo/comments')
      .set('Content-Type', 'application/json')
      .set('X-Signature', signRequest('new-secret-123', { method: 'POST', path: '/v1/sites/demo/comments', rawBody: raw }))
      .send(JSON.stringify(comment('c-raw'), null, 2));
    expect(res.status).toBe(401);
  });

  it('lets a signed GET read a comment, and refuses an unknown bearer token', async () => {
    await post('/comments', comment('c-read'));
    const signedGet = await signed(svc.app, 'GET', '/v1/sites/demo/comments/c-read', 'new-secret-123');
    expect(signedGet.status).toBe(200);
    expect((await request(svc.app).get('/v1/sites/demo/comments/c-read').set('Authorization', 'Bearer nope')).status).toBe(401);
  });
});

describe('bad input gets a clear error', () => {
  it('answers 404 for an unknown site', async () => {
    const raw = JSON.stringify(comment('x'));
    const res = await signed(svc.app, 'POST', '/v1/sites/nosuch/comments', 'new-secret-123', raw);
    expect(res.status).toBe(404);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await post('/comments', '{"id": "x",');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('answers 400 for an empty body', async () => {
    const res = await post('/comments', '');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('empty_body');
  });

  it('answers 400 for a body that is not UTF-8', async () => {
    const raw = Buffer.concat([Buffer.from('{"id":"u","body":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const res = await signed(svc.app, 'POST', '/v1/sites/demo/comments', 'new-secret-123', raw);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_utf8');
  });

  it('answers 413 for a body over the size limit', async () => {
    const res = await post('/comments', comment('c-huge', 'x'.repeat(60_000)));
    expect(res.status).toBe(413);
  });

  it('answers 422 naming the failing fields', async () => {
    const res = await post('/comments', { id: 'c-422', articleId: 'a', author: {}, body: 'y'.repeat(2_001), extra: 1 });
    expect(res.status).toBe(422);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['author.id', 'body']));
    expect(res.body.error.details.some((d: { message: string }) => /extra/.test(d.message))).toBe(true);
  });

  it('answers 422 for control characters and blank bodies', async () => {
    const ctl = await post('/comments', comment('c-ctl', 'hello\u0000world'));
    expect(ctl.status).toBe(422);
    expect(ctl.body.error.details[0]).toMatchObject({ path: 'body', message: expect.stringMatching(/control characters/) });
    expect((await post('/comments', comment('c-blank', '   \n  '))).status).toBe(422);
    // Tabs, newlines and non-Latin scripts are ordinary text.
    expect((await post('/comments', comment('c-text', 'Line one\n\tЛиния два — 第三行 🙂'))).status).toBe(202);
  });
});
