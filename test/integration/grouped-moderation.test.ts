/**
 * Several comments per moderation job, on the real Redis and the real workers: comments stored close
 * together share a job, a request answers only once its comment's job is queued, each comment is
 * decided exactly once (also when a group runs again), a moderator's decision stands, and one comment
 * that cannot be judged does not keep the others of its group from their decisions.
 */
import Redis from 'ioredis';
import type { Job } from 'bullmq';
import { groupBySite } from '../../src/infra/moderation-jobs';
import { commentSubject } from '../../src/infra/outbox';
import { moderationJob, type ModerationPayload } from '../../src/infra/queues';
import { bodyHash } from '../../src/moderation/record';
import { decisionWrite } from '../../src/use-cases/decision-write';
import { submitComments } from '../../src/use-cases/submit-comment';
import { signed } from '../security/signed-request';
import { REDIS_URL, startService, waitFor, type TestService } from './harness';

let svc: TestService;
let redis: Redis;

beforeAll(async () => {
  svc = await startService({
    name: 'grouped',
    workers: false,
    // A wide window so that concurrent test requests surely meet; two attempts so a retry is quick.
    overrides: { worker: { groupWindowMs: 50, groupMax: 8, attempts: 2, backoffMs: 10 }, sites: [{ id: 'demo', webhookSecrets: ['grouped-secret-1'] }] },
  });
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  redis.disconnect();
  await svc.close();
});

const comment = (id: string, articleId = 'art-g') => ({ id, articleId, author: { id: `reader-${id}` }, body: `A considered view on the ferry timetable (${id}).` });
const post = (payload: unknown) => signed(svc.app, 'POST', '/v1/sites/demo/comments', 'grouped-secret-1', JSON.stringify(payload));

async function waitingJobs(): Promise<Array<Job<ModerationPayload>>> {
  return (await svc.runtime.queue.queue.getJobs(['waiting', 'prioritized', 'delayed'])).filter(Boolean);
}
const idsOf = (data: ModerationPayload) => ('comments' in data ? data.comments.map((c) => c.id) : [data.commentId]);

async function record(id: string) {
  return svc.runtime.apiStores.comments.get('demo', id);
}
const decided = (id: string) => waitFor(async () => {
  const r = await record(id);
  return r && r.status !== 'queued' ? r : undefined;
}, `decision for ${id}`, 20_000);

/** How many events the outbox ever gave this comment (its last sequence number, kept in its hash). */
const eventsOf = async (id: string) => Number((await redis.hget(svc.runtime.keys.comment('demo', id), 'sq')) ?? 0);

it('cuts a list of comments into groups of one site each, at most the cap long', () => {
  const ref = (site: string, n: number) => ({ site, commentId: `${site}-${n}`, bodyHash: 'a'.repeat(32) });
  const groups = groupBySite([ref('a', 1), ref('b', 1), ref('a', 2), ref('a', 3), ref('b', 2)], 2);
  expect(groups.map((g) => g.map((r) => r.commentId))).toEqual([['a-1', 'a-2'], ['b-1', 'b-2'], ['a-3']]);
  expect(moderationJob([ref('a', 1)]).data).toEqual(ref('a', 1)); // a group of one keeps the original format
  expect(moderationJob([ref('a', 1), ref('a', 2)]).data).toEqual({ site: 'a', comments: [{ id: 'a-1', bodyHash: 'a'.repeat(32) }, { id: 'a-2', bodyHash: 'a'.repeat(32) }] });
});

it('queues concurrent webhooks as shared jobs, answers each only once its job is queued, and decides each comment once', async () => {
  const ids = Array.from({ length: 24 }, (_, i) => `g-${i}`);
  const queuedWhenAnswered = new Map<string, boolean>();
  await Promise.all(
    ids.map(async (id) => {
      const res = await post(comment(id));
      expect(res.status).toBe(202);
      queuedWhenAnswered.set(id, (await waitingJobs()).some((j) => idsOf(j.data).includes(id)));
    }),
  );
  expect([...queuedWhenAnswered.values()].every(Boolean)).toBe(true);

  const jobs = await waitingJobs();
  const queuedIds = jobs.flatMap((j) => idsOf(j.data));
  expect(queuedIds.sort()).toEqual([...ids].sort()); // every comment in exactly one job
  expect(jobs.length).toBeLessThan(ids.length); // some share a job
  expect(Math.max(...jobs.map((j) => idsOf(j.data).length))).toBeLessThanOrEqual(8);

  svc.runtime.startWorkers();
  for (const id of ids) {
    const r = await decided(id);
    expect(r.decision).toMatchObject({ decidedBy: 'auto' });
    expect(r.history.filter((h) => h.event === 'decided')).toHaveLength(1);
    expect(await eventsOf(id)).toBe(1);
  }
}, 40_000);

it('cuts a batch into jobs of at most the cap', async () => {
  const before = await svc.runtime.queue.getJobCounts('completed', 'active', 'waiting');
  const ids = Array.from({ length: 20 }, (_, i) => `b-${i}`);
  const outcomes = await submitComments('demo', ids.map((id) => comment(id)), { ...svc.runtime.apiStores, jobs: svc.runtime.jobs, now: () => new Date() });
  expect(outcomes.every((o) => o.ok)).toBe(true);
  for (const id of ids) expect((await decided(id)).history.filter((h) => h.event === 'decided')).toHaveLength(1);
  const after = await waitFor(async () => {
    const c = await svc.runtime.queue.getJobCounts('completed', 'active', 'waiting');
    return c.completed - before.completed >= 3 && !c.active && !c.waiting ? c : undefined;
  }, 'the batch jobs to complete');
  expect(after.completed - before.completed).toBe(3); // 8 + 8 + 4
}, 30_000);

it('runs a group again without deciding anything twice, and leaves a moderator decision in place', async () => {
  const ids = ['r-1', 'r-2', 'r-3'];
  await Promise.all(ids.map((id) => post(comment(id)).expect(202)));
  const first = await Promise.all(ids.map(decided));
  // A moderator overturns r-2 after the automatic decision.
  const r2 = first[1];
  const moderatorDecision = { ...r2.decision!, status: 'rejected' as const, decidedBy: 'desk-moderator', decidedAt: new Date().toISOString() };
  const applied = await svc.runtime.apiStores.comments.applyDecision(decisionWrite(svc.runtime.keys, r2, moderatorDecision, { mode: 'moderator', event: 'moderated', by: 'desk-moderator', codes: [] }));
  expect(applied.outcome).toBe('applied');

  const group = moderationJob(first.map((r) => ({ site: 'demo', commentId: r.comment.id, bodyHash: r.bodyHash })));
  const job = await svc.runtime.queue.queue.add('moderate', group.data, { jobId: `${group.jobId}-again` });
  const outcome = await waitFor(async () => ((await job.getState()) === 'completed' ? (await svc.runtime.queue.queue.getJob(job.id!))?.returnvalue : undefined), 'the re-run');
  expect(outcome).toEqual({ duplicate: 2, moderated: 1 });
  for (const id of ids) {
    const r = (await record(id))!;
    expect(r.history.filter((h) => h.event === 'decided')).toHaveLength(1);
  }
  expect((await record('r-2'))!.decision).toMatchObject({ status: 'rejected', decidedBy: 'desk-moderator' });
  expect(await eventsOf('r-1')).toBe(1);
  expect(await eventsOf('r-2')).toBe(2); // the automatic decision and the moderator's, nothing more
}, 30_000);

it('decides the rest of a group when one comment cannot be judged, and flags that one for a person after the last attempt', async () => {
  const good = ['x-1', 'x-2'];
  const refs = [comment('x-1'), comment('x-bad', 'art-broken'), comment('x-2')].map((c) => ({ c, ref: { site: 'demo', commentId: c.id, bodyHash: bodyHash(c.body) } }));
  for (const { c, ref } of refs) expect((await svc.runtime.apiStores.comments.ingest('demo', c, ref.bodyHash, new Date())).status).toBe('queued');
  // Bad data: the broken article's thread list is not a list, so loading x-bad's context fails every time.
  const thread = svc.runtime.keys.articleThread('demo', 'art-broken');
  await redis.del(thread);
  await redis.set(thread, 'not a list');

  const group = moderationJob(refs.map((r) => r.ref));
  const job = await svc.runtime.queue.queue.add('moderate', group.data, { jobId: group.jobId, attempts: 2, backoff: { type: 'fixed', delay: 10 } });
  const outcome = await waitFor(async () => ((await job.getState()) === 'completed' ? (await svc.runtime.queue.queue.getJob(job.id!))?.returnvalue : undefined), 'the group to complete', 20_000);
  // First attempt: x-1 and x-2 decided, the job failed for x-bad; second and last: x-bad given up on.
  expect(outcome).toEqual({ duplicate: 2, 'given-up': 1 });
  for (const id of good) {
    const r = (await record(id))!;
    expect(r.decision?.reasons.map((x) => x.code)).not.toContain('PREMODERATION');
    expect(r.history.filter((h) => h.event === 'decided')).toHaveLength(1);
  }
  const bad = (await record('x-bad'))!;
  expect(bad.status).toBe('flagged');
  expect(bad.decision!.reasons[0]).toMatchObject({ code: 'PREMODERATION', message: expect.stringMatching(/WRONGTYPE/) });
}, 30_000);

it('writes a group of decisions in one call, refusing only the one whose key has the wrong type', async () => {
  const store = svc.runtime.apiStores.comments;
  const ids = ['w-1', 'w-bad', 'w-2'];
  for (const id of ids) await store.ingest('demo', comment(id), bodyHash(comment(id).body), new Date());
  // Another type where w-bad's pending CMS events belong: its decision must not be half-written.
  await redis.set(svc.runtime.keys.outbox('demo', commentSubject('w-bad')), 'junk');
  const records = await Promise.all(ids.map(async (id) => (await store.getCurrent('demo', id))!));
  const at = new Date().toISOString();
  const writes = records.map((r) =>
    decisionWrite(svc.runtime.keys, r, { status: 'approved', reasons: [], scores: {}, decidedBy: 'auto', decidedAt: at, bodyHash: r.bodyHash, modelVersion: 'm', policyVersion: 'p', provider: 'local' }, { mode: 'auto', event: 'decided', by: 'auto', codes: [] }),
  );
  const answers = await store.applyDecisions(writes);
  expect(answers[0]).toMatchObject({ outcome: 'applied', previous: 'queued', sequence: 1 });
  expect(answers[1]).toBeInstanceOf(Error);
  expect((answers[1] as Error).message).toMatch(/WRONGKEYTYPE .* is not a list/);
  expect(answers[2]).toMatchObject({ outcome: 'applied', sequence: 1 });
  const bad = (await store.get('demo', 'w-bad'))!;
  expect(bad.status).toBe('queued');
  expect(bad.history.map((h) => h.event)).toEqual(['received']);
  expect((await store.get('demo', 'w-2'))!.status).toBe('approved');
});

it('stores a batch in shared script calls, refusing only the item whose key has the wrong type', async () => {
  await redis.set(svc.runtime.keys.authorComments('demo', 'reader-k-bad'), 'junk');
  const items = ['k-1', 'k-bad', 'k-2'].map((id) => comment(id, 'art-k'));
  const res = await signed(svc.app, 'POST', '/v1/sites/demo/comments/batch', 'grouped-secret-1', JSON.stringify({ comments: items }));
  expect(res.status).toBe(202);
  expect(res.body.results.map((r: { id: string; status: number }) => [r.id, r.status])).toEqual([['k-1', 202], ['k-bad', 409], ['k-2', 202]]);
  expect(res.body.results[1].error.code).toBe('key_conflict');
  expect(await redis.exists(svc.runtime.keys.comment('demo', 'k-bad'))).toBe(0);
  const history = (await record('k-1'))!.history[0];
  expect(history).toEqual({ at: expect.any(String), event: 'received', by: 'cms', to: 'queued', bodyHash: bodyHash(items[0].body) });
  for (const id of ['k-1', 'k-2']) expect((await decided(id)).history.filter((h) => h.event === 'decided')).toHaveLength(1);
});

it('keeps an approved comment in the Approved listing without storing the index in its hash; an edit and an erasure take it out', async () => {
  const store = svc.runtime.apiStores.comments;
  const keys = svc.runtime.keys;
  const approve = async (id: string) => {
    const r = (await store.getCurrent('demo', id))!;
    const d = { status: 'approved' as const, reasons: [], scores: {}, decidedBy: 'auto', decidedAt: new Date().toISOString(), bodyHash: r.bodyHash, modelVersion: 'm', policyVersion: 'p', provider: 'local' };
    expect((await store.applyDecision(decisionWrite(keys, r, d, { mode: 'auto', event: 'decided', by: 'auto', codes: [] }))).outcome).toBe('applied');
  };
  const listed = async () => (await redis.zscore(keys.decidedByStatus('demo', 'approved'), 'q-1')) !== null;
  const c = comment('q-1');
  await store.ingest('demo', c, bodyHash(c.body), new Date());
  await approve('q-1');
  expect(await listed()).toBe(true);
  expect(await redis.hexists(keys.comment('demo', 'q-1'), 'qidx')).toBe(0);

  const edited = { ...c, body: `${c.body} (edited)` };
  expect((await store.ingest('demo', edited, bodyHash(edited.body), new Date())).outcome).toBe('edited');
  expect(await listed()).toBe(false);

  await approve('q-1');
  expect(await listed()).toBe(true);
  expect(await svc.runtime.apiStores.erasures.eraseComment('demo', 'q-1')).toBe(true);
  expect(await listed()).toBe(false);
});
