/**
 * The outbox's bookkeeping on the real Redis: attempts counted per claim in the due set's score (no
 * counter of its own), per-subject order across claims and settles of many subjects at once, and the
 * counters that earlier versions kept (attempts hash, sequences hash) honoured and moved.
 */
import Redis from 'ioredis';
import { CommentStore } from '../../src/infra/comment-store';
import { createKeys } from '../../src/infra/keys';
import { commentSubject, Outbox } from '../../src/infra/outbox';
import { bodyHash, type CommentRecord, type Decision } from '../../src/moderation/record';
import { decisionWrite } from '../../src/use-cases/decision-write';
import { deleteKeys, REDIS_URL, uniquePrefix } from './harness';

const prefix = uniquePrefix('outbox');
const keys = createKeys(prefix);
const site = 'demo';
let redis: Redis;
let clock = Date.parse('2026-01-05T10:00:00Z');
let outbox: Outbox;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  outbox = new Outbox(redis, keys, () => new Date(clock));
});
afterAll(async () => {
  redis.disconnect();
  await deleteKeys(prefix);
});

const claimOpts = { limit: 100, leaseMs: 1_000, maxAttempts: 3 };
const event = (n: number) => ({ type: 'test.event', site, n });

it('counts an attempt per claim, so deliveries cut short by a dying dispatcher end in the dead-letter hash after the last one', async () => {
  const subject = 'u:cut-short';
  await outbox.enqueueEvent(site, { subject, body: event(1) });
  await outbox.enqueueEvent(site, { subject, body: event(2) });
  for (let attempt = 1; attempt <= 3; attempt++) {
    const { claimed } = await outbox.claim(site, claimOpts);
    expect(claimed.filter((c) => c.subject === subject).map((c) => [JSON.parse(c.raw).n, c.attempt])).toEqual([[1, attempt]]);
    // Leased: nobody else gets it until the lease ends (no settle: the dispatcher died).
    expect((await outbox.claim(site, claimOpts)).claimed.some((c) => c.subject === subject)).toBe(false);
    clock += 1_001;
  }
  const { claimed, deadLettered } = await outbox.claim(site, claimOpts);
  expect(deadLettered).toHaveLength(1);
  expect(claimed.filter((c) => c.subject === subject).map((c) => [JSON.parse(c.raw).n, c.attempt])).toEqual([[2, 1]]);
  expect(await redis.exists(keys.outboxAttempts(site))).toBe(0);
  expect(JSON.parse((await redis.hget(keys.deadLetters(site), deadLettered[0]))!)).toMatchObject({ subject, attempts: 3, payload: { n: 1, sequence: 1 } });
  await outbox.settle(site, [{ subject, eventId: claimed[0].eventId, ok: true, retryAt: 0 }], 3);
  expect(await redis.zscore(keys.outboxDue(site), subject)).toBeNull();
});

it('keeps each subject in order while settling many subjects in one call: delivered, retried with its count, and dead-lettered', async () => {
  const subjects = ['u:a', 'u:b', 'u:c'];
  for (const s of subjects) for (const n of [1, 2]) await outbox.enqueueEvent(site, { subject: s, body: event(n) });
  let { claimed } = await outbox.claim(site, claimOpts);
  expect(claimed.map((c) => [c.subject, JSON.parse(c.raw).n])).toEqual(subjects.map((s) => [s, 1]));
  const retryAt = clock + 500;
  const outcomes = await outbox.settle(site, claimed.map((c) => ({ subject: c.subject, eventId: c.eventId, ok: c.subject === 'u:a', retryAt, error: 'HTTP 500' })), 3);
  expect(outcomes).toEqual(['delivered', 'retry', 'retry']);
  // u:a's next event is due now; the others wait for their retry.
  ({ claimed } = await outbox.claim(site, claimOpts));
  expect(claimed.map((c) => [c.subject, JSON.parse(c.raw).n, c.attempt])).toEqual([['u:a', 2, 1]]);
  await outbox.settle(site, [{ subject: 'u:a', eventId: claimed[0].eventId, ok: true, retryAt: 0 }], 3);
  clock = retryAt + 1;
  ({ claimed } = await outbox.claim(site, claimOpts));
  expect(claimed.map((c) => [c.subject, JSON.parse(c.raw).n, c.attempt])).toEqual([['u:b', 1, 2], ['u:c', 1, 2]]);
  const last = await outbox.settle(site, claimed.map((c) => ({ subject: c.subject, eventId: c.eventId, ok: c.subject === 'u:b', retryAt: clock, error: 'HTTP 500' })), 2);
  expect(last).toEqual(['delivered', 'dead-lettered']);
  ({ claimed } = await outbox.claim(site, claimOpts));
  expect(claimed.map((c) => [c.subject, JSON.parse(c.raw).n, c.attempt])).toEqual([['u:b', 2, 1], ['u:c', 2, 1]]);
  expect(await outbox.settle(site, claimed.map((c) => ({ subject: c.subject, eventId: c.eventId, ok: true, retryAt: 0 })), 3)).toEqual(['delivered', 'delivered']);
  expect(await outbox.pending(site)).toBe(0);
});

it('honours the attempts an earlier version counted in the attempts hash, and moves them into the due set', async () => {
  const subject = 'u:legacy-attempts';
  await outbox.enqueueEvent(site, { subject, body: event(1) });
  await redis.hset(keys.outboxAttempts(site), subject, 2); // two attempts started before the upgrade
  const { claimed } = await outbox.claim(site, claimOpts);
  expect(claimed.find((c) => c.subject === subject)?.attempt).toBe(3);
  expect(await redis.hexists(keys.outboxAttempts(site), subject)).toBe(0);
  const [outcome] = await outbox.settle(site, [{ subject, eventId: claimed[0].eventId, ok: false, retryAt: clock, error: 'HTTP 503' }], 3);
  expect(outcome).toBe('dead-lettered');
});

describe("a comment's sequence", () => {
  const store = () => new CommentStore(redis, keys);
  const comment = (id: string) => ({ id, articleId: 'art-seq', author: { id: 'reader-seq' }, body: `Fair point about the ferry (${id}).` });
  const decision = (r: CommentRecord, status: Decision['status']): Decision => ({ status, reasons: [], scores: {}, decidedBy: 'auto', decidedAt: new Date(clock).toISOString(), bodyHash: r.bodyHash, modelVersion: 'm', policyVersion: 'p', provider: 'local' });
  const decide = async (id: string, mode: 'auto' | 'moderator' = 'auto', status: Decision['status'] = 'approved') => {
    const r = (await store().getCurrent(site, id))!;
    return store().applyDecision(decisionWrite(keys, r, decision(r, status), { mode, event: mode === 'auto' ? 'decided' : 'moderated', by: mode, codes: [] }));
  };

  it('is kept in the comment hash and goes on across decisions and other events of the comment', async () => {
    const c = comment('sq-1');
    await store().ingest(site, c, bodyHash(c.body), new Date(clock));
    expect((await decide('sq-1')).sequence).toBe(1);
    expect((await decide('sq-1', 'moderator', 'rejected')).sequence).toBe(2);
    expect((await outbox.enqueueEvent(site, { subject: commentSubject('sq-1'), body: event(3) })).sequence).toBe(3);
    expect(await redis.hget(keys.comment(site, 'sq-1'), 'sq')).toBe('3');
    expect(await redis.hexists(keys.eventSequences(site), commentSubject('sq-1'))).toBe(0);
    expect((await outbox.pendingEvents(site, commentSubject('sq-1'))).map((e) => e.sequence)).toEqual([1, 2, 3]);
  });

  it("of a comment stored by an earlier version goes on from the site's sequences hash, and moves into the comment hash", async () => {
    const c = comment('sq-old');
    await store().ingest(site, c, bodyHash(c.body), new Date(clock));
    // As the previous version left it: no 'sq' field, its last event numbered in the sequences hash.
    await redis.hdel(keys.comment(site, 'sq-old'), 'sq');
    await redis.hset(keys.eventSequences(site), commentSubject('sq-old'), 4);
    expect((await decide('sq-old')).sequence).toBe(5);
    expect(await redis.hget(keys.comment(site, 'sq-old'), 'sq')).toBe('5');
    expect(await redis.hexists(keys.eventSequences(site), commentSubject('sq-old'))).toBe(0);
    expect((await outbox.enqueueEvent(site, { subject: commentSubject('sq-old'), body: event(6) })).sequence).toBe(6);
  });
});

it('takes a subject again in the very millisecond its lease ends, whatever attempts its score counts', async () => {
  const subject = 'u:zero-lease';
  const site = 'zero-lease'; // a site of its own: nothing else due
  await outbox.enqueueEvent(site, { subject, body: event(1) });
  for (let attempt = 1; attempt <= 3; attempt++) {
    const { claimed } = await outbox.claim(site, { ...claimOpts, leaseMs: 0 });
    expect(claimed.find((c) => c.subject === subject)?.attempt).toBe(attempt);
  }
  expect((await outbox.claim(site, { ...claimOpts, leaseMs: 0 })).deadLettered).toHaveLength(1);
});
