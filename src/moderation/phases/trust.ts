/**
 * Moderators' standing decisions about the author come first: a banned or suspended author's comment
 * is rejected, a pre-moderated author's waits for a person. Then trusted authors and staff (the
 * policy's list, or trusted by a moderator) bypass scoring entirely: approved with no reasons.
 */
import type { Phase } from './phase';

export const trustPhase: Phase = {
  name: 'trust',
  run({ comment, context, policy }) {
    const m = context.authorModeration;
    if (m?.banned) return { decision: { action: 'reject', reasons: [{ code: 'MODERATOR', score: 1, message: 'The author is banned by a moderator', spans: [] }] } };
    if (m?.suspendedUntil && m.suspendedUntil > context.now) {
      return { decision: { action: 'reject', reasons: [{ code: 'MODERATOR', score: 1, message: `The author is suspended until ${m.suspendedUntil}`, spans: [] }] } };
    }
    if (m?.premoderate) return { decision: { action: 'flag', reasons: [{ code: 'PREMODERATION', score: 1, message: 'A moderator pre-moderates every comment of this author', spans: [] }] } };
    return policy.trusted.has(comment.author.id) || m?.trusted ? { decision: { action: 'approve', reasons: [] } } : {};
  },
};
