/** Redis store of articles, the context comments are judged against. */
import { script, type RedisClient as Redis } from './redis';
import type { ArticleInput } from '../moderation/types';
import type { Keys } from './keys';
import { InFlight } from './in-flight';
import { LruMap } from './lru-map';
import { TickBatch } from './tick-batch';

export interface StoredArticle extends ArticleInput {
  id: string;
  updatedAt: string;
}

// KEYS: article, article versions. ARGV: title, body, updatedAt, article id.
const PUT_IF_ABSENT = `if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'title', ARGV[1], 'body', ARGV[2], 'updatedAt', ARGV[3])
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[3])
end`;

export class ArticleStore {
  private readonly putIfAbsentScript: (...args: string[]) => Promise<unknown>;
  /** Articles already read, by key, with the `updatedAt` they were read at (bounded, oldest dropped first). */
  private readonly cache: LruMap<string, StoredArticle>;
  private readonly reads = new InFlight<StoredArticle | null>();
  /** `updatedAt` of the articles asked for in the same tick, one HMGET of the site's versions hash. */
  private readonly versions: TickBatch<string | null>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    cacheSize = 2_000,
  ) {
    this.cache = new LruMap(cacheSize);
    this.putIfAbsentScript = script(redis, 'cmArticlePutIfAbsentV2', 2, PUT_IF_ABSENT);
    this.versions = new TickBatch((site, ids) => this.redis.hmget(this.keys.articleVersions(site), ...ids));
  }

  /** Creates or replaces an article; `created` tells which. */
  async upsert(site: string, id: string, article: ArticleInput, now: Date): Promise<{ created: boolean }> {
    const key = this.keys.article(site, id);
    const fields: Record<string, string> = { title: article.title, body: article.body, updatedAt: now.toISOString() };
    if (article.url) fields.url = article.url;
    if (article.publishedAt) fields.publishedAt = article.publishedAt;
    const [[, existed]] = (await this.redis.multi().exists(key).del(key).hset(key, fields).hset(this.keys.articleVersions(site), id, fields.updatedAt).exec()) as [[unknown, number]];
    return { created: existed === 0 };
  }

  /** Stores an article only if none is stored yet (context sent along with a comment). */
  async putIfAbsent(site: string, id: string, article: ArticleInput, now: Date): Promise<void> {
    await this.putIfAbsentScript(this.keys.article(site, id), this.keys.articleVersions(site), article.title, article.body, now.toISOString(), id);
  }

  async get(site: string, id: string): Promise<StoredArticle | null> {
    const h = await this.redis.hgetall(this.keys.article(site, id));
    if (!h.title && !h.body) return null;
    return { id, title: h.title ?? '', body: h.body ?? '', url: h.url, publishedAt: h.publishedAt, updatedAt: h.updatedAt };
  }

  /**
   * Like `get`, but reads the whole article only when its `updatedAt` changed since this process last
   * read it: a worker judging many comments on one article fetches its body (often kilobytes) once.
   * The `updatedAt` of the articles a group's comments ask for in the same tick is one HMGET of the
   * site's versions hash; an article stored by an earlier version (not in that hash) is asked directly.
   */
  getCached(site: string, id: string): Promise<StoredArticle | null> {
    // Comments of one group on the same article share the read.
    return this.reads.run(this.keys.article(site, id), () => this.readCached(site, id));
  }

  private async readCached(site: string, id: string): Promise<StoredArticle | null> {
    const key = this.keys.article(site, id);
    const cached = this.cache.get(key);
    const updatedAt = (await this.versions.get(site, id)) ?? (await this.redis.hget(key, 'updatedAt'));
    if (cached && updatedAt !== null && cached.updatedAt === updatedAt) return cached;
    const article = await this.get(site, id);
    if (!article) {
      this.cache.delete(key);
      return null;
    }
    this.cache.set(key, article);
    return article;
  }
}
