/** Redis store of articles, the context comments are judged against. */
import type { Redis } from 'ioredis';
import type { ArticleInput } from '../moderation/types';
import type { Keys } from './keys';

export interface StoredArticle extends ArticleInput {
  id: string;
  updatedAt: string;
}

export class ArticleStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Creates or replaces an article; `created` tells which. */
  async upsert(site: string, id: string, article: ArticleInput, now: Date): Promise<{ created: boolean }> {
    const key = this.keys.article(site, id);
    const fields: Record<string, string> = { title: article.title, body: article.body, updatedAt: now.toISOString() };
    if (article.url) fields.url = article.url;
    if (article.publishedAt) fields.publishedAt = article.publishedAt;
    const [[, existed]] = (await this.redis.multi().exists(key).del(key).hset(key, fields).exec()) as [[unknown, number]];
    return { created: existed === 0 };
  }

  /** Stores an article only if none is stored yet (context sent along with a comment). */
  async putIfAbsent(site: string, id: string, article: ArticleInput, now: Date): Promise<void> {
    await this.redis.eval(
      "if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], 'title', ARGV[1], 'body', ARGV[2], 'updatedAt', ARGV[3]) end",
      1,
      this.keys.article(site, id),
      article.title,
      article.body,
      now.toISOString(),
    );
  }

  async get(site: string, id: string): Promise<StoredArticle | null> {
    const h = await this.redis.hgetall(this.keys.article(site, id));
    if (!h.title && !h.body) return null;
    return { id, title: h.title ?? '', body: h.body ?? '', url: h.url, publishedAt: h.publishedAt, updatedAt: h.updatedAt };
  }
}
