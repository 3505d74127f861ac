/**
 * Fault tests with real processes (npm run test:faults): a private redis-server with AOF, the API
 * and worker processes, a CMS receiver on loopback. Each scenario uses its own key prefix; every
 * process is stopped at the end, also when a test fails.
 *  (a) kill -9 of a worker mid-burst: every accepted comment has exactly one decision; each event
 *      id reaches the CMS, de-duplicated, once per decision.
 *  (b) Redis killed and restarted from its AOF mid-burst: nothing accepted is lost; 503 with
 *      Retry-After and a failing /readyz while it is down; both recover by themselves.
 *  (c) CMS down while comments are edited and moderators decide: every event arrives, in sequence,
 *      and the last one per comment is the stored status.
 *  (d) a worker killed again and again on the same job: the comment ends flagged for a person and
 *      its callback in the dead-letter list, both logged for alerting.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type Redis from 'ioredis';
import { sha256Hex } from '../../config';
import { CmsClient } from '../../src/client/cms-client';
import { CommentStore } from '../../src/infra/comment-store';
import { createKeys } from '../../src/infra/keys';
import { signatureHeader } from '../../src/security/signature';
import { freePort, Receiver, Rig, until, type ServiceProcess } from './processes';

const SECRET = 'fault-test-secret';
const TOKEN = 'fault-test-moderator-token';
const ABUSE = ['You are a stupid idiot and everyone knows it.', 'Shut up, you pathetic moron.'];
const CALM = ['The ferry timetable change makes sense to me.', 'Interesting numbers on the harbour budget.', 'I agree with the council on the new cycle lane.'];

jest.setTimeout(240_000);

const rig = new Rig();
const receiver = new Receiver([SECRET]);
let redis: Redis;

beforeAll(async () => {
  await rig.startRedis();
  await receiver.up();
  redis = rig.redis();
}, 60_000);

afterAll(async () => {
  await receiver.down();
  await rig.stopAll();
});


function siteConfig(extra: Record<string, unknown> = {}) {
  const sites = (extra.sites as Array<{ id: string }> | undefined) ?? [{ id: 'demo', webhookSecrets: [SECRET], callbackUrl: receiver.url }];
  return {
    http: { host: '127.0.0.1' },
    worker: { concurrency: 8, lockDurationMs: 2_000, stalledIntervalMs: 1_000, backoffMs: 100, attempts: 5 },
    callbacks: { attempts: 10, backoffMs: 100, timeoutMs: 2_000, pollMs: 50, concurrency: 32 },
    ...extra,
    sites,
    moderators: [{ name: 'fault-moderator', tokenSha256: sha256Hex(TOKEN), sites: sites.map((s) => s.id) }],
  };
}

const body = (i: number, abusive = i % 4 === 0) => `${(abusive ? ABUSE : CALM)[i % (abusive ? ABUSE.length : CALM.length)]} (#${i})`;

/** Posts comments with `lanes` requests in flight; resolves to the ids answered 202. */
async function burst(client: CmsClient, ids: string[], bodyOf: (id: string, i: number) => string, lanes = 16, statuses?: Map<number, number>): Promise<string[]> {
  const accepted: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < ids.length) {
        const i = next++;
        const res = await client.postComment({ id: ids[i], articleId: 'fault-article', author: { id: `author-${i % 37}` }, body: bodyOf(ids[i], i) }).catch(() => ({ status: 0 }));
        statuses?.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 202) accepted.push(ids[i]);
      }
    }),
  );
  return accepted;
}

/** Waits until none of `ids` is queued; returns their records (with history). */
async function allDecided(prefix: string, ids: string[], timeoutMs = 120_000) {
  const store = new CommentStore(redis, createKeys(prefix));
  return until(async () => {
    const records = await Promise.all(ids.map((id) => store.get('demo', id)));
    return records.every((r) => r && r.status !== 'queued') ? records.map((r) => r!) : undefined;
  }, `${ids.length} decisions`, timeoutMs, 250);
}

const outboxDrained = (prefix: string, site = 'demo') => until(async () => (await redis.zcard(createKeys(prefix).outboxDue(site))) === 0, 'the outbox to drain', 120_000, 200);

it('(a) a worker killed with -9 mid-burst: every accepted comment is decided once; each event reaches the CMS', async () => {
  const prefix = '{fa}';
  const config = rig.writeConfig('a', siteConfig());
  const api = await rig.start('api', config, prefix);
  const w1 = await rig.start('worker', config, prefix);
  await rig.start('worker', config, prefix);
  const client = new CmsClient({ baseUrl: api.url!, site: 'demo', secret: SECRET });
  const ids = Array.from({ length: 400 }, (_, i) => `a-${i}`);
  const stats = createKeys(prefix).stats('demo');

  const posting = burst(client, ids, (_id, i) => body(i));
  // Kill one worker once a good part of the burst is being decided (it holds jobs at that moment).
  await until(async () => Object.values(await redis.hgetall(stats)).reduce((a, b) => a + Number(b), 0) >= 80, 'decisions to start');
  await rig.kill(w1);
  const accepted = await posting;
  expect(accepted).toHaveLength(ids.length);

  const records = await allDecided(prefix, accepted);
  for (const r of records) expect(r.history.filter((h) => h.event === 'decided')).toHaveLength(1);
  await outboxDrained(prefix);
  const mine = receiver.events.filter((e) => e.commentId.startsWith('a-'));
  const unique = receiver.unique().filter((e) => e.commentId.startsWith('a-'));
  expect(unique).toHaveLength(accepted.length);
  expect(new Set(unique.map((e) => e.commentId)).size).toBe(accepted.length);
  const status = new Map(records.map((r) => [r.comment.id, r.status]));
  for (const e of unique) expect(e).toMatchObject({ sequence: 1, status: status.get(e.commentId), signatureOk: true });
  const [, jobKeys] = await redis.scan('0', 'MATCH', `${createKeys(prefix).queuePrefix(0)}:moderation:*`, 'COUNT', 100_000);
  const stalled = (await Promise.all(jobKeys.map((k) => redis.hget(k, 'stc').catch(() => null)))).filter((n) => Number(n) > 0).length;
  process.stdout.write(`(a) ${accepted.length} accepted, ${records.length} decided once each; ${stalled} jobs taken over from the killed worker; ${mine.length} deliveries, ${mine.length - unique.length} duplicates removed by event id\n`);
  await rig.kill(api);
});

it('(b) Redis killed and restarted from its AOF mid-burst: nothing accepted is lost; 503 + Retry-After and /readyz fail meanwhile, then recover', async () => {
  const prefix = '{fb}';
  const config = rig.writeConfig('b', siteConfig());
  const api = await rig.start('api', config, prefix);
  await rig.start('worker', config, prefix);
  const client = new CmsClient({ baseUrl: api.url!, site: 'demo', secret: SECRET });
  const statuses = new Map<number, number>();
  const before = await burst(client, Array.from({ length: 150 }, (_, i) => `b-${i}`), (_id, i) => body(i), 16, statuses);

  const killedAt = Date.now();
  await rig.killRedis();
  // While Redis is down: refused with 503 and Retry-After, never 202; readiness fails.
  const during = await client.postComment({ id: 'b-down', articleId: 'fault-article', author: { id: 'x' }, body: 'Posted while Redis is down.' });
  expect(during.status).toBe(503);
  expect((await fetch(`${api.url}/readyz`)).status).toBe(503);
  const retryAfter = await (async () => {
    const payload = JSON.stringify({ id: 'b-down2', articleId: 'fault-article', author: { id: 'x' }, body: 'Also while down.' });
    const res = await fetch(`${api.url}/v1/sites/demo/comments`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signatureHeader(SECRET, payload) }, body: payload });
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  })();
  expect(retryAfter.status).toBe(503);
  expect(Number(retryAfter.retryAfter)).toBeGreaterThan(0);

  await rig.startRedis(); // same port and data dir: the AOF is replayed
  await until(async () => (await fetch(`${api.url}/readyz`)).status === 200, '/readyz to recover by itself', 60_000);
  const recoveredMs = Date.now() - killedAt;
  const after = await burst(client, Array.from({ length: 150 }, (_, i) => `b2-${i}`), (_id, i) => body(i), 16, statuses);
  expect(after.length).toBeGreaterThan(100);

  const accepted = [...before, ...after];
  const records = await allDecided(prefix, accepted);
  for (const r of records) expect(r.history.filter((h) => h.event === 'decided')).toHaveLength(1);
  await outboxDrained(prefix);
  const got = new Set(receiver.unique().map((e) => e.commentId));
  for (const id of accepted) expect(got.has(id)).toBe(true);
  process.stdout.write(`(b) ${accepted.length} accepted (${before.length} before the kill, ${after.length} after), all decided once and delivered; /readyz back ${recoveredMs} ms after the kill; answers ${JSON.stringify(Object.fromEntries(statuses))}\n`);
  await rig.kill(api);
});

it('(c) CMS down during edits and moderator decisions: every event arrives in sequence; the last one is the stored status', async () => {
  const prefix = '{fc}';
  const config = rig.writeConfig('c', siteConfig());
  await receiver.down();
  const api = await rig.start('api', config, prefix);
  await rig.start('worker', config, prefix);
  const client = new CmsClient({ baseUrl: api.url!, site: 'demo', secret: SECRET });
  const ids = Array.from({ length: 60 }, (_, i) => `c-${i}`);
  expect(await burst(client, ids, (_id, i) => body(i))).toHaveLength(ids.length);
  await allDecided(prefix, ids);
  // Edits: every comment changes text (abusive ones become calm and the other way round).
  expect(await burst(client, ids, (_id, i) => `Edited: ${body(i, i % 4 !== 0)}`)).toHaveLength(ids.length);
  const store = new CommentStore(redis, createKeys(prefix));
  await until(async () => (await Promise.all(ids.map((id) => store.get('demo', id)))).every((r) => r!.history.filter((h) => h.event === 'decided').length === 2), 'decisions of the edits', 120_000, 250);
  // Moderators reject a third of them.
  for (const id of ids.filter((_, i) => i % 3 === 0)) {
    const res = await fetch(`${api.url}/v1/sites/demo/moderation/queue/${id}/reject`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ reasonCode: 'SPAM' }) });
    expect(res.status).toBeLessThan(300);
  }
  await new Promise((r) => setTimeout(r, 3_000)); // the dispatcher keeps failing meanwhile
  const failuresWhileDown = receiver.events.filter((e) => e.commentId.startsWith('c-')).length;
  expect(failuresWhileDown).toBe(0);
  await receiver.up();

  await outboxDrained(prefix);
  const records = await Promise.all(ids.map((id) => store.get('demo', id)));
  let events = 0;
  for (const r of records) {
    const got = receiver.unique().filter((e) => e.commentId === r!.comment.id);
    const decisions = r!.history.filter((h) => h.event === 'decided' || h.event === 'moderated').length;
    expect(got.map((e) => e.sequence)).toEqual(Array.from({ length: decisions }, (_, i) => i + 1));
    expect(got.at(-1)!.status).toBe(r!.status);
    events += got.length;
  }
  const dead = await redis.hlen(createKeys(prefix).deadLetters('demo'));
  expect(dead).toBe(0);
  process.stdout.write(`(c) ${ids.length} comments, ${events} events delivered in sequence after the CMS came back; last event = stored status for all\n`);
  await rig.kill(api);
});

it('(d) a worker killed again and again on the same job: the comment ends flagged for a person, its callback dead-lettered', async () => {
  const prefix = '{fd}';
  // A Perspective stand-in that never answers: the job hangs in whichever worker takes it.
  const perspectiveCalls: number[] = [];
  const perspective = http.createServer(() => perspectiveCalls.push(Date.now()));
  const pPort = await freePort();
  await new Promise<void>((r) => perspective.listen(pPort, '127.0.0.1', () => r()));
  const hangs: number[] = [];
  receiver.hangOn = (e) => e.commentId === 'stuck-1';
  receiver.onHang = () => hangs.push(Date.now());
  try {
    const config = rig.writeConfig(
      'd',
      siteConfig({
        callbacks: { attempts: 3, backoffMs: 100, timeoutMs: 1_000, pollMs: 50 },
        perspective: { endpoint: `http://127.0.0.1:${pPort}/v1alpha1`, timeoutMs: 120_000, requestsPerSecond: 100, burst: 100, maxWaitMs: 100 },
        sites: [{ id: 'hang', webhookSecrets: [SECRET], callbackUrl: receiver.url, perspective: { mode: 'perspective' } }],
      }),
    );
    const env = { PERSPECTIVE_API_KEY: 'fault-test-key' };
    const api = await rig.start('api', config, prefix, env);
    let worker: ServiceProcess = await rig.start('worker', config, prefix, env);
    const client = new CmsClient({ baseUrl: api.url!, site: 'hang', secret: SECRET });
    expect((await client.postComment({ id: 'stuck-1', articleId: 'fault-article', author: { id: 'x' }, body: 'A comment whose worker keeps dying.' })).status).toBe(202);

    const keys = createKeys(prefix);
    const store = new CommentStore(redis, keys);
    let kills = 0;
    const done = async () => (await store.get('hang', 'stuck-1'))?.status === 'flagged' && (await redis.hlen(keys.deadLetters('hang'))) === 1;
    while (!(await done())) {
      expect(kills).toBeLessThan(10);
      // Kill the worker as soon as it holds the job (Perspective asked) or the callback (CMS asked):
      // each take asks once, so take number kills+1 is the one in flight now.
      const busy = await until(async () => (perspectiveCalls.length + hangs.length > kills ? true : (await done()) ? 'done' : undefined), `take ${kills + 1} (perspective calls ${perspectiveCalls.length}, callback hangs ${hangs.length}); log:\n${rig.logTail(30)}`, 60_000, 50);
      if (busy === 'done') break;
      await rig.kill(worker);
      kills++;
      worker = await rig.start('worker', config, prefix, env);
    }
    const record = (await store.get('hang', 'stuck-1'))!;
    expect(record.status).toBe('flagged');
    expect(record.decision!.reasons[0]).toMatchObject({ code: 'PREMODERATION', message: expect.stringMatching(/stalled/) });
    const [dead] = Object.values(await redis.hgetall(keys.deadLetters('hang'))).map((s) => JSON.parse(s));
    expect(dead).toMatchObject({ subject: 'c:stuck-1', attempts: 3, error: expect.stringMatching(/stopped mid-delivery/), payload: { status: 'flagged', sequence: 1 } });
    // The log lines to alert on (written just after the Redis writes the checks above saw).
    await until(() => /"alert":"moderation_given_up"/.test(readFileSync(rig.log, 'utf8')), 'the moderation_given_up log line', 10_000);
    await until(() => /"alert":"callback_dead_lettered"/.test(readFileSync(rig.log, 'utf8')), 'the callback_dead_lettered log line', 10_000);
    process.stdout.write(`(d) ${perspectiveCalls.length} moderation takes and ${hangs.length} callback takes killed (${kills} kills): comment flagged (PREMODERATION), callback dead-lettered\n`);
    await rig.kill(api);
    await rig.kill(worker);
  } finally {
    receiver.hangOn = undefined;
    perspective.closeAllConnections();
    await new Promise((r) => perspective.close(r));
  }
});
