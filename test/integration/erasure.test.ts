/**
 * Erasure and retention: erasing a comment or an author leaves nothing in Redis that names them
 * (beyond BullMQ's bounded job records), keeps anonymised labels only where the site allows, and
 * writes an audit record; the retention sweep erases decided comments past their time and keeps
 * those waiting for a moderator. An edit that changes articleId moves the comment's thread.
 */
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { ErasureStore } from '../../src/infra/erasure-store';
import { keyBase } from '../../src/infra/keys';
import { sweepRetention } from '../../src/use-cases/erase';
import { moderatorApi } from '../support/moderator-api';
import request from 'supertest';
import { startTestService, TOKENS, waitFor, type TestService } from '../support/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ name: 'erasure' });
});
afterAll(() => svc.close());

const ABUSE = 'You are a stupid idiot and everyone knows it.';
const decided = (id: string) =>
  waitFor(async () => {
    const r = await svc.cms().getComment(id);
    return r.body.status && r.body.status !== 'queued' ? r.body : undefined;
  }, `decision of ${id}`);

/** Every key under the prefix with its content as text (BullMQ's own keys left out). */
async function dump(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyBase(prefix)}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      if (/^[^:]+:\{q\d+\}:/.test(key)) continue; // BullMQ's queue shards
      const type = await redis.type(key);
      const value =
        type === 'hash' ? await redis.hgetall(key) : type === 'list' ? await redis.lrange(key, 0, -1) : type === 'set' ? await redis.smembers(key) : type === 'zset' ? await redis.zrange(key, '0', '-1') : type === 'stream' ? await redis.xrange(key, '-', '+') : await redis.get(key);
      out.set(key, JSON.stringify(value));
    }
  } while (cursor !== '0');
  return out;
}

const mentions = (all: Map<string, string>, needle: string) => [...all].filter(([k, v]) => k.includes(needle) || v.includes(needle)).map(([k]) => k);

it('erases everything of an author: comments, history, indexes, author record, claims, events, labels; with an audit record', async () => {
  const cms = svc.cms();
  const author = { id: 'eraseme-author', name: 'Erase Me' };
  await cms.postComment({ id: 'eraseme-1', articleId: 'art-e', author, body: ABUSE });
  await cms.postComment({ id: 'eraseme-2', articleId: 'art-e', author, body: 'A calm remark about the ferry timetable.' });
  await cms.postComment({ id: 'keep-1', articleId: 'art-e', author: { id: 'someone-else' }, body: 'Another calm remark about the ferry.' });
  for (const id of ['eraseme-1', 'eraseme-2', 'keep-1']) await decided(id);
  // A moderator rejects one (a labelled example) and claims nothing else; an edit re-queues the other.
  expect((await moderatorApi(svc).post('/queue/eraseme-1/reject', { reasonCode: 'INSULT' })).status).toBeLessThan(300);
  await waitFor(() => (svc.receiver.received.filter((r) => r.payload?.comment.id === 'eraseme-1').length >= 2 ? true : undefined), 'callbacks');
  expect(mentions(await dump(svc.redis, svc.prefix), 'eraseme').length).toBeGreaterThan(5);

  const res = await cms.eraseAuthor(author.id);
  expect(res.status).toBe(200);
  expect(res.body.erased).toMatchObject({ comments: 2, labelsErased: 1, labelsAnonymised: 0 });

  const left = await dump(svc.redis, svc.prefix);
  expect(mentions(left, 'eraseme')).toEqual([]);
  expect(mentions(left, 'keep-1').length).toBeGreaterThan(0); // someone else's comment stays
  expect((await cms.getComment('eraseme-1')).status).toBe(404);
  const [audit] = await new ErasureStore(svc.redis, svc.runtime.keys).audits('demo');
  expect(audit).toMatchObject({ kind: 'author', by: 'cms', comments: 2, idSha256: createHash('sha256').update(author.id).digest('hex') });
});

it('erases one comment on request, idempotently', async () => {
  const cms = svc.cms();
  await cms.postComment({ id: 'one-1', articleId: 'art-e', author: { id: 'a-one' }, body: 'Nice photos of the harbour.' });
  await decided('one-1');
  expect((await cms.eraseComment('one-1')).body.erased).toMatchObject({ comments: 1 });
  expect(mentions(await dump(svc.redis, svc.prefix), 'one-1')).toEqual([]);
  expect((await cms.eraseComment('one-1')).body.erased).toMatchObject({ comments: 0 });
  // A moderator may erase too; the audit names who did.
  const byModerator = await request(svc.app).delete('/v1/sites/demo/comments/one-1').set('Authorization', `Bearer ${TOKENS.demo}`);
  expect(byModerator.status).toBe(200);
  expect((await new ErasureStore(svc.redis, svc.runtime.keys).audits('demo'))[0]).toMatchObject({ kind: 'comment', by: 'demo-moderator', comments: 0 });
  expect((await request(svc.app).delete('/v1/sites/demo/comments/one-1')).status).toBe(401);
});

it('takes an erased comment out of the posters of its text, whether it posted it alone or with others', async () => {
  const cms = svc.cms();
  const body = 'The night buses should run every half hour.';
  for (const id of ['twice-1', 'twice-2']) {
    await cms.postComment({ id, articleId: 'art-e', author: { id: `a-${id}` }, body });
    await decided(id);
  }
  expect((await cms.eraseComment('twice-1')).body.erased).toMatchObject({ comments: 1 });
  expect(mentions(await dump(svc.redis, svc.prefix), 'twice-1')).toEqual([]);
  expect(mentions(await dump(svc.redis, svc.prefix), 'twice-2').length).toBeGreaterThan(0); // still a poster
  expect((await cms.eraseComment('twice-2')).body.erased).toMatchObject({ comments: 1 });
  expect(mentions(await dump(svc.redis, svc.prefix), 'twice-2')).toEqual([]);
});

it('retention erases decided comments past their time and keeps flagged ones', async () => {
  const cms = svc.cms();
  await cms.postComment({ id: 'ret-ok', articleId: 'art-r', author: { id: 'a-ret' }, body: 'A fine and friendly note on the budget.' });
  await cms.postComment({ id: 'ret-flag', articleId: 'art-r', author: { id: 'a-ret' }, body: ABUSE });
  expect((await decided('ret-ok')).status).toBe('approved');
  expect((await decided('ret-flag')).status).toBe('flagged');
  const erasures = new ErasureStore(svc.redis, svc.runtime.keys);
  const deps = { erasures, now: () => new Date(Date.now() + 60_000), anonymisedLabels: () => true };
  const result = await sweepRetention('demo', 30_000, deps);
  expect(result.comments).toBeGreaterThanOrEqual(1);
  expect((await cms.getComment('ret-ok')).status).toBe(404);
  expect((await cms.getComment('ret-flag')).body.status).toBe('flagged');
  expect((await erasures.audits('demo'))[0]).toMatchObject({ kind: 'retention', by: 'retention' });
});

it('retention also drains the decision-time index that earlier versions wrote, skipping comments no longer decided', async () => {
  const cms = svc.cms();
  const keys = svc.runtime.keys;
  await cms.postComment({ id: 'legacy-ok', articleId: 'art-l', author: { id: 'a-legacy' }, body: 'A kind word about the library hours.' });
  await cms.postComment({ id: 'legacy-flag', articleId: 'art-l', author: { id: 'a-legacy' }, body: ABUSE });
  expect((await decided('legacy-ok')).status).toBe('approved');
  expect((await decided('legacy-flag')).status).toBe('flagged');
  // As stored before: the approved comment known to retention only through the index; a stale entry for one
  // that has since been flagged.
  await svc.redis.zrem(keys.decidedByStatus('demo', 'approved'), 'legacy-ok');
  await svc.redis.zadd(keys.decidedByTime('demo'), Date.now() - 1_000, 'legacy-ok', Date.now() - 1_000, 'legacy-flag');
  const erasures = new ErasureStore(svc.redis, keys);
  await sweepRetention('demo', 30_000, { erasures, now: () => new Date(Date.now() + 60_000), anonymisedLabels: () => true });
  expect((await cms.getComment('legacy-ok')).status).toBe(404);
  expect((await cms.getComment('legacy-flag')).body.status).toBe('flagged');
  expect(await svc.redis.zcard(keys.decidedByTime('demo'))).toBe(0);
});

it('keeps labels anonymised when the site allows it', async () => {
  const cms = svc.cms();
  await cms.postComment({ id: 'anon-1', articleId: 'art-a', author: { id: 'a-anon' }, body: ABUSE });
  await decided('anon-1');
  expect((await moderatorApi(svc).post('/queue/anon-1/reject', { reasonCode: 'INSULT' })).status).toBeLessThan(300);
  const erasures = new ErasureStore(svc.redis, svc.runtime.keys);
  const { anonymised: labelsAnonymised } = await erasures.eraseLabels('demo', new Set(['anon-1']), true);
  expect(labelsAnonymised).toBe(1);
  const labels = (await svc.redis.lrange(svc.runtime.keys.labels('demo'), 0, -1)).map((s) => JSON.parse(s));
  expect(labels.find((l) => l.anonymised)).toMatchObject({ commentId: '', moderator: '', label: 'rejected', body: ABUSE });
  expect(JSON.stringify(labels)).not.toContain('anon-1');
});

it('moves a comment to the new article thread when an edit changes articleId', async () => {
  const cms = svc.cms();
  await cms.postComment({ id: 'mv-1', articleId: 'art-old', author: { id: 'a-mv' }, body: 'First words on the old story.' });
  await decided('mv-1');
  await cms.postComment({ id: 'mv-1', articleId: 'art-new', author: { id: 'a-mv' }, body: 'First words, now on the new story.' });
  const k = svc.runtime.keys;
  expect(await svc.redis.zscore(k.articleComments('demo', 'art-old'), 'mv-1')).toBeNull();
  expect(await svc.redis.zscore(k.articleComments('demo', 'art-new'), 'mv-1')).not.toBeNull();
  // Same text moved again: no new moderation, but the thread (and a flagged item's article filter) follow.
  await decided('mv-1');
  await cms.postComment({ id: 'mv-1', articleId: 'art-third', author: { id: 'a-mv' }, body: 'First words, now on the new story.' });
  expect(await svc.redis.zscore(k.articleComments('demo', 'art-new'), 'mv-1')).toBeNull();
  expect(await svc.redis.zscore(k.articleComments('demo', 'art-third'), 'mv-1')).not.toBeNull();
  expect((await cms.getComment('mv-1')).body).toMatchObject({ articleId: 'art-third' });
});
