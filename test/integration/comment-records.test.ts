/**
 * How a comment record is laid out in Redis, on the real Redis: its history is a JSON array in the
 * comment's hash, while records stored before that keep (and keep growing) their history list.
 */
import Redis from 'ioredis';
import { ArticleStore } from '../../src/infra/article-store';
import { AuthorStore } from '../../src/infra/author-store';
import { CommentStore } from '../../src/infra/comment-store';
import { createKeys } from '../../src/infra/keys';
import { bodyHash, type CommentRecord, type Decision } from '../../src/moderation/record';
import { decisionWrite } from '../../src/use-cases/decision-write';
import { deleteKeys, REDIS_URL, uniquePrefix } from './harness';

const prefix = uniquePrefix('records');
const keys = createKeys(prefix);
let redis: Redis;
let store: CommentStore;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  store = new CommentStore(redis, keys);
});
afterAll(async () => {
  redis.disconnect();
  await deleteKeys(prefix);
});

const comment = (id: string, body = `A fair point about the bus lanes (${id}).`) => ({ id, articleId: 'art-r', author: { id: 'reader-r' }, body });
const decision = (r: CommentRecord): Decision => ({ status: 'approved', reasons: [], scores: {}, decidedBy: 'auto', decidedAt: new Date().toISOString(), bodyHash: r.bodyHash, modelVersion: 'm', policyVersion: 'p', provider: 'local' });
const decide = async (id: string) => {
  const r = (await store.getCurrent('demo', id))!;
  return store.applyDecision(decisionWrite(keys, r, decision(r), { mode: 'auto', event: 'decided', by: 'auto', codes: [] }));
};

it('keeps the history in the comment hash, no list of its own', async () => {
  const c = comment('r-1');
  await store.ingest('demo', c, bodyHash(c.body), new Date());
  expect((await decide('r-1')).outcome).toBe('applied');
  const edited = { ...c, body: `${c.body} Edited.` };
  expect((await store.ingest('demo', edited, bodyHash(edited.body), new Date())).outcome).toBe('edited');
  expect(await redis.exists(keys.history('demo', 'r-1'))).toBe(0);
  const record = (await store.get('demo', 'r-1'))!;
  expect(record.history.map((h) => h.event)).toEqual(['received', 'decided', 'edited']);
  expect(record.history[2]).toEqual({ at: expect.any(String), event: 'edited', by: 'cms', to: 'queued', bodyHash: bodyHash(edited.body) });
});

it('reads and extends the history list of a record stored before the history moved into the hash', async () => {
  const c = comment('r-old');
  const at = new Date().toISOString();
  const received = { at, event: 'received', by: 'cms', to: 'queued', bodyHash: bodyHash(c.body) };
  await redis.hset(keys.comment('demo', 'r-old'), { comment: JSON.stringify(c), bodyHash: bodyHash(c.body), status: 'queued', receivedAt: at, updatedAt: at });
  await redis.rpush(keys.history('demo', 'r-old'), JSON.stringify(received));
  expect((await decide('r-old')).outcome).toBe('applied');
  expect(await redis.hexists(keys.comment('demo', 'r-old'), 'h')).toBe(0);
  expect(await redis.llen(keys.history('demo', 'r-old'))).toBe(2);
  expect((await store.get('demo', 'r-old'))!.history.map((h) => h.event)).toEqual(['received', 'decided']);
});

it('refuses a decision on such a record when its history list has another type, writing nothing', async () => {
  const c = comment('r-bad');
  const at = new Date().toISOString();
  await redis.hset(keys.comment('demo', 'r-bad'), { comment: JSON.stringify(c), bodyHash: bodyHash(c.body), status: 'queued', receivedAt: at, updatedAt: at });
  await redis.set(keys.history('demo', 'r-bad'), 'junk');
  await expect(decide('r-bad')).rejects.toThrow(/WRONGKEYTYPE .* is a string, not a list/);
  expect(await redis.hget(keys.comment('demo', 'r-bad'), 'status')).toBe('queued');
  expect(await redis.exists(keys.outbox('demo', 'c:r-bad'))).toBe(0);
});

it("refuses a new comment whose author's comment-id set has another type (its first write), writing nothing", async () => {
  const c = { ...comment('r-a1'), articleId: 'art-r-a', author: { id: 'reader-clash' } };
  await redis.set(keys.authorComments('demo', 'reader-clash'), 'junk');
  await expect(store.ingest('demo', c, bodyHash(c.body), new Date())).rejects.toThrow(/WRONGKEYTYPE .* is not a set/);
  expect(await redis.exists(keys.comment('demo', 'r-a1'), keys.articleComments('demo', 'art-r-a'), keys.articleThread('demo', 'art-r-a'))).toBe(0);
});

it.each([
  ['its article thread list', 'art-r-t', (a: string) => keys.articleThread('demo', a), /WRONGKEYTYPE .* is not a list/],
  ["its article's comment ids", 'art-r-z', (a: string) => keys.articleComments('demo', a), /WRONGKEYTYPE .* is not a zset/],
])('refuses a new comment when %s has another type, undoing the writes before it', async (_what, articleId, keyOf, refusal) => {
  const id = `r-${articleId}`;
  const author = `reader-${articleId}`;
  const c = { ...comment(id), articleId, author: { id: author } };
  // The author's set and the article's lists already hold other comments: only this one's entries are undone.
  const before = { ...comment(`${id}-x`), articleId: 'art-r-other', author: { id: author } };
  await store.ingest('demo', before, bodyHash(before.body), new Date());
  await redis.sadd(keys.authorComments('demo', author), id); // this id was there already: the undo keeps it
  await redis.set(keyOf(articleId), 'junk');
  await expect(store.ingest('demo', c, bodyHash(c.body), new Date())).rejects.toThrow(refusal);
  expect(await redis.exists(keys.comment('demo', id))).toBe(0);
  expect((await redis.smembers(keys.authorComments('demo', author))).sort()).toEqual([id, `${id}-x`]);
  const others = [keys.articleThread('demo', articleId), keys.articleComments('demo', articleId)].filter((k) => k !== keyOf(articleId));
  expect(await redis.exists(...others)).toBe(0);
  expect(await redis.get(keyOf(articleId))).toBe('junk');
  // Without the id in the author's set before, the refusal takes it out again.
  await redis.srem(keys.authorComments('demo', author), id);
  await expect(store.ingest('demo', c, bodyHash(c.body), new Date())).rejects.toThrow(refusal);
  expect(await redis.smembers(keys.authorComments('demo', author))).toEqual([`${id}-x`]);
});

it("refuses a decision whose author's decision list has another type (its first write), writing nothing", async () => {
  const c = { ...comment('r-d1'), articleId: 'art-r-d', author: { id: 'reader-d' } };
  await store.ingest('demo', c, bodyHash(c.body), new Date());
  await redis.set(keys.authorDecisions('demo', 'reader-d'), 'junk');
  await expect(decide('r-d1')).rejects.toThrow(/WRONGKEYTYPE .* is not a list/);
  const r = (await store.get('demo', 'r-d1'))!;
  expect(r.status).toBe('queued');
  expect(r.history.map((h) => h.event)).toEqual(['received']);
  expect(await redis.exists(keys.outbox('demo', 'c:r-d1'))).toBe(0);
  expect(await redis.zscore(keys.decidedByStatus('demo', 'approved'), 'r-d1')).toBeNull();
});

it("refuses a decision whose CMS event list has another type, taking back the author's entry and the sequence", async () => {
  const c = { ...comment('r-o1'), articleId: 'art-r-o', author: { id: 'reader-o' } };
  await store.ingest('demo', c, bodyHash(c.body), new Date());
  await redis.set(keys.outbox('demo', 'c:r-o1'), 'junk');
  await expect(decide('r-o1')).rejects.toThrow(/WRONGKEYTYPE .* is not a list/);
  expect((await store.get('demo', 'r-o1'))!.status).toBe('queued');
  expect(await redis.exists(keys.authorDecisions('demo', 'reader-o'))).toBe(0);
  expect(await redis.hget(keys.comment('demo', 'r-o1'), 'sq')).toBe('0');
  expect(await redis.zscore(keys.outboxDue('demo'), 'c:r-o1')).toBeNull();
  await redis.del(keys.outbox('demo', 'c:r-o1'));
  expect((await decide('r-o1')).sequence).toBe(1);
});

it('reads the thread before a comment, also when newer comments fill the head of the list', async () => {
  const small = new CommentStore(redis, keys, 5); // thread list capped at 15 entries
  const t0 = Date.now();
  for (let i = 0; i < 14; i++) {
    const c = { id: `t-${i}`, articleId: 'art-t', author: { id: `reader-t${i}` }, body: `Comment number ${i} on the tram plan.` };
    await small.ingest('demo', c, bodyHash(c.body), new Date(t0 + i));
  }
  const ids = async (beforeIndex: number) => (await small.threadBefore('demo', 'art-t', t0 + beforeIndex, 5)).map((e) => e.id);
  expect(await ids(12)).toEqual(['t-7', 't-8', 't-9', 't-10', 't-11']); // all within the first read
  expect(await ids(4)).toEqual(['t-0', 't-1', 't-2', 't-3']); // t-0 lies past the first 13 entries
});

it('counts repeat posts asked for in the same tick in order, per site', async () => {
  const counts = await Promise.all([
    store.countRepeats('demo', 'fp-same', 'p-1', 60),
    store.countRepeats('demo', 'fp-same', 'p-2', 60),
    store.countRepeats('other', 'fp-same', 'p-3', 60),
    store.countRepeats('demo', 'fp-same', 'p-1', 60), // the same comment again is not another poster
  ]);
  expect(counts).toEqual([0, 1, 0, 1]);
  expect(await redis.ttl(keys.textPosts('demo', 'fp-same'))).toBeGreaterThan(50);
});

it('keeps capped lists between their cap and a quarter more, readers seeing the newest entries', async () => {
  const small = new CommentStore(redis, keys, 4); // thread list capped at 12 entries, trimmed past 15
  const t0 = Date.now();
  const lengths: number[] = [];
  for (let i = 0; i < 40; i++) {
    const c = { id: `cap-${i}`, articleId: 'art-cap', author: { id: 'reader-cap' }, body: `Comment ${i} on the ferry timetable.` };
    await small.ingest('demo', c, bodyHash(c.body), new Date(t0 + i));
    lengths.push(await redis.llen(keys.articleThread('demo', 'art-cap')));
    const r = (await small.getCurrent('demo', c.id))!;
    await small.applyDecision(decisionWrite(keys, r, decision(r), { mode: 'auto', event: 'decided', by: 'auto', codes: [] }));
  }
  expect(Math.max(...lengths)).toBe(15);
  expect(lengths.slice(12).every((n) => n >= 12)).toBe(true);
  expect((await small.threadBefore('demo', 'art-cap', t0 + 40, 4)).map((e) => e.id)).toEqual(['cap-36', 'cap-37', 'cap-38', 'cap-39']);
  // The author's record: 50 decisions, and at most 62 before a trim.
  for (let i = 40; i < 70; i++) {
    const c = { id: `cap-${i}`, articleId: 'art-cap2', author: { id: 'reader-cap' }, body: `Comment ${i} on the ferry timetable.` };
    await small.ingest('demo', c, bodyHash(c.body), new Date(t0 + i));
    const r = (await small.getCurrent('demo', c.id))!;
    await small.applyDecision(decisionWrite(keys, r, decision(r), { mode: 'auto', event: 'decided', by: 'auto', codes: [] }));
    lengths.push(await redis.llen(keys.authorDecisions('demo', 'reader-cap')));
  }
  expect(Math.max(...lengths.slice(40))).toBe(62);
  expect(lengths.at(-1)).toBeGreaterThanOrEqual(50);
  const history = await small.authorHistory('demo', 'reader-cap');
  expect(history).toHaveLength(50);
  expect(history[0].commentId).toBe('cap-69');
});

it('keeps a text posted once as one string key, a set from the second poster on, and counts sets of earlier versions', async () => {
  const key = keys.textPosts('demo', 'fp-forms');
  expect(await store.countRepeats('demo', 'fp-forms', 'f-1', 60)).toBe(0);
  expect(await redis.type(key)).toBe('string');
  expect(await store.countRepeats('demo', 'fp-forms', 'f-1', 60)).toBe(0); // the same comment again
  expect(await store.countRepeats('demo', 'fp-forms', 'f-2', 60)).toBe(1);
  expect(await redis.type(key)).toBe('set');
  expect((await redis.smembers(key)).sort()).toEqual(['f-1', 'f-2']);
  expect(await store.countRepeats('demo', 'fp-forms', 'f-3', 90)).toBe(2);
  expect(await redis.ttl(key)).toBeGreaterThan(60); // the window runs from the latest post
  const legacy = keys.textPosts('demo', 'fp-legacy');
  await redis.sadd(legacy, 'l-1', 'l-2');
  expect(await store.countRepeats('demo', 'fp-legacy', 'l-3', 60)).toBe(2);
});

it("shares a read of an article's thread and of the article between the comments that ask in the same tick", async () => {
  const counting = new Redis(REDIS_URL);
  const calls: string[] = [];
  const shared = new CommentStore(counting, keys);
  const articles = new ArticleStore(counting, keys);
  for (const name of ['lrange', 'hget', 'hmget', 'hgetall', 'cmListsReadV1'] as const) {
    const client = counting as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = client[name].bind(counting);
    client[name] = (...args: unknown[]) => (calls.push(name), original(...args));
  }
  try {
    await articles.upsert('demo', 'art-sh', { title: 'Tram depot', body: 'The depot moves to the harbour.' }, new Date());
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      const c = { id: `sh-${i}`, articleId: 'art-sh', author: { id: 'reader-sh' }, body: `Comment ${i} on the depot.` };
      await shared.ingest('demo', c, bodyHash(c.body), new Date(t0 + i));
    }
    calls.length = 0;
    const [a, b, ta, tb] = await Promise.all([
      articles.getCached('demo', 'art-sh'),
      articles.getCached('demo', 'art-sh'),
      shared.threadBefore('demo', 'art-sh', t0 + 10, 20, 'sh-4'),
      shared.threadBefore('demo', 'art-sh', t0 + 10, 20, 'sh-3'),
    ]);
    expect(calls.sort()).toEqual(['cmListsReadV1', 'hgetall', 'hmget']); // one read each, not two
    expect(a).toBe(b);
    expect(a?.title).toBe('Tram depot');
    expect(ta.map((e) => e.id)).toEqual(['sh-0', 'sh-1', 'sh-2', 'sh-3']);
    expect(tb.map((e) => e.id)).toEqual(['sh-0', 'sh-1', 'sh-2', 'sh-4']);
    // Once answered, the next read goes to Redis again (a newer comment is seen).
    const late = { id: 'sh-5', articleId: 'art-sh', author: { id: 'reader-sh' }, body: 'A late comment on the depot.' };
    await shared.ingest('demo', late, bodyHash(late.body), new Date(t0 + 5));
    expect((await shared.threadBefore('demo', 'art-sh', t0 + 10, 20)).map((e) => e.id)).toContain('sh-5');
  } finally {
    counting.disconnect();
  }
});

it("writes a group's shared indexes, counters and due subjects once each, with every decision's entries", async () => {
  const ids = ['gb-1', 'gb-2', 'gb-3'];
  for (const id of ids) {
    const c = { ...comment(id), articleId: 'art-gb', author: { id: `reader-${id}` } };
    await store.ingest('demo', c, bodyHash(c.body), new Date());
  }
  const before = await store.stats('demo');
  const records = await Promise.all(ids.map(async (id) => (await store.getCurrent('demo', id))!));
  const flagged = (r: CommentRecord): Decision => ({ ...decision(r), status: 'flagged', reasons: [{ code: 'INSULT', score: 0.8, message: 'insult', spans: [] }] as Decision['reasons'] });
  const writes = records.map((r, i) => decisionWrite(keys, r, i === 2 ? flagged(r) : decision(r), { mode: 'auto', event: 'decided', by: 'auto', codes: [] }));
  // The first comment twice in one call: the second finds it decided and writes nothing.
  const answers = await store.applyDecisions([...writes, writes[0]]);
  expect(answers.map((a) => (a instanceof Error ? a.message : a.outcome))).toEqual(['applied', 'applied', 'applied', 'duplicate']);
  const approved = keys.decidedByStatus('demo', 'approved');
  expect(await redis.zscore(approved, 'gb-1')).toBe(String(Date.parse(writes[0].decision.decidedAt)));
  expect(await redis.zscore(approved, 'gb-2')).not.toBeNull();
  expect(await redis.zscore(approved, 'gb-3')).toBeNull();
  for (const key of [keys.flaggedByPriority('demo'), keys.flaggedByAge('demo'), keys.flaggedByArticle('demo', 'art-gb'), keys.flaggedByAuthor('demo', 'reader-gb-3'), keys.flaggedByReason('demo', 'INSULT')]) {
    expect(await redis.zrange(key, '0', '-1')).toEqual(['gb-3']);
  }
  const after = await store.stats('demo');
  expect((after.approved ?? 0) - (before.approved ?? 0)).toBe(2);
  expect((after.flagged ?? 0) - (before.flagged ?? 0)).toBe(1);
  for (const id of ids) expect(await redis.zscore(keys.outboxDue('demo'), `c:${id}`)).not.toBeNull();
});

it("checks the articles and reads the author states that a group's comments ask for in the same tick with one command each", async () => {
  const counting = new Redis(REDIS_URL);
  const calls: string[] = [];
  for (const name of ['get', 'mget', 'hget', 'hmget', 'hgetall'] as const) {
    const original = counting[name].bind(counting) as (...args: unknown[]) => Promise<unknown>;
    (counting as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => (calls.push(name), original(...args));
  }
  try {
    const articles = new ArticleStore(counting, keys);
    const authors = new AuthorStore(counting, keys);
    const at = new Date();
    await articles.upsert('demo', 'art-v1', { title: 'Ferry', body: 'The ferry runs hourly.' }, at);
    await articles.putIfAbsent('demo', 'art-v2', { title: 'Bridge', body: 'The bridge closes.' }, at);
    // An article stored by an earlier version: not in the versions hash, checked on its own hash.
    await redis.hset(keys.article('demo', 'art-old'), { title: 'Tunnel', body: 'The tunnel opens.', updatedAt: at.toISOString() });
    await authors.apply('demo', { banned: { by: 'mod', at: at.toISOString() } }, { at: at.toISOString(), by: 'mod', authorId: 'ban-1', action: 'ban' });
    const read = () => Promise.all([articles.getCached('demo', 'art-v1'), articles.getCached('demo', 'art-v2'), articles.getCached('demo', 'art-old'), authors.get('demo', 'ban-1'), authors.get('demo', 'free-1')]);
    calls.length = 0;
    const [v1, v2, old, banned, free] = await read();
    expect([v1?.title, v2?.title, old?.title]).toEqual(['Ferry', 'Bridge', 'Tunnel']);
    expect(banned.banned?.by).toBe('mod');
    expect(free).toEqual({});
    expect(calls.sort()).toEqual(['hget', 'hgetall', 'hgetall', 'hgetall', 'hmget', 'mget']);
    // Cached now: one HMGET for the versions, one HGET for the old article, one MGET for the authors.
    calls.length = 0;
    await read();
    expect(calls.sort()).toEqual(['hget', 'hmget', 'mget']);
    // An updated article is read again.
    await articles.upsert('demo', 'art-v1', { title: 'Ferry (updated)', body: 'The ferry runs every half hour.' }, new Date(at.getTime() + 1000));
    expect((await articles.getCached('demo', 'art-v1'))?.title).toBe('Ferry (updated)');
  } finally {
    counting.disconnect();
  }
});

it('stores deliveries that arrive in the same tick in one script call, each answered on its own and a refused one alone', async () => {
  const counting = new Redis(REDIS_URL);
  let calls = 0;
  // Script calls (defined commands) go through sendCommand as EVALSHA (or EVAL the first time).
  const send = counting.sendCommand.bind(counting);
  counting.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    if (command.name === 'evalsha' || command.name === 'eval') calls++;
    return (send as (...a: unknown[]) => unknown)(command, ...rest);
  }) as typeof counting.sendCommand;
  try {
    const shared = new CommentStore(counting, keys);
    const at = new Date();
    const c = (id: string, author = 'reader-tick') => ({ ...comment(id), articleId: 'art-tick', author: { id: author } });
    await redis.set(keys.authorComments('demo', 'reader-tick-bad'), 'junk');
    await shared.ingest('demo', c('tick-0'), bodyHash(c('tick-0').body), at); // loads the scripts
    calls = 0;
    const answers = await Promise.allSettled([
      shared.ingest('demo', c('tick-1'), bodyHash(c('tick-1').body), at),
      shared.ingest('demo', c('tick-bad', 'reader-tick-bad'), bodyHash(c('tick-bad').body), at),
      shared.ingest('demo', c('tick-1'), bodyHash(c('tick-1').body), at), // the same delivery again
      shared.ingest('demo', c('tick-0'), bodyHash(`${c('tick-0').body} Edited.`), at),
    ]);
    expect(calls).toBe(1);
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value.outcome : String(a.reason.message).split(' ')[0]))).toEqual(['created', 'WRONGKEYTYPE', 'duplicate', 'edited']);
    expect(await redis.exists(keys.comment('demo', 'tick-bad'))).toBe(0);
    expect((await shared.getCurrent('demo', 'tick-1'))?.status).toBe('queued');
  } finally {
    counting.disconnect();
  }
});
