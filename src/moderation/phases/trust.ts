/** Trusted authors and staff bypass scoring entirely: approved with no reasons. */
import type { Phase } from './phase';

export const trustPhase: Phase = {
  name: 'trust',
  run({ comment, policy }) {
    return policy.trusted.has(comment.author.id) ? { decision: { action: 'approve', reasons: [] } } : {};
  },
};
