/**
 * The worker's job: judge one version of a comment and store the decision with its history and
 * its CMS event (outbox), in one atomic write. Safe to run twice for the same job (BullMQ retries,
 * stalled jobs): the second run finds the version decided and writes nothing.
 */
import type { CommentStore } from '../infra/comment-store';
import type { Keys } from '../infra/keys';
import type { ModerationJobData } from '../infra/queues';
import { decisionWrite } from './decision-write';
import { loadContext, type ContextDeps } from './load-context';
import type { CommentRecord, Decision } from '../moderation/record';
import { STATUS_OF_ACTION, type CommentInput, type ModerationContext, type Verdict } from '../moderation/types';

/** The comment the job names does not exist: retrying cannot help. */
export class MissingCommentError extends Error {
  override name = 'MissingCommentError';
}

export interface ModerateDeps extends ContextDeps {
  keys: Keys;
  comments: CommentStore;
  /** Runs the site's pipeline (classifier and policy chosen per site). */
  judge: (site: string, comment: CommentInput, context: ModerationContext) => Promise<Verdict>;
  /** Live-update hook (moderator page); failures here never fail the job. */
  publish: (site: string, event: Record<string, unknown>) => Promise<void>;
  /** Called once per decision stored, for metrics. */
  onDecision?: (site: string, decision: Decision, record: CommentRecord) => void;
}

export type ModerateOutcome = 'applied' | 'stale' | 'moderated' | 'duplicate';

/**
 * Judges the comment version named by the job. With `failure`, the automatic judgement is given up
 * (its last attempt failed): the comment is flagged for a person instead of being left queued.
 */
export async function moderateComment(job: ModerationJobData, deps: ModerateDeps, failure?: Error): Promise<ModerateOutcome> {
  const record = await deps.comments.getCurrent(job.site, job.commentId);
  if (!record) throw new MissingCommentError(`comment ${job.site}/${job.commentId} not found`);
  if (record.bodyHash !== job.bodyHash) return 'stale';

  if (record.status !== 'queued') return record.decision?.decidedBy === 'auto' && record.decision.bodyHash === job.bodyHash ? 'duplicate' : 'moderated';

  const context = failure ? undefined : await loadContext(record, deps);
  const verdict = context ? await deps.judge(job.site, record.comment, context) : needsPerson(failure!);
  const decision = toDecision(verdict, job.bodyHash, deps.now());
  const applied = await deps.comments.applyDecision(
    decisionWrite(deps.keys, record, decision, {
      mode: 'auto',
      event: 'decided',
      by: 'auto',
      codes: decision.reasons.map((r) => r.code),
      targetAuthorId: verdict.target?.authorId ?? context?.parent?.author?.id,
    }),
  );
  if (applied.outcome !== 'applied') return applied.outcome === 'missing' ? 'stale' : applied.outcome;
  deps.onDecision?.(job.site, decision, record);
  await deps.publish(job.site, { type: 'decided', id: job.commentId, status: decision.status, decidedBy: 'auto' }).catch(() => undefined);
  return 'applied';
}

/** One comment's result in a group: its outcome, or the error that kept it from one. */
export type CommentResult = { job: ModerationJobData; outcome: ModerateOutcome } | { job: ModerationJobData; error: Error };

/**
 * Judges several comment versions (one job's group) side by side: their reads, and then their
 * decision writes, are issued in the same tick, so the connection's auto-pipelining sends each step
 * for the whole group in one round trip. Each comment succeeds or fails on its own.
 */
export async function moderateComments(jobs: ModerationJobData[], deps: ModerateDeps): Promise<CommentResult[]> {
  const settled = await Promise.allSettled(jobs.map((job) => moderateComment(job, deps)));
  return settled.map((s, i) => (s.status === 'fulfilled' ? { job: jobs[i], outcome: s.value } : { job: jobs[i], error: s.reason instanceof Error ? s.reason : new Error(String(s.reason)) }));
}

function needsPerson(failure: Error): Verdict {
  return {
    action: 'flag',
    reasons: [{ code: 'PREMODERATION', score: 1, message: `Automatic moderation failed (${failure.message.slice(0, 200)}); needs a moderator`, spans: [] }],
    scores: {},
    provider: 'none',
    modelVersion: 'none',
    policyVersion: 'none',
    timings: {},
  };
}

/** Scores are stored to 4 decimals: enough for thresholds and review, a fraction of the bytes. */
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** The stored decision: per-phase timings stay in metrics and logs, not in every record. */
function toDecision(verdict: Verdict, hash: string, now: Date): Decision {
  return {
    status: STATUS_OF_ACTION[verdict.action],
    reasons: verdict.reasons.map((r) => ({ ...r, score: round4(r.score) })),
    scores: Object.fromEntries(Object.entries(verdict.scores).map(([k, v]) => [k, typeof v === 'number' ? round4(v) : v])) as Verdict['scores'],
    decidedBy: 'auto',
    decidedAt: now.toISOString(),
    bodyHash: hash,
    modelVersion: verdict.modelVersion,
    policyVersion: verdict.policyVersion,
    provider: verdict.provider,
    ...(verdict.adapter ? { adapter: verdict.adapter } : {}),
  };
}
