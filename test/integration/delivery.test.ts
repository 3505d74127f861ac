/**
 * Decisions travel back to the CMS: signed callbacks, retries, the dead-letter list and re-drive;
 * the worker's handling of bad jobs; readiness, metrics and a Redis outage.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import Redis from 'ioredis';
import { verifySignature } from '../../src/security/signature';
import { signed } from '../security/signed-request';
import { REDIS_URL, startService, waitFor, type TestService } from './harness';

const SECRET = 'delivery-secret-1';

/** A CMS endpoint on loopback whose answer the test controls; it checks every signature. */
async function startCms() {
  const received: Array<{ payload: Record<string, unknown>; signatureOk: boolean }> = [];
  const state = { status: 204 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signatureOk = verifySignature(req.headers['x-signature'] as string, raw, [SECRET], 300).ok;
      if (state.status < 300) received.push({ payload: JSON.parse(raw.toString()), signatureOk });
      res.writeHead(state.status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, state, close: () => new Promise((r) => server.close(r)) };
}

let cms: Awaited<ReturnType<typeof startCms>>;
let svc: TestService;

beforeAll(async () => {
  cms = await startCms();
  svc = await startService({
    name: 'delivery',
    overrides: {
      callbacks: { attempts: 3, backoffMs: 20, timeoutMs: 1_000 },
      sites: [{ id: 'demo', webhookSecrets: [SECRET], callbackUrl: cms.url }],
    },
  });
});
afterAll(async () => {
  await svc.close();
  await cms.close();
});

function postComment(id: string, body: string) {
  const raw = JSON.stringify({ id, articleId: 'a-1', author: { id: 'u-1' }, body });
  return signed(svc.app, 'POST', '/v1/sites/demo/comments', SECRET, raw);
}

const asModerator = (r: request.Test) => r.set('Authorization', 'Bearer demo-moderator');

it('delivers each automatic decision to the CMS as a signed comment.moderated callback', async () => {
  expect((await postComment('d-1', 'You are a stupid idiot and everyone knows it.')).status).toBe(202);
  const got = await waitFor(() => cms.received.find((r) => (r.payload.comment as { id: string }).id === 'd-1'), 'callback');
  expect(got.signatureOk).toBe(true);
  expect(got.payload).toMatchObject({
    type: 'comment.moderated',
    site: 'demo',
    comment: { id: 'd-1', articleId: 'a-1' },
    status: expect.stringMatching(/flagged|rejected/),
    decidedBy: 'auto',
    decidedAt: expect.any(String),
  });
  expect((got.payload.reasons as Array<{ code: string }>).map((r) => r.code)).toContain('INSULT');
});

it('retries a failing CMS, dead-letters the callback after the last attempt, and re-drives it', async () => {
  cms.state.status = 500;
  await postComment('d-2', 'Interesting numbers on the harbour project.');
  const dead = await waitFor(async () => {
    const res = await asModerator(request(svc.app).get('/v1/sites/demo/callbacks/dead-letters'));
    return res.body.items.find((d: { payload: { comment: { id: string } } }) => d.payload.comment.id === 'd-2');
  }, 'dead letter', 10_000);
  expect(dead).toMatchObject({ attempts: 3, error: expect.stringMatching(/HTTP 500/) });

  const metrics = await request(svc.app).get('/metrics');
  expect(metrics.text).toMatch(/callback_dead_letters\{site="demo"\} 1/);
  expect(metrics.text).toMatch(/callback_failures_total\{site="demo"\} [3-9]/);

  cms.state.status = 204;
  const redrive = await asModerator(request(svc.app).post('/v1/sites/demo/callbacks/dead-letters/redrive'));
  expect(redrive.status).toBe(202);
  expect(redrive.body.redriven).toEqual([dead.id]);
  await waitFor(() => cms.received.find((r) => (r.payload.comment as { id: string }).id === 'd-2'), 're-driven callback');
  expect((await asModerator(request(svc.app).get('/v1/sites/demo/callbacks/dead-letters'))).body.count).toBe(0);
});

it('fails a malformed job without retrying it', async () => {
  const job = await svc.runtime.queue.queue.add('moderate', { site: 'demo', commentId: 'x' } as never, { attempts: 5 });
  const failed = await waitFor(async () => ((await job.getState()) === 'failed' ? await svc.runtime.queue.queue.getJob(job.id!) : undefined), 'failed job');
  expect(failed?.attemptsMade).toBe(1);
  expect(failed?.failedReason).toMatch(/malformed moderation job/);
});

it('fails a job for a comment that does not exist without retrying it', async () => {
  const job = await svc.runtime.queue.queue.add('moderate', { site: 'demo', commentId: 'ghost', bodyHash: 'a'.repeat(32) }, { attempts: 5 });
  await waitFor(async () => ((await job.getState()) === 'failed' ? true : undefined), 'failed job');
  expect((await svc.runtime.queue.queue.getJob(job.id!))?.attemptsMade).toBe(1);
});

it('reports health, readiness and Prometheus metrics', async () => {
  expect((await request(svc.app).get('/healthz')).body).toEqual({ status: 'ok' });
  expect((await request(svc.app).get('/readyz')).status).toBe(200);
  const text = (await request(svc.app).get('/metrics')).text;
  for (const name of ['http_requests_total', 'queue_jobs', 'moderation_decisions', 'moderation_job_duration_seconds', 'callback_failures_total']) expect(text).toContain(name);
  expect(text).toMatch(/moderation_decisions\{site="demo",status="(flagged|rejected)"\} [1-9]/);
});

describe('when Redis is unreachable', () => {
  it('answers 503 with Retry-After and stores nothing', async () => {
    const outage = await startService({ name: 'outage', workers: false, overrides: { sites: [{ id: 'demo', webhookSecrets: [SECRET] }] } });
    try {
      outage.runtime.apiRedis.disconnect(); // the API's connection drops; it does not queue commands
      const raw = JSON.stringify({ id: 'o-1', articleId: 'a', author: { id: 'u' }, body: 'hello there' });
      const res = await signed(outage.app, 'POST', '/v1/sites/demo/comments', SECRET, raw);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect((await request(outage.app).get('/readyz')).status).toBe(503);
      const probe = new Redis(REDIS_URL);
      expect(await probe.exists(outage.runtime.keys.comment('demo', 'o-1'))).toBe(0);
      probe.disconnect();
    } finally {
      await outage.close();
    }
  });
});
