/** The public shape of a stored comment (GET /v1/sites/:site/comments/:id). */
import type { CommentRecord } from '../moderation/record';

export function commentView(record: CommentRecord) {
  const d = record.decision;
  const current = d && d.bodyHash === record.bodyHash && record.status !== 'queued';
  return {
    id: record.comment.id,
    articleId: record.comment.articleId,
    parentId: record.comment.parentId,
    author: record.comment.author,
    body: record.comment.body,
    status: record.status,
    reasons: current ? d.reasons : [],
    scores: current ? d.scores : {},
    decidedBy: current ? d.decidedBy : null,
    decidedAt: current ? d.decidedAt : null,
    modelVersion: current ? d.modelVersion : null,
    policyVersion: current ? d.policyVersion : null,
    provider: current ? d.provider : null,
    adapter: current ? (d.adapter ?? null) : null,
    note: current ? d.note : undefined,
    receivedAt: record.receivedAt,
    updatedAt: record.updatedAt,
    history: record.history,
  };
}
