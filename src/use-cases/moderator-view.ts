/** How a flagged (or decided) comment is shown to moderators: the queue row and the item page. */
import { severityScore } from '../moderation/priority';
import type { ReportTotals } from '../infra/report-store';
import type { CommentRecord, Decision } from '../moderation/record';

/** The decision that applies to the comment's current text, if any. */
export function currentDecision(record: CommentRecord): Decision | undefined {
  const d = record.decision;
  return d && d.bodyHash === record.bodyHash && record.status !== 'queued' ? d : undefined;
}

/**
 * One row of the moderators' queue. `claimedBy` names the moderator looking at it, if any;
 * `reports` counts open reader reports (with their reporters' weight) by reason.
 */
export function queueItemView(record: CommentRecord, claimedBy?: string, reports?: ReportTotals) {
  const d = currentDecision(record);
  return {
    id: record.comment.id,
    articleId: record.comment.articleId,
    parentId: record.comment.parentId ?? null,
    author: { id: record.comment.author.id, name: record.comment.author.name ?? null },
    body: record.comment.body,
    status: record.status,
    escalated: d?.escalated === true,
    severity: d ? Math.round(severityScore(d.reasons) * 100) / 100 : 0,
    reasons: d?.reasons ?? [],
    scores: d?.scores ?? {},
    decidedBy: d?.decidedBy ?? null,
    decidedAt: d?.decidedAt ?? null,
    note: d?.note ?? null,
    receivedAt: record.receivedAt,
    claimedBy: claimedBy ?? null,
    reports: { count: reports?.count ?? 0, weight: reports?.weight ?? 0, reasons: reports?.reasons ?? {}, total: reports?.total ?? 0 },
    /** What the pipeline decided before any moderator (for overturns). */
    autoStatus: autoStatus(record),
  };
}

export type QueueItemView = ReturnType<typeof queueItemView>;

/** Status of the last automatic decision in the comment's history (null if none). */
export function autoStatus(record: CommentRecord): string | null {
  for (let i = record.history.length - 1; i >= 0; i--) {
    const h = record.history[i];
    if (h.event === 'decided' && h.by === 'auto') return h.to ?? null;
  }
  return record.decision?.decidedBy === 'auto' ? record.status : null;
}
