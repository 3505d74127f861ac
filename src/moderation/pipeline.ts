/**
 * The moderation pipeline: classify the comment, then let the policy turn scores into a verdict.
 * Pure: everything it needs arrives in `comment`, `context` and `deps`.
 *
 * (Backbone version. The conversation issue replaces the body with ordered phases:
 * normalise → classify → targeting → relevance → spam → policy.)
 */
import type { Policy } from '../../config/policy-schema';
import type { Classifier, CommentInput, ModerationContext, Reason, ReasonCode, Category, Verdict, Action } from './types';

export interface PipelineDeps {
  classifier: Classifier;
  policy: Policy;
}

const CODE_OF: Record<Category, ReasonCode> = {
  toxicity: 'TOXICITY',
  insult: 'INSULT',
  threat: 'THREAT',
  identityAttack: 'IDENTITY_ATTACK',
  profanity: 'PROFANITY',
  harassment: 'HARASSMENT',
  offTopic: 'OFF_TOPIC',
  spam: 'SPAM',
};

export async function moderate(comment: CommentInput, context: ModerationContext, deps: PipelineDeps): Promise<Verdict> {
  const started = performance.now();
  const result = await deps.classifier.classify({ text: comment.body });
  const classifyMs = performance.now() - started;
  const reasons: Reason[] = [];
  let action: Action = 'approve';
  for (const [category, score] of Object.entries(result.scores) as Array<[Category, number]>) {
    const t = deps.policy.thresholds[category];
    if (!t || score < t.flag) continue;
    const verdict: Action = score >= t.reject ? 'reject' : 'flag';
    if (verdict === 'reject' || action === 'approve') action = verdict;
    reasons.push({ code: CODE_OF[category], score, message: `${category} score ${score.toFixed(2)}`, spans: result.spans[category] ?? [] });
  }
  if (deps.policy.premoderation && action === 'approve') {
    action = 'flag';
    reasons.push({ code: 'PREMODERATION', score: 1, message: 'Site pre-moderates every comment', spans: [] });
  }
  void context;
  return {
    action,
    reasons,
    scores: result.scores,
    provider: result.provider,
    modelVersion: result.modelVersion,
    policyVersion: deps.policy.version,
    timings: { classify: classifyMs, total: performance.now() - started },
  };
}
