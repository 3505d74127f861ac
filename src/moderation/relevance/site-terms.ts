/**
 * A site's own word statistics: in how many of its articles each stem occurs. The background specificity
 * (./background.ts, general comments) treats "NATO" as rare; on a site whose articles are all about NATO it says
 * little about which article a comment belongs to. With the site's article counts, a stem's specificity is the
 * background IDF times the site IDF (scaled to 1 for a stem of one article), so words many of the site's
 * articles share weigh less than the words that tell them apart. Pure; the worker reads the counts from Redis
 * (infra/site-term-store), the classify CLI and the eval count the articles of their input.
 */
import { createHash } from 'node:crypto';
import { tokenize } from '../text/tokens';
import { Memo } from '../memo';
import { specificity } from './background';
import { ContextCache, sharedContextCache } from './compiled';
import { contentTerms } from './terms';

/** A snapshot of a site's article statistics. */
export interface SiteTerms {
  /** The site (or input) counted. */
  readonly site: string;
  /** Identifies the snapshot: compiled models are cached per snapshot, one snapshot per site at a time. */
  readonly key: string;
  /** Distinct articles counted. */
  readonly articles: number;
  /** Articles each stem occurs in; stems of fewer than two may be left out (they weigh as unseen ones). */
  readonly df: ReadonlyMap<string, number>;
}

/** Fewer articles than this say nothing reliable about the site's vocabulary: the background alone is used. */
export const MIN_ARTICLES = 3;

/** A snapshot is replaced once the article count grew by this share (compiled models are then rebuilt). */
export const REFRESH_GROWTH = 0.1;

/** The distinct content stems of an article (title and body), as counted in the site's statistics. */
export function articleStems(title: string, body: string): string[] {
  const text = `${title}\n${body}`;
  return [...new Set(Array.from(contentTerms(tokenize(text), text), (t) => t.stem))];
}

/**
 * The counts of the stems of two or more articles: a stem of one article weighs as an unseen one (see
 * siteSpecificity), so snapshots leave the others out.
 */
export function sharedStems(counts: Iterable<readonly [string, number]>): Map<string, number> {
  const df = new Map<string, number>();
  for (const [stem, n] of counts) if (n >= 2) df.set(stem, n);
  return df;
}

/** Whether a snapshot over `had` articles should give way to the counts over `now` articles. */
export function needsRefresh(had: number, now: number): boolean {
  return now >= MIN_ARTICLES && now >= had * (1 + REFRESH_GROWTH) && now > had;
}

/**
 * The specificity of a stem on the site: background IDF × the site's IDF over its articles, relative to a stem
 * of one article (capped at 1). A word of at most one article keeps its background weight; words shared by more
 * articles weigh less, the more articles, the less.
 */
export function siteSpecificity(terms: SiteTerms): (stem: string) => number {
  const m = terms.articles;
  const single = Math.log((m + 1) / 2) + 1;
  return (stem) => {
    const df = terms.df.get(stem) ?? 0;
    return df <= 1 ? specificity(stem) : (specificity(stem) * (Math.log((m + 1) / (df + 1)) + 1)) / single;
  };
}

let snapshots = 0;
/** A key unique to this snapshot in the process (two stores or inputs may use one site name). */
export function snapshotKey(site: string, articles: number): string {
  return `${site}#${articles}#${++snapshots}`;
}

/**
 * Compiled-model caches, one per site for its current snapshot; none below MIN_ARTICLES. Recently used sites
 * are kept (two generations of 8, so at most 16 caches), 2,048 texts each: a compiled comment takes ~2.5 KB,
 * so they hold at most ~80 MB however many sites a worker serves.
 */
const caches = new Memo<{ key: string; cache: ContextCache }>(8);

/** The relevance cache to compile a conversation with: the site's own when it has enough articles. */
export function contextCacheFor(terms: SiteTerms | undefined): ContextCache {
  if (!terms || terms.articles < MIN_ARTICLES) return sharedContextCache;
  const entry = caches.get(terms.site, () => ({ key: terms.key, cache: siteCache(terms) }));
  if (entry.key !== terms.key) (entry.key = terms.key), (entry.cache = siteCache(terms));
  return entry.cache;
}

const siteCache = (terms: SiteTerms) => new ContextCache(2048, siteSpecificity(terms));

/**
 * Counts articles as they are seen (the classify CLI and the eval, which have no Redis): `add` once per article,
 * `snapshot` returns the current statistics, a new snapshot only after REFRESH_GROWTH more articles.
 */
export class SiteTermCounter {
  private readonly seen = new Set<string>();
  private readonly df = new Map<string, number>();
  private current: SiteTerms | undefined;

  constructor(private readonly name = 'input') {}

  /** Counts an article once per `id` (its title when it has no id). */
  add(id: string, title: string, body: string): void {
    if (this.seen.has(id)) return;
    this.seen.add(id);
    for (const s of articleStems(title, body)) this.df.set(s, (this.df.get(s) ?? 0) + 1);
  }

  /** Counts an article known only by its text: by its title, or its body's digest without one. */
  addArticle(title: string, body: string): void {
    if (title || body) this.add(title || `#${createHash('sha1').update(body).digest('base64')}`, title, body);
  }

  get articles(): number {
    return this.seen.size;
  }

  /** The statistics to judge with now: unchanged until the article count grew enough (stems of one article left out). */
  snapshot(): SiteTerms | undefined {
    if (needsRefresh(this.current?.articles ?? 0, this.seen.size)) {
      this.current = { site: this.name, key: snapshotKey(this.name, this.seen.size), articles: this.seen.size, df: sharedStems(this.df) };
    }
    return this.current;
  }
}
