/**
 * Which sorted sets a comment sits in while it waits in the moderators' queue, and with what
 * score. Used for every decision, automatic or by a moderator, so the queue's indexes never drift.
 */
import type { IndexEntry } from '../infra/comment-store';
import type { Keys } from '../infra/keys';
import { queuePriority } from '../moderation/priority';
import type { CommentRecord, Decision } from '../moderation/record';

export function flaggedIndexes(keys: Keys, record: CommentRecord, decision: Decision): IndexEntry[] {
  if (decision.status !== 'flagged') return [];
  const site = record.site;
  const receivedMs = Date.parse(record.receivedAt);
  const priority = queuePriority(decision.reasons, receivedMs);
  const codes = [...new Set(decision.reasons.map((r) => r.code))];
  return [
    [keys.flaggedByPriority(site), priority],
    [keys.flaggedByAge(site), receivedMs],
    [keys.flaggedByArticle(site, record.comment.articleId), priority],
    [keys.flaggedByAuthor(site, record.comment.author.id), priority],
    ...codes.map((code): IndexEntry => [keys.flaggedByReason(site, code), priority]),
  ];
}
