/**
 * A process keeps what it last read of each article's thread list and of each author's decisions and,
 * on the next read, fetches only the entries pushed since; whenever entries left the list otherwise (an
 * edit moving a comment to another article, an erasure) or the list was deleted, it reads the list
 * afresh. On the real Redis, every read compared with a store that holds nothing.
 */
import Redis from 'ioredis';
import { listVersionKey } from '../../src/infra/comment-scripts';
import { CommentStore, type ThreadEntry } from '../../src/infra/comment-store';
import { ErasureStore } from '../../src/infra/erasure-store';
import { createKeys } from '../../src/infra/keys';
import { bodyHash, type CommentRecord, type Decision } from '../../src/moderation/record';
import { decisionWrite } from '../../src/use-cases/decision-write';
import { deleteKeys, REDIS_URL, uniquePrefix } from './harness';

const prefix = uniquePrefix('versioned-lists');
const keys = createKeys(prefix);
let redis: Redis;
let holding: CommentStore;
type Reply = [number, string, 0 | 1, string[]];
/** The list reads `holding` sent, one per list: [pushes, token, only the new entries?, entries]. */
const replies: Reply[] = [];
/** The script calls `holding` made, each the number of lists it read. */
const calls: number[] = [];
const t0 = Date.now();
let clock = 0;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  holding = new CommentStore(redis, keys, 2); // thread lists capped at 6 entries
  const client = redis as unknown as Record<string, (...args: unknown[]) => Promise<Reply[]>>;
  const read = client.cmListsReadV1.bind(redis);
  client.cmListsReadV1 = async (...args) => {
    const reply = await read(...args);
    calls.push(reply.length);
    replies.push(...reply);
    return reply;
  };
});
afterAll(async () => {
  redis.disconnect();
  await deleteKeys(prefix);
});

const post = (id: string, articleId: string, body = `Comment ${id} on the harbour plan.`) =>
  holding.ingest('demo', { id, articleId, author: { id: `reader-${id}` }, body }, bodyHash(body), new Date(t0 + ++clock));
const shape = (entries: ThreadEntry[]) => entries.map((e) => `${e.id}:${e.body}`);

/** Reads the thread as `holding` and as a fresh store; both must agree. Answers the holding store's reply. */
async function read(articleId: string, limit = 2) {
  const before = replies.length;
  const held = await holding.threadBefore('demo', articleId, t0 + clock + 1, limit);
  expect(replies.length).toBe(before + 1);
  const [, , onlyNew, raw] = replies[before];
  const fresh = await new CommentStore(redis, keys, 2).threadBefore('demo', articleId, t0 + clock + 1, limit);
  expect(shape(held)).toEqual(shape(fresh));
  return { ids: held.map((e) => e.id), onlyNew, fetched: raw.length };
}

it('fetches only the entries pushed since its last read, and nothing when none were', async () => {
  for (const id of ['a1', 'a2', 'a3']) await post(id, 'art-a');
  expect(await read('art-a')).toEqual({ ids: ['a2', 'a3'], onlyNew: 0, fetched: 3 });
  await post('a4', 'art-a');
  await post('a5', 'art-a');
  expect(await read('art-a')).toEqual({ ids: ['a4', 'a5'], onlyNew: 1, fetched: 2 });
  expect(await read('art-a', 6)).toEqual({ ids: ['a1', 'a2', 'a3', 'a4', 'a5'], onlyNew: 1, fetched: 0 });
  // An edit on the same article pushes the comment's new version: fetched like any new entry.
  await post('a2', 'art-a', 'An edited comment on the harbour plan.');
  const edited = await read('art-a', 6);
  expect(edited).toMatchObject({ onlyNew: 1, fetched: 1 });
  expect(edited.ids).toEqual(['a1', 'a3', 'a4', 'a5', 'a2']);
});

it('keeps at most the cap of entries, and reads afresh when more than that were pushed since', async () => {
  for (let i = 0; i < 5; i++) await post(`c${i}`, 'art-c');
  expect(await read('art-c')).toMatchObject({ onlyNew: 0, fetched: 5 });
  for (let i = 5; i < 9; i++) await post(`c${i}`, 'art-c'); // trimmed past 7 entries
  expect(await read('art-c', 6)).toEqual({ ids: ['c3', 'c4', 'c5', 'c6', 'c7', 'c8'], onlyNew: 1, fetched: 4 });
  for (let i = 9; i < 16; i++) await post(`c${i}`, 'art-c');
  expect(await read('art-c', 6)).toEqual({ ids: ['c10', 'c11', 'c12', 'c13', 'c14', 'c15'], onlyNew: 0, fetched: 6 });
});

it('reads the whole list again after an edit moved a comment away, and after an erasure', async () => {
  for (const id of ['m1', 'm2', 'm3']) await post(id, 'art-m');
  expect((await read('art-m', 6)).ids).toEqual(['m1', 'm2', 'm3']);
  await post('m2', 'art-elsewhere', 'Comment m2, moved under another article.');
  expect(await read('art-m', 6)).toEqual({ ids: ['m1', 'm3'], onlyNew: 0, fetched: 2 });
  await post('m4', 'art-m');
  expect(await read('art-m', 6)).toMatchObject({ onlyNew: 1, fetched: 1 });
  expect(await new ErasureStore(redis, keys).eraseComment('demo', 'm3')).toBe(true);
  expect(await read('art-m', 6)).toEqual({ ids: ['m1', 'm4'], onlyNew: 0, fetched: 2 });
});

it('reads afresh a list deleted and written again, even to the same number of pushes', async () => {
  for (const id of ['d1', 'd2']) await post(id, 'art-d');
  expect((await read('art-d')).ids).toEqual(['d1', 'd2']);
  const list = keys.articleThread('demo', 'art-d');
  await redis.del(list, listVersionKey(list), keys.comment('demo', 'd1'), keys.comment('demo', 'd2'));
  for (const id of ['d3', 'd4']) await post(id, 'art-d');
  expect(await read('art-d')).toEqual({ ids: ['d3', 'd4'], onlyNew: 0, fetched: 2 });
});

it('never keeps a list written before versions, and keeps it once a push gives it one', async () => {
  const list = keys.articleThread('demo', 'art-old');
  const entry = (id: string, t: number) => JSON.stringify({ id, body: `Old comment ${id}.`, author: { id: 'reader-old' }, t });
  await redis.lpush(list, entry('o1', t0 - 2), entry('o2', t0 - 1));
  expect(await read('art-old')).toEqual({ ids: ['o1', 'o2'], onlyNew: 0, fetched: 2 });
  expect(await read('art-old')).toMatchObject({ onlyNew: 0, fetched: 2 });
  await post('o3', 'art-old');
  expect(await read('art-old', 6)).toMatchObject({ onlyNew: 0, fetched: 3 });
  await post('o4', 'art-old');
  expect(await read('art-old', 6)).toEqual({ ids: ['o1', 'o2', 'o3', 'o4'], onlyNew: 1, fetched: 1 });
});

describe("an author's decisions", () => {
  const decision = (r: CommentRecord): Decision => ({ status: 'approved', reasons: [], scores: {}, decidedBy: 'auto', decidedAt: new Date().toISOString(), bodyHash: r.bodyHash, modelVersion: 'm', policyVersion: 'p', provider: 'local' });
  /** A comment by `authorId`, stored and decided. */
  const decided = async (id: string, authorId: string) => {
    const body = `Comment ${id} on the tram fares.`;
    await holding.ingest('demo', { id, articleId: 'art-fares', author: { id: authorId }, body }, bodyHash(body), new Date(t0 + ++clock));
    const r = (await holding.getCurrent('demo', id))!;
    expect((await holding.applyDecision(decisionWrite(keys, r, decision(r), { mode: 'auto', event: 'decided', by: 'auto', codes: [] }))).outcome).toBe('applied');
  };
  /** Reads the author's decisions as `holding` and as a fresh store; both must agree. */
  async function history(authorId: string) {
    const before = replies.length;
    const held = await holding.authorHistory('demo', authorId);
    expect(replies.length).toBe(before + 1);
    const [, , onlyNew, raw] = replies[before];
    const fresh = await new CommentStore(redis, keys, 2).authorHistory('demo', authorId);
    expect(held).toEqual(fresh);
    return { ids: held.map((e) => e.commentId), onlyNew, fetched: raw.length };
  }

  it('fetches only the decisions made since its last read, and nothing when none were', async () => {
    for (const id of ['h1', 'h2', 'h3']) await decided(id, 'reader-h');
    expect(await history('reader-h')).toEqual({ ids: ['h3', 'h2', 'h1'], onlyNew: 0, fetched: 3 });
    await decided('h4', 'reader-h');
    expect(await history('reader-h')).toEqual({ ids: ['h4', 'h3', 'h2', 'h1'], onlyNew: 1, fetched: 1 });
    expect(await history('reader-h')).toEqual({ ids: ['h4', 'h3', 'h2', 'h1'], onlyNew: 1, fetched: 0 });
    expect((await holding.authorHistory('demo', 'reader-h', 2)).map((e) => e.commentId)).toEqual(['h4', 'h3']);
  });

  it("reads them afresh after a comment's erasure took its entry out, and after the author's erasure", async () => {
    for (const id of ['e1', 'e2', 'e3']) await decided(id, 'reader-e');
    expect((await history('reader-e')).ids).toEqual(['e3', 'e2', 'e1']);
    const erasure = new ErasureStore(redis, keys);
    expect(await erasure.eraseComment('demo', 'e2')).toBe(true);
    expect(await history('reader-e')).toEqual({ ids: ['e3', 'e1'], onlyNew: 0, fetched: 2 });
    await erasure.eraseAuthorKeys('demo', 'reader-e');
    await decided('e4', 'reader-e');
    expect(await history('reader-e')).toEqual({ ids: ['e4'], onlyNew: 0, fetched: 1 });
  });

  it('never keeps a list written before versions', async () => {
    const list = keys.authorDecisions('demo', 'reader-old');
    await redis.lpush(list, JSON.stringify({ commentId: 'old-1', status: 'rejected', codes: ['INSULT'], articleId: 'art-fares', at: new Date(t0).toISOString() }));
    expect(await history('reader-old')).toEqual({ ids: ['old-1'], onlyNew: 0, fetched: 1 });
    expect(await history('reader-old')).toMatchObject({ onlyNew: 0, fetched: 1 });
    await decided('old-2', 'reader-old');
    expect(await history('reader-old')).toEqual({ ids: ['old-2', 'old-1'], onlyNew: 0, fetched: 2 });
    await decided('old-3', 'reader-old');
    expect(await history('reader-old')).toEqual({ ids: ['old-3', 'old-2', 'old-1'], onlyNew: 1, fetched: 1 });
  });

  it('reads the lists asked for in the same tick in one script call', async () => {
    for (const a of ['t1', 't2', 't3']) await decided(`tick-${a}`, `reader-${a}`);
    const before = calls.length;
    const read = await Promise.all(['t1', 't2', 't3', 't2'].map((a) => holding.authorHistory('demo', `reader-${a}`)));
    expect(calls.slice(before)).toEqual([3]);
    expect(read.map((h) => h.map((e) => e.commentId))).toEqual([['tick-t1'], ['tick-t2'], ['tick-t3'], ['tick-t2']]);
    // A key of the wrong type among them fails its own read only.
    await redis.set(keys.authorDecisions('demo', 'reader-broken'), 'not a list');
    const mixed = await Promise.allSettled(['t1', 'broken', 't3'].map((a) => holding.authorHistory('demo', `reader-${a}`)));
    expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((mixed[1] as PromiseRejectedResult).reason)).toMatch(/WRONGTYPE/);
  });
});
