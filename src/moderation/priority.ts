/**
 * Priority of a flagged comment in the moderators' queue: the most severe, most certain reasons
 * first; among equals, the oldest first.
 */
import type { Reason, ReasonCode } from './types';

/** How much harm a reason stands for (higher is reviewed first). */
export const SEVERITY: Record<ReasonCode, number> = {
  THREAT: 5,
  IDENTITY_ATTACK: 4,
  HARASSMENT: 4,
  BANNED_WORD: 3,
  INSULT: 3,
  TOXICITY: 2,
  SUSPECT_WORD: 2,
  SITE_STANDARD: 2,
  REPEAT_POST: 2,
  SPAM: 2,
  PROFANITY: 1,
  OFF_TOPIC: 1,
  PREMODERATION: 0.5,
  MODERATOR: 0.5,
};

/** Severity-weighted score of the strongest reason, 0..5. */
export function severityScore(reasons: readonly Reason[]): number {
  return reasons.reduce((max, r) => Math.max(max, SEVERITY[r.code] * Math.min(1, Math.max(0, r.score))), 0);
}

/**
 * One sortable number: severity score in steps of 1/1000 in the high digits, and age in the low
 * ones (older → larger), so a descending sort gives priority then age. Stays below 2^53.
 */
export function queuePriority(reasons: readonly Reason[], receivedAtMs: number): number {
  const severity = Math.round(severityScore(reasons) * 1000); // 0..5000
  const ageRank = 1e10 - Math.floor(receivedAtMs / 1000); // seconds; older comments rank higher
  return severity * 1e10 + Math.max(0, ageRank);
}
