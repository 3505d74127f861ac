/**
 * Each site's article statistics in Redis (see moderation/relevance/site-terms.ts): the set of article ids counted
 * and, per stem, how many of them use it. Both keys carry the site's hash tag, so the counting script touches one
 * slot. An article is counted once (its first version a worker sees); only counts of stems are kept, no text.
 */
import { script, type RedisClient as Redis } from './redis';
import type { Keys } from './keys';
import { articleStems, needsRefresh, sharedStems, snapshotKey, type SiteTerms } from '../moderation/relevance/site-terms';
import { InFlight } from './in-flight';
import { LruMap } from './lru-map';

const COUNT_ARTICLE = `if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 2, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end
return 1`;

export class SiteTermStore {
  private readonly countScript: (...args: string[]) => Promise<number>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    this.countScript = script(redis, 'cmCountArticleTerms', 2, COUNT_ARTICLE);
  }

  /** Counts an article's stems once; false when the article was counted before. */
  async count(site: string, articleId: string, stems: readonly string[]): Promise<boolean> {
    return (await this.countScript(this.keys.termArticles(site), this.keys.termCounts(site), articleId, ...stems)) === 1;
  }

  /** How many articles are counted. */
  articles(site: string): Promise<number> {
    return this.redis.scard(this.keys.termArticles(site));
  }

  /**
   * The counts as they are now, of the stems in at least two articles: a stem of one article weighs as an unseen
   * one (see siteSpecificity), so the others need no memory in the worker.
   */
  async read(site: string): Promise<{ articles: number; df: Map<string, number> }> {
    const [[, articles], [, counts]] = (await this.redis.multi().scard(this.keys.termArticles(site)).hgetall(this.keys.termCounts(site)).exec()) as [
      [unknown, number],
      [unknown, Record<string, string>],
    ];
    return { articles, df: sharedStems(Object.entries(counts).map(([stem, n]) => [stem, Number(n)] as const)) };
  }
}

interface Entry {
  terms?: SiteTerms;
  /** Articles the snapshot counted (0 before the first). */
  articles: number;
  checkedAt: number;
}

/** Distinct (site, article) pairs a process remembers having counted before it starts afresh. */
const COUNTED_CAP = 100_000;
/**
 * Sites whose snapshot a process keeps (least recently used dropped first). A snapshot holds the stems of two or
 * more of the site's articles (~60 B each); a worker serving more active sites than this reads them again
 * (SCARD + HGETALL) when they come back.
 */
const SITES_CAP = 64;

/**
 * A process's view of the sites' statistics: counts each article the first time this process sees it, and keeps a
 * snapshot per site, re-checking the article count at most every `checkEveryMs` and reading the counts again only
 * once they grew by REFRESH_GROWTH (so compiled models are rebuilt rarely).
 */
export class SiteTermsSource {
  private readonly sites = new LruMap<string, Entry>(SITES_CAP);
  private readonly counted = new Set<string>();
  private readonly refreshes = new InFlight<SiteTerms | undefined>();

  constructor(
    private readonly store: SiteTermStore,
    private readonly checkEveryMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The site's statistics to judge a comment on `article` with; counts the article first if this process has not. */
  async forArticle(site: string, article: { id: string; title: string; body: string } | null): Promise<SiteTerms | undefined> {
    if (article) {
      const key = `${site}\u0000${article.id}`;
      if (!this.counted.has(key)) {
        if (this.counted.size >= COUNTED_CAP) this.counted.clear();
        await this.store.count(site, article.id, articleStems(article.title, article.body));
        this.counted.add(key);
      }
    }
    const entry = this.sites.get(site);
    if (entry && this.now() - entry.checkedAt < this.checkEveryMs) return entry.terms;
    return this.refreshes.run(site, () => this.refresh(site));
  }

  private async refresh(site: string): Promise<SiteTerms | undefined> {
    const entry = this.sites.get(site) ?? { articles: 0, checkedAt: 0 };
    const articles = await this.store.articles(site);
    if (needsRefresh(entry.articles, articles)) {
      const read = await this.store.read(site);
      entry.terms = { site, key: snapshotKey(site, read.articles), articles: read.articles, df: read.df };
      entry.articles = read.articles;
    }
    entry.checkedAt = this.now();
    this.sites.set(site, entry);
    return entry.terms;
  }
}
