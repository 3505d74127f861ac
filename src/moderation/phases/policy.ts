/**
 * The policy: per-category thresholds turn scores into flag/reject reasons (lowered for authors whose recent
 * comments were mostly rejected); fixed-action findings (banned words, repeat posts) apply as they are;
 * pre-moderation sends whatever would be approved to the queue. The strictest action wins. An insult with no
 * addressee in the conversation is flagged at most.
 */
import { CATEGORIES, type Action, type AuthorHistoryEntry, type Reason } from '../types';
import type { EffectivePolicy } from '../../../config/policy-schema';
import type { Finding, Phase } from './phase';

const RANK: Record<Action, number> = { approve: 0, flag: 1, reject: 2 };

export const policyPhase: Phase = {
  name: 'policy',
  run({ context, policy: { policy }, state }) {
    const history = rejectionRate(context.authorHistory, policy);
    const decided: Array<{ action: Action; reason: Reason }> = [];
    for (const category of CATEGORIES) {
      const score = state.scores[category];
      if (score === undefined) continue;
      const t = policy.thresholds[category];
      const flagAt = Math.min(t.flag * history.factor, t.reject);
      if (score < flagAt) continue;
      const best = bestFinding(state.findings, category);
      const lowered = score < t.flag ? ` (flag threshold lowered: ${history.note})` : '';
      const message = (best?.message ?? `${category} score ${score.toFixed(2)}`) + lowered;
      // An insult aimed at nobody in the conversation (the article, the paper, a politician) is criticism
      // a moderator should weigh: it is flagged, never rejected unseen.
      const untargeted = score >= t.reject && category === 'insult' && !state.target;
      const note = untargeted ? ' (aimed at nobody in the conversation: left to a moderator)' : '';
      const action = score >= t.reject && !untargeted ? 'reject' : 'flag';
      decided.push({ action, reason: { code: best?.code ?? 'TOXICITY', score, message: message + note, spans: best?.spans ?? [] } });
    }
    for (const f of state.findings) {
      if (f.action) decided.push({ action: f.action, reason: { code: f.code, score: f.score, message: f.message, spans: f.spans } });
    }
    let action: Action = decided.reduce<Action>((a, d) => (RANK[d.action] > RANK[a] ? d.action : a), 'approve');
    decided.sort((a, b) => RANK[b.action] - RANK[a.action] || b.reason.score - a.reason.score);
    const reasons = decided.map((d) => d.reason);
    if (policy.premoderation && action === 'approve') {
      action = 'flag';
      reasons.push({ code: 'PREMODERATION', score: 1, message: 'The site pre-moderates every comment', spans: [] });
    }
    return { decision: { action, reasons } };
  },
};

function bestFinding(findings: readonly Finding[], category: string): Finding | undefined {
  let best: Finding | undefined;
  for (const f of findings) if (f.category === category && (!best || f.score >= best.score)) best = f;
  return best;
}

/** Lowers flag thresholds for authors whose recent decisions were mostly rejections. */
function rejectionRate(history: readonly AuthorHistoryEntry[], policy: EffectivePolicy): { factor: number; note: string } {
  const s = policy.authorHistory;
  const recent = history.slice(0, s.recent);
  const rejected = recent.filter((e) => e.status === 'rejected').length;
  const rate = recent.length ? rejected / recent.length : 0;
  const applies = recent.length >= s.minDecisions && rate >= s.rejectRate;
  return { factor: applies ? s.thresholdFactor : 1, note: `${rejected} of the author's last ${recent.length} comments were rejected` };
}
