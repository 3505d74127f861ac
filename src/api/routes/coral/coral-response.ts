/**
 * Our decision in Coral's terms. Approved: no opinion (204), so Coral's own settings (pre-moderation,
 * its other phases) still apply. Flagged: withheld for Coral's moderators with a FLAG action, as
 * Coral's own toxic phase does. Rejected: REJECTED with a rejection reason code and explanation.
 */
import type { Decision } from '../../../moderation/record';
import type { ReasonCode } from '../../../moderation/types';
import type { CoralResponse } from './schemas';

const REJECTION_CODE: Partial<Record<ReasonCode, NonNullable<CoralResponse['moderationAction']>['rejectionReason']['code']>> = {
  TOXICITY: 'OFFENSIVE',
  PROFANITY: 'OFFENSIVE',
  INSULT: 'ABUSIVE',
  THREAT: 'ABUSIVE',
  HARASSMENT: 'HARASSMENT_BULLYING',
  IDENTITY_ATTACK: 'HATE_SPEECH',
  OFF_TOPIC: 'IRRELEVANT_CONTENT',
  SPAM: 'SPAM',
  REPEAT_POST: 'SPAM',
  BANNED_WORD: 'BANNED_WORD',
  SUSPECT_WORD: 'BANNED_WORD',
};

const isSpam = (code: ReasonCode) => code === 'SPAM' || code === 'REPEAT_POST';

/** The answer body, or null for "no opinion" (HTTP 204). */
export function toCoralResponse(decision: Pick<Decision, 'status' | 'reasons'>): CoralResponse | null {
  if (decision.status === 'approved') return null;
  const codes = decision.reasons.map((r) => r.code);
  const actions: CoralResponse['actions'] = [];
  if (codes.some(isSpam)) actions.push({ actionType: 'FLAG', reason: 'COMMENT_DETECTED_SPAM' });
  if (!codes.length || codes.some((c) => !isSpam(c))) actions.push({ actionType: 'FLAG', reason: 'COMMENT_DETECTED_TOXIC' });
  if (decision.status === 'flagged') return { actions, status: 'SYSTEM_WITHHELD' };
  const first = decision.reasons[0];
  return {
    actions,
    status: 'REJECTED',
    moderationAction: {
      status: 'REJECTED',
      rejectionReason: { code: (first && REJECTION_CODE[first.code]) ?? 'OTHER', ...(first ? { detailedExplanation: first.message.slice(0, 500) } : {}) },
    },
  };
}
