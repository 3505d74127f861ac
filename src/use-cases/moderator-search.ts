/**
 * Search for moderators: by author (their recent decided comments and whatever waits in the
 * flagged queue), by article (its whole thread) and by text (case-insensitive substring) within
 * those, or, with text alone, within the newest comments of every queue listing. Text search reads
 * records, so it looks at most `scanLimit` candidates (newest first) and says when it stopped there.
 */
import type { Keys } from '../infra/keys';
import type { ModeratorQueueDeps } from './moderator-queue';
import { queueItemView, type QueueItemView } from './moderator-view';
import type { RedisClient as Redis } from '../infra/redis';

export interface SearchQuery {
  site: string;
  text?: string;
  authorId?: string;
  articleId?: string;
  limit: number;
  /** Most records read for one search (default 3000). */
  scanLimit?: number;
}

export interface SearchResult {
  items: QueueItemView[];
  /** Candidates read. */
  scanned: number;
  /** True when more candidates existed than were read. */
  truncated: boolean;
}

export interface SearchDeps extends ModeratorQueueDeps {
  redis: Redis;
  keys: Keys;
}

export async function searchComments(deps: SearchDeps, q: SearchQuery): Promise<SearchResult> {
  const scanLimit = q.scanLimit ?? 3000;
  const { ids, more } = await candidates(deps, q, scanLimit);
  const needle = q.text?.toLocaleLowerCase();
  const items: QueueItemView[] = [];
  for (let i = 0; i < ids.length && items.length < q.limit; i += 200) {
    const records = await deps.comments.getMany(q.site, ids.slice(i, i + 200));
    for (const r of records) {
      if (q.authorId && r.comment.author.id !== q.authorId) continue;
      if (q.articleId && r.comment.articleId !== q.articleId) continue;
      if (needle && !r.comment.body.toLocaleLowerCase().includes(needle) && !(r.comment.author.name ?? '').toLocaleLowerCase().includes(needle)) continue;
      items.push(queueItemView(r));
      if (items.length >= q.limit) break;
    }
  }
  const reports = await deps.reports.totals(q.site, items.map((i) => i.id));
  return { items: items.map((i) => ({ ...i, reports: { ...i.reports, ...reports.get(i.id) } })), scanned: ids.length, truncated: more };
}

/** Comment ids to look at, newest first, without repeats. */
async function candidates(deps: SearchDeps, q: SearchQuery, scanLimit: number): Promise<{ ids: string[]; more: boolean }> {
  const { redis, keys, site } = { ...deps, site: q.site };
  let lists: string[][];
  if (q.articleId) {
    lists = [await redis.zrevrange(keys.articleComments(site, q.articleId), 0, scanLimit)];
  } else if (q.authorId) {
    const [flagged, history] = await Promise.all([redis.zrevrange(keys.flaggedByAuthor(site, q.authorId), 0, scanLimit), deps.comments.authorHistory(site, q.authorId, 50)]);
    lists = [flagged, history.map((h) => h.commentId)];
  } else {
    const per = Math.ceil(scanLimit / 3);
    lists = await Promise.all([
      redis.zrevrange(keys.flaggedByAge(site), 0, per),
      redis.zrevrange(keys.decidedByStatus(site, 'approved'), 0, per),
      redis.zrevrange(keys.decidedByStatus(site, 'rejected'), 0, per),
    ]);
  }
  const more = lists.some((l) => l.length > scanLimit / lists.length);
  const ids = [...new Set(lists.flat())].slice(0, scanLimit);
  return { ids, more };
}
