/**
 * Harassment: abuse (insult, threat, identity attack, the classifier's targeted-abuse estimate) aimed at a
 * participant of the conversation. Profanity aimed at nobody is not harassment. Repeated targeting (the same
 * author's earlier flagged or rejected abuse at the same person or on the same article, within a window)
 * escalates the score and says so.
 */
import type { AuthorHistoryEntry, CommentInput, ModerationContext, ReasonCode } from '../types';
import type { EffectivePolicy } from '../../../config/policy-schema';
import { clamp01, type Finding, type Phase, type Target } from './phase';
import { findTarget } from './target';
import { threatAtReader } from './threat';

const ABUSE_CODES = new Set<ReasonCode>(['INSULT', 'HARASSMENT', 'THREAT', 'IDENTITY_ATTACK', 'TOXICITY']);
/** Without an addressee, the classifier's harassment estimate counts only this much. */
const UNTARGETED = 0.5;
const ADDRESSED = 0.9;
const CRUDE = 0.7;

export const targetingPhase: Phase = {
  name: 'targeting',
  run({ comment, context, policy, state }) {
    const s = state.scores;
    const model = state.classification?.scores.harassment ?? 0;
    const target = findTarget(comment, state.tokens, context);
    // Crude or toxic language counts as abuse only when explicitly addressed to someone ("@John … pussy").
    const addressed = target && target.strength >= ADDRESSED ? CRUDE * Math.max(s.toxicity ?? 0, s.profanity ?? 0) : 0;
    const abuse = Math.max(s.insult ?? 0, s.threat ?? 0, s.identityAttack ?? 0, model, addressed);
    const priors = target || abuse > 0 ? priorAbuse(comment, context, target, policy.policy) : [];
    const t = policy.policy.targeting;
    const boost = abuse >= t.minAbuse ? Math.min(t.maxBoost, t.stepPerPrior * priors.length) : 0;
    const base = target ? abuse * target.strength : Math.min(model, abuse) * UNTARGETED;
    // A threat aimed at a reader or participant is harassment at the threat's own score (max: counted once).
    const threat = threatAtReader(state.findings);
    const harassment = clamp01(Math.max(base, threat?.score ?? 0) + boost);
    const cls = state.classification?.spans ?? {};
    const spans = [...(threat?.spans ?? []), ...(cls.harassment ?? []), ...(cls.insult ?? []), ...(cls.threat ?? []), ...(cls.identityAttack ?? [])];
    const aimed = target ? `aimed at ${target.name ? target.name : 'a reader'} (${target.how})` : 'aimed at nobody in the conversation';
    const repeat = boost > 0 ? `; ${priors.length} earlier flagged/rejected abusive comment(s) by this author at the same ${priors.some((p) => target?.authorId && p.targetAuthorId === target.authorId) ? 'person' : 'thread'} within ${t.windowHours} h` : '';
    const finding: Finding = { category: 'harassment', code: 'HARASSMENT', score: harassment, spans, message: `${threat && threat.score > base ? 'Threat' : 'Abuse'} ${aimed}${repeat}` };
    return { scores: { ...s, harassment }, findings: [finding], target };
  },
};

/** The author's recent flagged/rejected abusive comments at the same person or on the same article. */
function priorAbuse(comment: CommentInput, context: ModerationContext, target: Target | undefined, policy: EffectivePolicy): AuthorHistoryEntry[] {
  const now = Date.parse(context.now);
  const windowMs = policy.targeting.windowHours * 3_600_000;
  return context.authorHistory.filter(
    (e) =>
      e.status !== 'approved' &&
      now - Date.parse(e.at) <= windowMs &&
      e.codes.some((c) => ABUSE_CODES.has(c)) &&
      ((target?.authorId !== undefined && e.targetAuthorId === target.authorId) || e.articleId === comment.articleId),
  );
}
