/**
 * A process keeps what it last read of each article's thread list and, on the next read, fetches only
 * the entries pushed since; whenever entries left the list otherwise (an edit moving a comment to another
 * article, an erasure) or the list was deleted, it reads the list afresh. On the real Redis, every read
 * compared with a store that holds nothing.
 */
import Redis from 'ioredis';
import { CommentStore, type ThreadEntry } from '../../src/infra/comment-store';
import { ErasureStore } from '../../src/infra/erasure-store';
import { createKeys } from '../../src/infra/keys';
import { bodyHash } from '../../src/moderation/record';
import { deleteKeys, REDIS_URL, uniquePrefix } from './harness';

const prefix = uniquePrefix('thread-cache');
const keys = createKeys(prefix);
let redis: Redis;
let holding: CommentStore;
/** The thread reads `holding` sent: [pushes, token, only the new entries?, entries]. */
const replies: Array<[number, string, 0 | 1, string[]]> = [];
const t0 = Date.now();
let clock = 0;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  holding = new CommentStore(redis, keys, 2); // thread lists capped at 6 entries
  const client = redis as unknown as Record<string, (...args: unknown[]) => Promise<[number, string, 0 | 1, string[]]>>;
  const read = client.cmThreadReadV1.bind(redis);
  client.cmThreadReadV1 = async (...args) => {
    const reply = await read(...args);
    replies.push(reply);
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
  await redis.del(list, `${list}:v`, keys.comment('demo', 'd1'), keys.comment('demo', 'd2'));
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
