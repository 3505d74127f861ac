/**
 * How a decision is written: which sorted sets a comment sits in while it waits in the moderators'
 * queue (and with what score), its history entry and the author's record. Used for every decision,
 * automatic or by a moderator, so the queue's indexes and the audit trail never drift.
 */
import { randomUUID } from 'node:crypto';
import type { ApplyDecisionInput, IndexEntry } from '../infra/comment-store';
import type { Keys } from '../infra/keys';
import { queuePriority } from '../moderation/priority';
import type { CommentRecord, Decision, HistoryEvent } from '../moderation/record';
import type { CommentInput, ReasonCode } from '../moderation/types';

/** Escalated items rank above every other flagged item (priorities stay below 2^53). */
export const ESCALATION_BOOST = 1e14;

/**
 * Every queue index the comment sits in after `decision`: the flagged indexes below, the Escalated
 * queue, or the Approved / Rejected listing (scored by decision time). A later decision moves it.
 */
export function queueIndexes(keys: Keys, record: CommentRecord, decision: Decision): IndexEntry[] {
  if (decision.status === 'approved' || decision.status === 'rejected') return [[keys.decidedByStatus(record.site, decision.status), Date.parse(decision.decidedAt)]];
  const flagged = flaggedIndexes(keys, record, decision);
  return decision.escalated && flagged.length ? [...flagged, [keys.escalated(record.site), flagged[0][1]]] : flagged;
}

/** The flagged queue's indexes (priority, age, per article, author and reason); none unless flagged. */
export function flaggedIndexes(keys: Keys, record: CommentRecord, decision: Decision): IndexEntry[] {
  if (decision.status !== 'flagged') return [];
  const site = record.site;
  const receivedMs = Date.parse(record.receivedAt);
  const priority = queuePriority(decision.reasons, receivedMs) + (decision.escalated ? ESCALATION_BOOST : 0);
  const codes = [...new Set(decision.reasons.map((r) => r.code))];
  return [
    [keys.flaggedByPriority(site), priority],
    [keys.flaggedByAge(site), receivedMs],
    [keys.flaggedByArticle(site, record.comment.articleId), priority],
    [keys.flaggedByAuthor(site, record.comment.author.id), priority],
    ...codes.map((code): IndexEntry => [keys.flaggedByReason(site, code), priority]),
  ];
}

export interface DecisionWriteOptions {
  mode: ApplyDecisionInput['mode'];
  event: HistoryEvent;
  /** `auto` or the moderator's name. */
  by: string;
  /** Reason codes recorded in the history and the author's record. */
  codes: ReasonCode[];
  /** Author the comment was aimed at, if known (repeated-targeting checks). */
  targetAuthorId?: string;
  note?: string;
}

/** Everything `CommentStore.applyDecision` needs to store `decision` on `record` atomically, its CMS event included. */
export function decisionWrite(keys: Keys, record: CommentRecord, decision: Decision, o: DecisionWriteOptions): ApplyDecisionInput {
  const at = decision.decidedAt;
  return {
    site: record.site,
    commentId: record.comment.id,
    mode: o.mode,
    decision,
    history: { at, event: o.event, by: o.by, from: record.status, to: decision.status, bodyHash: decision.bodyHash, ...(o.codes.length ? { codes: o.codes } : {}), ...(o.note ? { note: o.note } : {}) },
    authorEntry: { commentId: record.comment.id, status: decision.status, codes: o.codes, targetAuthorId: o.targetAuthorId, articleId: record.comment.articleId, at },
    authorId: record.comment.author.id,
    indexes: queueIndexes(keys, record, decision),
    event: commentModeratedEvent(record.site, record.comment, decision),
    eventId: randomUUID(),
  };
}

/**
 * The body a CMS receives after any decision, automatic or by a moderator (the outbox adds
 * `eventId` and the comment's `sequence` in front).
 */
export type CommentModeratedEvent = {
  type: 'comment.moderated';
  site: string;
  comment: { id: string; articleId: string };
  status: Decision['status'];
  reasons: Array<{ code: string; score: number; message: string }>;
  decidedBy: string;
  decidedAt: string;
  /** The body version decided (the CMS may compare it with what it shows). */
  bodyHash: string;
};

export function commentModeratedEvent(site: string, comment: CommentInput, decision: Decision): CommentModeratedEvent {
  return {
    type: 'comment.moderated',
    site,
    comment: { id: comment.id, articleId: comment.articleId },
    status: decision.status,
    reasons: decision.reasons.map(({ code, score, message }) => ({ code, score, message })),
    decidedBy: decision.decidedBy,
    decidedAt: decision.decidedAt,
    bodyHash: decision.bodyHash,
  };
}
