/**
 * Decisions travel back to the CMS: signed callbacks, retries, the dead-letter list and re-drive;
 * the worker's handling of bad jobs; readiness, metrics and a Redis outage.
 */
import request from 'supertest';
import Redis from 'ioredis';
import type { Express } from 'express';
import { moderatorExtensions, type ModeratorExtensions } from '../../src/api/moderation';
import { Outbox } from '../../src/infra/outbox';
import { createLogger } from '../../src/logger';
import { signatureHeader, verifySignature } from '../../src/security/signature';
import { signed } from '../security/signed-request';
import { startCmsEndpoint } from '../support/cms-endpoint';
import { REDIS_URL, startService, waitFor, type TestService } from './harness';

const SECRET = 'delivery-secret-1';

interface Received {
  payload: Record<string, unknown>;
  signatureOk: boolean;
  header: string;
  eventIdHeader: string;
}

/** A CMS endpoint on loopback whose answer the test controls; it checks every signature. */
async function startCms(secrets = [SECRET]) {
  const received: Received[] = [];
  const endpoint = await startCmsEndpoint(({ headers, raw, status }) => {
    const header = headers['x-signature'] as string;
    const signatureOk = verifySignature(header, raw, secrets, 300).ok;
    if (status < 300) received.push({ payload: JSON.parse(raw.toString()), signatureOk, header, eventIdHeader: headers['x-event-id'] as string });
  });
  return { ...endpoint, received };
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

it('delivers each automatic decision to the CMS as a signed comment.moderated callback with an event id and a sequence', async () => {
  expect((await postComment('d-1', 'You are a stupid idiot and everyone knows it.')).status).toBe(202);
  const got = await waitFor(() => cms.received.find((r) => (r.payload.comment as { id: string }).id === 'd-1'), 'callback');
  expect(got.signatureOk).toBe(true);
  expect(got.eventIdHeader).toMatch(/^[0-9a-f-]{36}$/);
  expect(got.payload).toMatchObject({
    eventId: got.eventIdHeader,
    sequence: 1,
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
  expect(dead).toMatchObject({ attempts: 3, error: expect.stringMatching(/HTTP 500/), subject: 'c:d-2', payload: { eventId: dead.id, sequence: 1 } });

  const metrics = await request(svc.app).get('/metrics');
  expect(metrics.text).toMatch(/callback_dead_letters\{site="demo"\} 1/);
  expect(metrics.text).toMatch(/callback_failures_total\{site="demo"\} [3-9]/);
  expect(metrics.text).toMatch(/callbacks_dead_lettered_total\{site="demo"\} 1/);

  cms.state.status = 204;
  const redrive = await asModerator(request(svc.app).post('/v1/sites/demo/callbacks/dead-letters/redrive'));
  expect(redrive.status).toBe(202);
  expect(redrive.body.redriven).toEqual([dead.id]);
  const again = await waitFor(() => cms.received.find((r) => (r.payload.comment as { id: string }).id === 'd-2'), 're-driven callback');
  expect(again.payload).toMatchObject({ eventId: dead.id, sequence: 1 }); // the same event, de-duplicable
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

describe('ordering, rotation and stalled work', () => {
  const NEW = 'delivery-secret-2';
  let cms2: Awaited<ReturnType<typeof startCms>>;
  let svc2: TestService;
  let app2: Express;
  let moderation: ModeratorExtensions;
  beforeAll(async () => {
    cms2 = await startCms([NEW]);
    svc2 = await startService({
      name: 'ordering',
      overrides: {
        callbacks: { attempts: 10, backoffMs: 20, timeoutMs: 2_000, pollMs: 20 },
        worker: { lockDurationMs: 1_000, stalledIntervalMs: 1_000 },
        sites: [{ id: 'demo', webhookSecrets: [SECRET, NEW], callbackUrl: cms2.url }],
      },
    });
    moderation = moderatorExtensions({ runtime: svc2.runtime, config: svc2.config, logger: createLogger('silent') });
    app2 = svc2.runtime.createApp(moderation);
  });
  afterAll(async () => {
    await moderation.close();
    await svc2.close();
    await cms2.close();
  });

  const post = (id: string, body: string) => {
    const raw = JSON.stringify({ id, articleId: 'a-1', author: { id: 'u-1' }, body });
    return request(app2).post('/v1/sites/demo/comments').set('Content-Type', 'application/json').set('X-Signature', signatureHeader(SECRET, raw)).send(raw);
  };
  const status = async (id: string) => (await asModerator(request(app2).get(`/v1/sites/demo/comments/${id}`))).body.status as string;
  const decided = (id: string) => waitFor(async () => ((await status(id)) !== 'queued' ? true : undefined), `decision of ${id}`);

  it('signs callbacks with every active secret while a site rotates', async () => {
    await post('r-1', 'Thanks for the clear report on the bridge.');
    const got = await waitFor(() => cms2.received.find((r) => (r.payload.comment as { id: string }).id === 'r-1'), 'callback');
    expect(got.header.match(/v1=/g)).toHaveLength(2);
    expect(got.signatureOk).toBe(true); // the CMS knows only the new secret
    expect(verifySignature(got.header, Buffer.from(JSON.stringify(got.payload)), [SECRET], 300).ok).toBe(true); // or only the old one
  });

  it('delivers every event of a comment in order after a CMS outage, the last one matching the stored status', async () => {
    cms2.state.status = 503;
    const ids = ['o-1', 'o-2', 'o-3', 'o-4'];
    for (const id of ids) expect((await post(id, `First version of ${id}: the harbour plan is fine.`)).status).toBe(202);
    for (const id of ids) await decided(id);
    for (const id of ids) expect((await post(id, `Edited ${id}: the harbour plan costs too much.`)).status).toBe(202);
    for (const id of ids) await waitFor(async () => ((await asModerator(request(app2).get(`/v1/sites/demo/comments/${id}`))).body.history.filter((h: { event: string }) => h.event === 'decided').length === 2 ? true : undefined), `second decision of ${id}`);
    for (const id of ids.slice(0, 2)) {
      const rejected = await asModerator(request(app2).post(`/v1/sites/demo/moderation/queue/${id}/reject`).send({ reasonCode: 'SPAM' }));
      expect(rejected.status).toBeLessThan(300);
    }
    await new Promise((r) => setTimeout(r, 300)); // a few failed rounds while the CMS is down
    cms2.state.status = 204;
    for (const id of ids) {
      const expected = ids.indexOf(id) < 2 ? 3 : 2;
      const events = await waitFor(() => {
        const got = cms2.received.filter((r) => (r.payload.comment as { id: string }).id === id);
        return got.length >= expected ? got : undefined;
      }, `events of ${id}`);
      expect(events.map((e) => e.payload.sequence)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
      expect(new Set(events.map((e) => e.payload.eventId)).size).toBe(expected);
      expect(events.at(-1)!.payload.status).toBe(await status(id));
    }
  }, 60_000);

  it('dead-letters an event whose deliveries were interrupted too often (the dispatcher died mid-delivery)', async () => {
    const outbox = new Outbox(svc2.runtime.apiRedis, svc2.runtime.keys);
    await outbox.enqueueEvent('other-site', { subject: 'u:x', body: { type: 'user.moderated', site: 'other-site', author: { id: 'x' } } });
    // Three claims never settled (a dispatcher that dies each time): the fourth claim gives up.
    for (let i = 0; i < 3; i++) expect((await outbox.claim('other-site', { limit: 10, leaseMs: 0, maxAttempts: 3 })).claimed).toHaveLength(1);
    const last = await outbox.claim('other-site', { limit: 10, leaseMs: 0, maxAttempts: 3 });
    expect(last.claimed).toHaveLength(0);
    expect(last.deadLettered).toHaveLength(1);
    const [dead] = await svc2.runtime.apiStores.deadLetters.list('other-site');
    expect(dead).toMatchObject({ subject: 'u:x', attempts: 3, error: expect.stringMatching(/stopped mid-delivery/), payload: { type: 'user.moderated', sequence: 1 } });
  });

  it('flags for a person a comment whose job stalled past the limit, and counts it', async () => {
    const queue = svc2.runtime.queue.queue;
    await svc2.runtime.apiStores.comments.ingest('demo', { id: 'st-1', articleId: 'a-1', author: { id: 'u-1' }, body: 'A comment whose worker keeps dying.' }, 'b'.repeat(32), new Date());
    // A job that already stalled twice (two workers died holding it): BullMQ fails it the next time it is taken.
    const job = await queue.add('moderate', { site: 'demo', commentId: 'st-1', bodyHash: 'b'.repeat(32) }, { jobId: 'stalled-1', attempts: 8, delay: 1_000 });
    await svc2.runtime.apiRedis.hset(`${svc2.runtime.keys.queuePrefix(0)}:moderation:${job.id}`, 'defa', 'job stalled more than allowable limit');
    await waitFor(async () => ((await status('st-1')) === 'flagged' ? true : undefined), 'flagged comment');
    const record = (await asModerator(request(app2).get('/v1/sites/demo/comments/st-1'))).body;
    expect(JSON.stringify(record)).toMatch(/PREMODERATION/);
    expect(await job.getState()).toBe('failed');
    expect((await request(app2).get('/metrics')).text).toMatch(/moderation_jobs_given_up_total\{site="demo",reason="stalled"\} 1/);
  });
});
