/** Listing the flagged queue and reading one item with its context, on the real service and Redis. */
import { loadSeed } from '../support/comments';
import { reason, seedFlagged, type FlaggedSeed } from '../support/flagged-seeder';
import { moderatorApi } from '../support/moderator-api';
import { startTestService, TOKENS, type TestService } from '../support/service';

let service: TestService;
const T0 = Date.parse('2024-05-01T10:00:00Z');

// Site `other`, written through the stores with chosen reasons and times:
// severities 5 (threat), 3 (insult), 2 (spam); authors u1..u3; articles x, y; ties on purpose.
const seeds: FlaggedSeed[] = Array.from({ length: 24 }, (_, i) => {
  const code = (['THREAT', 'INSULT', 'SPAM'] as const)[i % 3];
  const body = `comment ${i} with a ${code.toLowerCase()} word`;
  return {
    id: `o-${String(i).padStart(2, '0')}`,
    articleId: i % 2 ? 'x' : 'y',
    authorId: `u${(i % 4) + 1}`,
    body,
    reasons: [reason(code, 1, body, code.toLowerCase())],
    // Pairs of items share a second: same priority, ordered by id in the index.
    receivedAt: new Date(T0 + Math.floor(i / 2) * 1000),
  };
});

beforeAll(async () => {
  service = await startTestService({ name: 'mod-queue' });
  await loadSeed(service, '004');
  await seedFlagged(service.runtime, 'other', seeds);
});
afterAll(() => service.close());

const other = () => moderatorApi(service, TOKENS.other, 'other');

async function walk(query: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await other().get(`/queue?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
    ids.push(...res.body.items.map((i) => i.id));
    cursor = res.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('pagination did not end');
}

describe('the flagged queue', () => {
  it('shows a flagged seed comment with the span that drove its score', async () => {
    const res = await moderatorApi(service).get('/queue').expect(200);
    const item = res.body.items.find((i: { id: string }) => i.id === 'seed-004-c2');
    expect(item).toBeDefined();
    expect(item.status).toBe('flagged');
    const spans = item.reasons.flatMap((r: { spans: Array<{ start: number; end: number }> }) => r.spans);
    expect(spans.map((s: { start: number; end: number }) => item.body.slice(s.start, s.end))).toContain('pussy');
  });

  it('orders by priority: most severe first, then oldest first', async () => {
    const res = await other().get('/queue?limit=100').expect(200);
    const got = res.body.items.map((i: { id: string; severity: number }) => [i.severity, i.id]);
    const expected = [...seeds]
      .map((s) => ({ s, sev: { THREAT: 5, INSULT: 3, SPAM: 2 }[s.reasons[0].code as 'THREAT'] }))
      .sort((a, b) => b.sev - a.sev || a.s.receivedAt.getTime() - b.s.receivedAt.getTime() || (a.s.id < b.s.id ? 1 : -1))
      .map(({ s, sev }) => [sev, s.id]);
    expect(got).toEqual(expected);
    expect(res.body.total).toBe(24);
  });

  it('orders by age: oldest first', async () => {
    const res = await other().get('/queue?sort=age&limit=100').expect(200);
    const times = res.body.items.map((i: { receivedAt: string }) => Date.parse(i.receivedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times).toHaveLength(24);
  });

  it('filters by reason, article and author, alone and together', async () => {
    const ids = async (q: string) => (await other().get(`/queue?${q}&limit=100`).expect(200)).body.items.map((i: { id: string }) => i.id).sort();
    const expect_ = (pred: (s: FlaggedSeed) => boolean) => seeds.filter(pred).map((s) => s.id).sort();
    expect(await ids('reason=THREAT')).toEqual(expect_((s) => s.reasons[0].code === 'THREAT'));
    expect(await ids('articleId=x')).toEqual(expect_((s) => s.articleId === 'x'));
    expect(await ids('authorId=u2')).toEqual(expect_((s) => s.authorId === 'u2'));
    expect(await ids('reason=INSULT&articleId=x&authorId=u2')).toEqual(expect_((s) => s.reasons[0].code === 'INSULT' && s.articleId === 'x' && s.authorId === 'u2'));
    expect(await ids('reason=SPAM&sort=age')).toEqual(expect_((s) => s.reasons[0].code === 'SPAM'));
    expect(await ids('reason=IDENTITY_ATTACK')).toEqual([]);
    expect(await ids('reason=&articleId=')).toHaveLength(24); // empty parameters mean "no filter"
  });

  it('pages with a cursor through ties without skipping or repeating', async () => {
    const all = (await other().get('/queue?limit=100').expect(200)).body.items.map((i: { id: string }) => i.id);
    expect(await walk('sort=priority', 5)).toEqual(all);
    const byAge = (await other().get('/queue?sort=age&limit=100').expect(200)).body.items.map((i: { id: string }) => i.id);
    expect(await walk('sort=age', 3)).toEqual(byAge);
    expect(await walk('sort=priority&reason=INSULT&articleId=x', 1)).toEqual(
      (await other().get('/queue?reason=INSULT&articleId=x').expect(200)).body.items.map((i: { id: string }) => i.id),
    );
  });

  it('continues after the cursor even when the item it points at was decided meanwhile', async () => {
    const first = (await other().get('/queue?sort=age&limit=4').expect(200)).body;
    const rest = (await other().get('/queue?sort=age&limit=100').expect(200)).body.items.slice(4).map((i: { id: string }) => i.id);
    await other().post(`/queue/${first.items[3].id}/approve`).expect(200);
    const next = (await other().get(`/queue?sort=age&limit=100&cursor=${first.nextCursor}`).expect(200)).body;
    expect(next.items.map((i: { id: string }) => i.id)).toEqual(rest);
  });

  it('refuses a malformed cursor, a cursor of another sort order and unknown parameters', async () => {
    const page = (await other().get('/queue?limit=2').expect(200)).body;
    expect((await other().get('/queue?cursor=bm9wZQ').expect(400)).body.error.code).toBe('bad_cursor');
    expect((await other().get(`/queue?sort=age&cursor=${page.nextCursor}`).expect(400)).body.error.code).toBe('bad_cursor');
    expect((await other().get('/queue?limt=5').expect(422)).body.error.details[0].message).toMatch(/unrecognized/i);
    await other().get('/queue?reason=NOT_A_CODE').expect(422);
    await other().get('/queue?limit=1000').expect(422);
  });
});

describe('one item with its context', () => {
  it('brings the article, the parent, the author record, reasons with spans and history', async () => {
    const res = await moderatorApi(service).get('/queue/seed-004-c4').expect(200);
    const { item, article, parent, author, history } = res.body;
    expect(item.body).toBe('@John, saying you’re a pussy.');
    expect(item.reasons.length).toBeGreaterThan(0);
    expect(article.title).toMatch(/\w/);
    expect(article.excerpt.length).toBeLessThanOrEqual(600);
    expect(parent).toMatchObject({ id: 'seed-004-c3', author: { name: 'John' } });
    expect(author.id).toBe('anon-004-2');
    expect(author.recent).toEqual([expect.objectContaining({ commentId: 'seed-004-c2', status: 'flagged', body: "@John, Next year in Prizren. Don't cry pussy!" })]);
    expect(history.map((h: { event: string }) => h.event)).toEqual(['received', 'decided']);
  });

  it('answers 404 for a comment the site does not have', async () => {
    await moderatorApi(service).get('/queue/nope').expect(404);
    await moderatorApi(service).get('/queue/o-01').expect(404); // exists, but on site `other`
  });
});
