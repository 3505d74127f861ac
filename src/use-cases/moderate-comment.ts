/**
 * The worker's job: judge one version of a comment and store the decision with its history and
 * its CMS event (outbox), in one atomic write. Safe to run twice for the same job (BullMQ retries,
 * stalled jobs): the second run finds the version decided and writes nothing. A group of comments
 * (one job naming several) is judged side by side and its decisions written in one script call.
 */
import type { ApplyDecisionInput, ApplyOutcome, CommentStore } from '../infra/comment-store';
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

type SiteEvent = Record<string, unknown>;

export interface ModerateDeps extends ContextDeps {
  keys: Keys;
  comments: CommentStore;
  /** Runs the site's pipeline (classifier and policy chosen per site). */
  judge: (site: string, comment: CommentInput, context: ModerationContext) => Promise<Verdict>;
  /** Live-update hook (moderator page), one event or several in one call; failures here never fail the job. */
  publish: (site: string, event: SiteEvent | SiteEvent[]) => Promise<void>;
  /** Called once per decision stored, for metrics. */
  onDecision?: (site: string, decision: Decision, record: CommentRecord) => void;
}

export type ModerateOutcome = 'applied' | 'stale' | 'moderated' | 'duplicate';

/** A comment version judged, its decision not written yet; or nothing to write and why. */
type Judged = { outcome: ModerateOutcome } | { record: CommentRecord; decision: Decision; write: ApplyDecisionInput };

/**
 * Judges the comment version named by the job. With `failure`, the automatic judgement is given up
 * (its last attempt failed): the comment is flagged for a person instead of being left queued.
 */
export async function moderateComment(job: ModerationJobData, deps: ModerateDeps, failure?: Error): Promise<ModerateOutcome> {
  const judged = await judge(job, deps, failure);
  if ('outcome' in judged) return judged.outcome;
  const outcome = stored(judged, await deps.comments.applyDecision(judged.write), deps);
  if (outcome === 'applied') await deps.publish(job.site, decidedEvent(judged)).catch(() => undefined);
  return outcome;
}

/** One comment's result in a group: its outcome, or the error that kept it from one. */
export type CommentResult = { job: ModerationJobData; outcome: ModerateOutcome } | { job: ModerationJobData; error: Error };

/**
 * Judges several comment versions of one site (one job's group) side by side: their reads are issued
 * in the same tick (auto-pipelined: one round trip per step for the whole group), their decisions
 * written in one script call and their live updates published in another. Each comment succeeds or
 * fails on its own.
 */
export async function moderateComments(jobs: ModerationJobData[], deps: ModerateDeps): Promise<CommentResult[]> {
  const judged = await Promise.allSettled(jobs.map((job) => judge(job, deps)));
  const toWrite = judged.flatMap((j, i) => (j.status === 'fulfilled' && 'write' in j.value ? [{ i, judged: j.value }] : []));
  const written = await deps.comments.applyDecisions(toWrite.map((w) => w.judged.write)).catch((err: Error) => toWrite.map(() => err));
  const results: CommentResult[] = judged.map((j, i) => (j.status === 'fulfilled' ? { job: jobs[i], outcome: 'outcome' in j.value ? j.value.outcome : 'applied' } : { job: jobs[i], error: asError(j.reason) }));
  const events: SiteEvent[] = [];
  toWrite.forEach(({ i, judged: w }, k) => {
    const answer = written[k];
    if (answer instanceof Error) return (results[i] = { job: jobs[i], error: answer });
    results[i] = { job: jobs[i], outcome: stored(w, answer, deps) };
    if (results[i].outcome === 'applied') events.push(decidedEvent(w));
  });
  if (events.length) await deps.publish(jobs[0].site, events).catch(() => undefined);
  return results;
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

async function judge(job: ModerationJobData, deps: ModerateDeps, failure?: Error): Promise<Judged> {
  const record = await deps.comments.getCurrent(job.site, job.commentId);
  if (!record) throw new MissingCommentError(`comment ${job.site}/${job.commentId} not found`);
  if (record.bodyHash !== job.bodyHash) return { outcome: 'stale' };
  if (record.status !== 'queued') return { outcome: record.decision?.decidedBy === 'auto' && record.decision.bodyHash === job.bodyHash ? 'duplicate' : 'moderated' };

  const context = failure ? undefined : await loadContext(record, deps);
  const verdict = context ? await deps.judge(job.site, record.comment, context) : needsPerson(failure!);
  const decision = toDecision(verdict, job.bodyHash, deps.now());
  const write = decisionWrite(deps.keys, record, decision, {
    mode: 'auto',
    event: 'decided',
    by: 'auto',
    codes: decision.reasons.map((r) => r.code),
    targetAuthorId: verdict.target?.authorId ?? context?.parent?.author?.id,
  });
  return { record, decision, write };
}

/** The outcome of a decision write; counts a stored one. */
function stored(judged: { record: CommentRecord; decision: Decision }, applied: { outcome: ApplyOutcome }, deps: ModerateDeps): ModerateOutcome {
  if (applied.outcome !== 'applied') return applied.outcome === 'missing' ? 'stale' : applied.outcome;
  deps.onDecision?.(judged.record.site, judged.decision, judged.record);
  return 'applied';
}

const decidedEvent = ({ record, decision }: { record: CommentRecord; decision: Decision }): SiteEvent => ({ type: 'decided', id: record.comment.id, status: decision.status, decidedBy: 'auto' });

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
