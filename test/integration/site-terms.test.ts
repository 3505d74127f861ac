/**
 * Each site's article statistics on the real Redis: counted once per article, read back as snapshots, and kept
 * by the worker as it judges comments (so the relevance phase weighs words by how they tell the site's articles
 * apart).
 */
import Redis from 'ioredis';
import { createKeys } from '../../src/infra/keys';
import { SiteTermStore, SiteTermsSource } from '../../src/infra/site-term-store';
import { articleStems, MIN_ARTICLES } from '../../src/moderation/relevance/site-terms';
import { signed } from '../security/signed-request';
import { deleteKeys, REDIS_URL, startService, uniquePrefix, waitFor, type TestService } from './harness';

describe('site term store', () => {
  const prefix = uniquePrefix('site-terms');
  const keys = createKeys(prefix);
  let redis: Redis;
  let store: SiteTermStore;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    store = new SiteTermStore(redis, keys);
  });
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('counts an article’s stems once, however often it is counted', async () => {
    expect(await store.count('s1', 'a1', ['nato', 'summit'])).toBe(true);
    expect(await store.count('s1', 'a1', ['nato', 'summit'])).toBe(false);
    expect(await store.count('s1', 'a2', ['nato', 'harbour'])).toBe(true);
    const read = await store.read('s1');
    expect(read.articles).toBe(2);
    // Stems of one article are left out of the snapshot: they weigh as unseen ones.
    expect(Object.fromEntries(read.df)).toEqual({ nato: 2 });
    expect(await redis.hgetall(keys.termCounts('s1'))).toEqual({ nato: '2', summit: '1', harbour: '1' });
    expect(await store.articles('s2')).toBe(0);
  });

  it('gives no snapshot below the minimum, then one that changes only after enough new articles and a re-check', async () => {
    let now = 0;
    const source = new SiteTermsSource(store, 1_000, () => now);
    const article = (i: number) => ({ id: `b${i}`, title: `Story ${i} about the harbour`, body: `Body ${i}` });
    for (let i = 0; i < MIN_ARTICLES - 1; i++) expect(await source.forArticle('s3', article(i))).toBeUndefined();
    now += 1_000;
    const first = await source.forArticle('s3', article(MIN_ARTICLES - 1));
    expect(first?.articles).toBe(MIN_ARTICLES);
    expect(first?.df.get(articleStems('harbour', '')[0])).toBe(MIN_ARTICLES);
    // Counted at once, but the snapshot stays until the next check…
    expect(await source.forArticle('s3', article(MIN_ARTICLES))).toBe(first);
    expect(await store.articles('s3')).toBe(MIN_ARTICLES + 1);
    // …and is then replaced, since MIN_ARTICLES + 1 is more than a tenth above MIN_ARTICLES.
    now += 1_000;
    const second = await source.forArticle('s3', null);
    expect(second).not.toBe(first);
    expect(second?.articles).toBe(MIN_ARTICLES + 1);
  });

  it('keeps the snapshots of the 64 most recently used sites, and reads a dropped one again', async () => {
    const source = new SiteTermsSource(store, 1e9, () => 0); // never re-checked while kept
    const reads = jest.spyOn(store, 'articles');
    await source.forArticle('lru-0', null);
    await source.forArticle('lru-0', null);
    expect(reads).toHaveBeenCalledTimes(1);
    for (let i = 1; i <= 63; i++) await source.forArticle(`lru-${i}`, null);
    await source.forArticle('lru-0', null); // the 64th most recent: still kept, and now the most recent
    expect(reads).toHaveBeenCalledTimes(64);
    await source.forArticle('lru-64', null);
    await source.forArticle('lru-1', null); // dropped for lru-64: read again
    expect(reads).toHaveBeenCalledTimes(66);
    reads.mockRestore();
  });
});

describe('the worker keeps each site’s article statistics', () => {
  let svc: TestService;
  let redis: Redis;
  beforeAll(async () => {
    svc = await startService({ name: 'site-terms-worker', overrides: { sites: [{ id: 'demo', webhookSecrets: ['terms-secret-1'] }, { id: 'other', webhookSecrets: ['terms-secret-2'] }] } });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await svc.close();
  });

  const submit = (site: string, secret: string, i: number, title: string) =>
    signed(
      svc.app,
      'POST',
      `/v1/sites/${site}/comments`,
      secret,
      JSON.stringify({ id: `c-${i}`, articleId: `art-${i}`, author: { id: 'r1' }, body: `The ${title} story number ${i} is worth reading.`, article: { title: `${title} ${i}`, body: `A report on the ${title} (${i}).` } }),
    );

  it('counts the articles of the comments it judges, per site', async () => {
    for (let i = 0; i < 4; i++) expect((await submit('demo', 'terms-secret-1', i, 'harbour dredging')).status).toBe(202);
    expect((await submit('other', 'terms-secret-2', 9, 'budget vote')).status).toBe(202);
    const keys = svc.runtime.keys;
    await waitFor(async () => ((await redis.scard(keys.termArticles('demo'))) === 4 && (await redis.scard(keys.termArticles('other'))) === 1 ? true : undefined), 'articles counted');
    const [harbour] = articleStems('harbour', '');
    expect(Number(await redis.hget(keys.termCounts('demo'), harbour))).toBe(4);
    expect(await redis.hget(keys.termCounts('other'), harbour)).toBeNull();
    // The stems are stored as counts only, under the site's own hash tag (one slot per site on a cluster).
    expect(keys.termCounts('demo')).toContain('{demo}');
  });
});
