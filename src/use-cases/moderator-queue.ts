/**
 * What a moderator reads: a page of the flagged queue, and one item with everything needed to
 * decide it (article, parent, nearby thread, the author's recent record, claim, history).
 */
import type { ArticleStore } from '../infra/article-store';
import type { ClaimStore } from '../infra/claim-store';
import type { CommentStore } from '../infra/comment-store';
import type { ModerationQueueStore, QueuePageQuery, QueueCursor } from '../infra/moderation-queue-store';
import type { ReportStore } from '../infra/report-store';
import type { CommentRecord } from '../moderation/record';
import { queueItemView, type QueueItemView } from './moderator-view';

export interface ModeratorQueueDeps {
  comments: CommentStore;
  articles: ArticleStore;
  queue: ModerationQueueStore;
  claims: ClaimStore;
  reports: ReportStore;
}

export interface QueueListing {
  items: QueueItemView[];
  total: number;
  next?: QueueCursor;
}

/** The status an item of each listing has (a comment that moved on between reads is left out). */
const STATUS_OF_QUEUE: Partial<Record<NonNullable<QueuePageQuery['queue']>, string>> = { flagged: 'flagged', escalated: 'flagged', approved: 'approved', rejected: 'rejected' };

/** A page of a queue in its order, each item with its current claim holder and open reports. */
export async function listQueue(deps: ModeratorQueueDeps, query: QueuePageQuery): Promise<QueueListing> {
  const page = await deps.queue.page(query);
  const ids = page.entries.map((e) => e.id);
  const [records, holders, reports] = await Promise.all([deps.comments.getMany(query.site, ids), deps.claims.holders(query.site, ids), deps.reports.totals(query.site, ids)]);
  const status = STATUS_OF_QUEUE[query.queue ?? 'flagged'];
  const items = records.filter((r) => !status || r.status === status).map((r) => queueItemView(r, holders.get(r.comment.id), reports.get(r.comment.id)));
  return { items, total: page.total, next: page.next };
}

const EXCERPT = 600;
const excerpt = (text: string, max = EXCERPT) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const httpUrl = (url?: string) => (url && /^https?:\/\//i.test(url) ? url : null);
const brief = (r: CommentRecord) => ({ id: r.comment.id, author: { id: r.comment.author.id, name: r.comment.author.name ?? null }, body: excerpt(r.comment.body), status: r.status, receivedAt: r.receivedAt });

/** The item page: null when the comment does not exist on this site. */
export async function queueItemContext(deps: ModeratorQueueDeps, site: string, id: string) {
  const record = await deps.comments.get(site, id);
  if (!record) return null;
  const { comment } = record;
  const [article, parent, threadIds, authorHistory, holders, reportTotals, reports] = await Promise.all([
    deps.articles.get(site, comment.articleId),
    comment.parentId ? deps.comments.get(site, comment.parentId) : null,
    deps.comments.recentOnArticle(site, comment.articleId, Date.parse(record.receivedAt), 6),
    deps.comments.authorHistory(site, comment.author.id, 20),
    deps.claims.holders(site, [id]),
    deps.reports.totals(site, [id]),
    deps.reports.list(site, id),
  ]);
  const recent = authorHistory.filter((h) => h.commentId !== id).slice(0, 10);
  const [thread, authorComments] = await Promise.all([
    deps.comments.getMany(site, threadIds.filter((t) => t !== id && t !== comment.parentId).slice(-5)),
    deps.comments.getMany(site, [...new Set(recent.map((h) => h.commentId))]),
  ]);
  const bodies = new Map(authorComments.map((r) => [r.comment.id, excerpt(r.comment.body, 280)]));
  return {
    item: queueItemView(record, holders.get(id), reportTotals.get(id)),
    reports: reports.map((r) => ({ reason: r.reason, note: r.note ?? null, at: r.at, weight: Math.round(r.weight * 100) / 100, resolved: r.resolved ?? null })),
    article: article ? { id: article.id, title: article.title, excerpt: excerpt(article.body), url: httpUrl(article.url) } : null,
    parent: parent ? brief(parent) : null,
    thread: thread.map(brief),
    author: {
      id: comment.author.id,
      name: comment.author.name ?? null,
      recent: recent.map((h) => ({ commentId: h.commentId, status: h.status, codes: h.codes, at: h.at, body: bodies.get(h.commentId) ?? null })),
    },
    history: record.history,
  };
}
