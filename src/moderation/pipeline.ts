/**
 * The moderation pipeline: runs the ordered phases (./phases/index.ts) over one comment and its conversation
 * and returns the verdict. Pure: everything it needs arrives in `comment`, `context` and `deps`.
 */
import type { EffectivePolicy, Policy } from '../../config/policy-schema';
import type { Classifier, CommentInput, ModerationContext, Verdict } from './types';
import { compilePolicy, type CompiledPolicy } from './compile-policy';
import { PHASES } from './phases';
import type { Phase, PhaseState } from './phases/phase';
import type { SiteAdapter } from '../site-learning/types';

export interface PipelineDeps {
  classifier: Classifier;
  /** The site's policy, ideally `resolvePolicy(global, site.policy)` computed once; it is compiled once and cached. */
  policy: Policy | EffectivePolicy;
  /** A precompiled policy (`compilePolicy(policy)`); when given, `policy` is only used for its identity. */
  compiled?: CompiledPolicy;
  /** The site's adapter learnt from its moderation history (src/site-learning), if it has one. */
  adapter?: SiteAdapter;
  /** Replaces the default phase list (tests, experiments). */
  phases?: readonly Phase[];
}

/**
 * Moderates one comment. Promises: `scores` holds the classifier's categories plus `harassment`, `offTopic`
 * and `spam`; every flag or reject carries at least one reason (code, score, message, spans into the body);
 * `timings` has milliseconds per phase and `total`. Rejects only if the classifier does.
 */
export async function moderate(comment: CommentInput, context: ModerationContext, deps: PipelineDeps): Promise<Verdict> {
  const started = performance.now();
  const policy = deps.compiled ?? compilePolicy(deps.policy);
  // One state object, updated in place after each phase (phases are pure and keep no reference to it).
  const state: PhaseState = { tokens: [], scores: {}, findings: [] };
  const timings: Record<string, number> = {};
  // One input for every phase: `state` is the object updated in place.
  const input = { comment, context, policy, classifier: deps.classifier, adapter: deps.adapter, state };
  for (const phase of deps.phases ?? PHASES) {
    const t0 = performance.now();
    const ran = phase.run(input);
    const out = ran instanceof Promise ? await ran : ran; // most phases are synchronous: no microtask for them
    timings[phase.name] = performance.now() - t0;
    const before = state.findings;
    Object.assign(state, out);
    state.findings = out.findings && out.findings !== before ? before.concat(out.findings) : before;
    if (state.decision) break;
  }
  timings.total = performance.now() - started;
  const decision = state.decision ?? { action: 'approve', reasons: [] };
  const target = state.target && (state.target.authorId || state.target.name) ? { authorId: state.target.authorId, name: state.target.name } : undefined;
  return {
    action: decision.action,
    reasons: decision.reasons,
    scores: { harassment: 0, offTopic: 0, spam: 0, ...state.scores },
    provider: state.classification?.provider ?? deps.classifier.name,
    modelVersion: state.classification?.modelVersion ?? deps.classifier.version,
    policyVersion: policy.policy.version,
    ...(state.adapter ? { adapter: state.adapter } : {}),
    timings,
    ...(target ? { target } : {}),
  };
}
