/**
 * BullMQ entry point for moderation jobs: validates the job, runs `moderateComment` for its comment
 * (or `moderateComments` for a group, see src/infra/moderation-jobs.ts), and tells BullMQ which
 * failures are permanent (no retry) and which are transient (retry with backoff). In a group each
 * comment stands alone: the others are decided, and the job is retried for the ones that failed (a
 * retry skips those already decided). A comment whose job fails for good — its last attempt failed,
 * or it stalled past `maxStalledCount` (the worker holding it died again and again) — never stays
 * `queued`: it is flagged for a person, counted (`moderation_jobs_given_up_total`) and logged.
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import type { Keys } from '../src/infra/keys';
import type { Metrics } from '../src/infra/metrics';
import { rateLimitedErrorLog, type ModerationJobData, type ModerationPayload } from '../src/infra/queues';
import type { Logger } from '../src/logger';
import { MissingCommentError, moderateComment, moderateComments, type ModerateDeps, type ModerateOutcome } from '../src/use-cases/moderate-comment';
import { parseModerationJob } from './moderation-job';

/** BullMQ's reason for a job that stalled more than `maxStalledCount` times. */
const STALLED_OUT = /stalled more than allowable limit/;

export interface ModerationWorkerOptions {
  connection: ConnectionOptions;
  keys: Keys;
  /** Which queue shard this worker consumes (see keys.queuePrefix); 0 by default. */
  shard?: number;
  concurrency: number;
  /** Lock and stalled-job check timing (BullMQ), see config `worker`. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  logger: Logger;
  metrics: Metrics;
  deps: ModerateDeps;
}

type Outcomes = Partial<Record<ModerateOutcome | 'missing' | 'given-up', number>>;

export function startModerationWorker(opts: ModerationWorkerOptions): Worker<ModerationPayload> {
  const worker = new Worker<ModerationPayload>(
    opts.keys.moderationQueue,
    async (job) => {
      const parsed = parseModerationJob(job.data);
      if (!parsed.ok) throw new UnrecoverableError(parsed.error);
      const end = opts.metrics.jobDuration.startTimer({ site: parsed.comments[0].site });
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      try {
        if (!parsed.group) return await moderateOne(job, parsed.comments[0], lastAttempt);
        for (const m of parsed.malformed) opts.logger.error({ jobId: job.id, index: m.index, err: m.error, alert: 'moderation_malformed' }, 'skipped a malformed entry of a moderation group');
        return await moderateGroup(job, parsed.comments, lastAttempt);
      } finally {
        end();
      }
    },
    {
      connection: opts.connection,
      prefix: opts.keys.queuePrefix(opts.shard ?? 0),
      concurrency: opts.concurrency,
      // BullMQ takes an explicit undefined as a value, so only pass what is set.
      ...(opts.lockDurationMs ? { lockDuration: opts.lockDurationMs } : {}),
      ...(opts.stalledIntervalMs ? { stalledInterval: opts.stalledIntervalMs } : {}),
      // A job that stalls twice (its worker died twice while holding it) fails instead of looping.
      maxStalledCount: 2,
    },
  );

  async function moderateOne(job: Job<ModerationPayload>, data: ModerationJobData, lastAttempt: boolean): Promise<ModerateOutcome> {
    try {
      return await moderateComment(data, opts.deps);
    } catch (err) {
      if (err instanceof MissingCommentError) throw new UnrecoverableError(err.message);
      // Last attempt of a transient failure: hand the comment to a person rather than leave it queued.
      if (lastAttempt) return await giveUp(job.id, data, err as Error, 'attempts');
      throw err;
    }
  }

  /** Every comment of the group judged side by side; the job fails (and is retried) only for those that failed. */
  async function moderateGroup(job: Job<ModerationPayload>, comments: ModerationJobData[], lastAttempt: boolean): Promise<Outcomes> {
    const outcomes: Outcomes = {};
    const failed: Array<{ data: ModerationJobData; error: Error }> = [];
    for (const r of await moderateComments(comments, opts.deps)) {
      if ('outcome' in r) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
      else if (r.error instanceof MissingCommentError) {
        outcomes.missing = (outcomes.missing ?? 0) + 1;
        opts.logger.warn({ jobId: job.id, commentId: r.job.commentId, site: r.job.site }, 'a comment of a moderation group does not exist; skipped');
      } else failed.push({ data: r.job, error: r.error });
    }
    if (!failed.length) return outcomes;
    if (!lastAttempt) throw new Error(`${failed.length} of ${comments.length} comments of the group could not be judged (first: ${failed[0].error.message})`);
    for (const f of failed) {
      await giveUp(job.id, f.data, f.error, 'attempts');
      outcomes['given-up'] = (outcomes['given-up'] ?? 0) + 1;
    }
    return outcomes;
  }

  /** Flags the comment for a person (if this version is still undecided), counted and logged. */
  async function giveUp(jobId: string | undefined, data: ModerationJobData, err: Error, reason: 'attempts' | 'stalled' | 'failed') {
    const outcome = await moderateComment(data, opts.deps, err);
    opts.metrics.jobsGivenUp.inc({ site: data.site, reason });
    opts.logger.error(
      { jobId, commentId: data.commentId, site: data.site, reason, outcome, err: err.message, alert: 'moderation_given_up' },
      'moderation gave up on this comment; flagged for a moderator',
    );
    return outcome;
  }

  worker.on('completed', (job, outcome) => opts.logger.debug({ jobId: job.id, site: job.data.site, outcome }, 'moderation job done'));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = STALLED_OUT.test(err.message) || job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    const parsed = parseModerationJob(job.data);
    const commentIds = parsed.ok ? parsed.comments.map((c) => c.commentId) : undefined;
    opts.logger[final ? 'error' : 'warn']({ jobId: job.id, commentIds, site: job.data?.site, attempts: job.attemptsMade, err }, 'moderation job failed');
    // The processor never ran for a job that stalled out, and a final failure may come from the
    // give-up write itself (Redis away): flag here; a comment already decided is left alone.
    if (!final || !parsed.ok) return;
    for (const data of parsed.comments) {
      giveUp(job.id, data, err, STALLED_OUT.test(err.message) ? 'stalled' : 'failed').catch((e: Error) => {
        if (e instanceof MissingCommentError) return;
        opts.logger.error({ jobId: job.id, commentId: data.commentId, err: e.message, alert: 'moderation_given_up' }, 'could not flag the comment of a failed job; it is flagged when a worker next starts');
      });
    }
  });
  // One structured line per 10 s during a Redis outage, not a stack trace per reconnection attempt.
  worker.on('error', rateLimitedErrorLog(opts.logger, { worker: 'moderation' }));
  return worker;
}

/**
 * Flags the comments of failed jobs that are still undecided (a worker may have died before its
 * `failed` handler ran). Run when a worker starts; looks at the newest `limit` failed jobs.
 */
export async function recoverFailedJobs(queue: Queue<ModerationPayload>, opts: Pick<ModerationWorkerOptions, 'deps' | 'logger' | 'metrics'>, limit = 1_000): Promise<number> {
  let flagged = 0;
  for (const job of await queue.getFailed(0, limit - 1)) {
    const parsed = parseModerationJob(job?.data);
    if (!job || !parsed.ok) continue;
    for (const data of parsed.comments) {
      const outcome = await moderateComment(data, opts.deps, new Error(job.failedReason || 'job failed')).catch(() => 'missing');
      if (outcome !== 'applied') continue;
      flagged++;
      opts.metrics.jobsGivenUp.inc({ site: data.site, reason: 'failed' });
      opts.logger.error({ jobId: job.id, commentId: data.commentId, site: data.site, alert: 'moderation_given_up' }, 'flagged the comment of a job that had failed for good');
    }
  }
  return flagged;
}
