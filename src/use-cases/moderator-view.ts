/** How a flagged (or decided) comment is shown to moderators: the queue row and the item page. */
import { severityScore } from '../moderation/priority';
import type { CommentRecord, Decision } from '../moderation/record';

/** The decision that applies to the comment's current text, if any. */
export function currentDecision(record: CommentRecord): Decision | undefined {
  const d = record.decision;
  return d && d.bodyHash === record.bodyHash && record.status !== 'queued' ? d : undefined;
}

/** One row of the moderators' queue. `claimedBy` names the moderator looking at it, if any. */
export function queueItemView(record: CommentRecord, claimedBy?: string) {
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
  };
}

export type QueueItemView = ReturnType<typeof queueItemView>;
