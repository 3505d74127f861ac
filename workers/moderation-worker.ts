/**
 * BullMQ entry point for moderation jobs: validates the job, runs `moderateComment`, and tells
 * BullMQ which failures are permanent (no retry) and which are transient (retry with backoff).
 * A job that fails for good — its last attempt failed, or it stalled past `maxStalledCount` (the
 * worker holding it died again and again) — never leaves its comment `queued`: the comment is
 * flagged for a person, counted (`moderation_jobs_given_up_total`) and logged for alerting.
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import { z } from 'zod';
import type { Keys } from '../src/infra/keys';
import type { Metrics } from '../src/infra/metrics';
import type { ModerationJobData } from '../src/infra/queues';
import { rateLimitedErrorLog } from '../src/infra/queues';
import type { Logger } from '../src/logger';
import { MissingCommentError, moderateComment, type ModerateDeps } from '../src/use-cases/moderate-comment';

const JobData = z.strictObject({ site: z.string().min(1), commentId: z.string().min(1), bodyHash: z.string().regex(/^[0-9a-f]{32}$/) });

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

export function startModerationWorker(opts: ModerationWorkerOptions): Worker<ModerationJobData> {
  const worker = new Worker<ModerationJobData>(
    opts.keys.moderationQueue,
    async (job) => {
      const parsed = JobData.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`malformed moderation job: ${parsed.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')}`);
      const end = opts.metrics.jobDuration.startTimer({ site: parsed.data.site });
      try {
        return await moderateComment(parsed.data, opts.deps);
      } catch (err) {
        if (err instanceof MissingCommentError) throw new UnrecoverableError(err.message);
        // Last attempt of a transient failure: hand the comment to a person rather than leave it queued.
        if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) return await giveUp(job, err as Error, 'attempts');
        throw err;
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

  /** Flags the job's comment for a person (if this version is still undecided), counted and logged. */
  async function giveUp(job: Job<ModerationJobData>, err: Error, reason: 'attempts' | 'stalled' | 'failed') {
    const data = JobData.parse(job.data);
    const outcome = await moderateComment(data, opts.deps, err);
    opts.metrics.jobsGivenUp.inc({ site: data.site, reason });
    opts.logger.error(
      { jobId: job.id, commentId: data.commentId, site: data.site, reason, outcome, err: err.message, alert: 'moderation_given_up' },
      'moderation gave up on this comment; flagged for a moderator',
    );
    return outcome;
  }

  worker.on('completed', (job, outcome) => opts.logger.debug({ jobId: job.id, commentId: job.data.commentId, site: job.data.site, outcome }, 'moderation job done'));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = STALLED_OUT.test(err.message) || job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    opts.logger[final ? 'error' : 'warn']({ jobId: job.id, commentId: job.data?.commentId, site: job.data?.site, attempts: job.attemptsMade, err }, 'moderation job failed');
    // The processor never ran for a job that stalled out, and a final failure may come from the
    // give-up write itself (Redis away): flag here; a comment already decided is left alone.
    if (!final || !JobData.safeParse(job.data).success) return;
    giveUp(job, err, STALLED_OUT.test(err.message) ? 'stalled' : 'failed').catch((e: Error) => {
      if (e instanceof MissingCommentError) return;
      opts.logger.error({ jobId: job.id, err: e.message, alert: 'moderation_given_up' }, 'could not flag the comment of a failed job; it is flagged when a worker next starts');
    });
  });
  // One structured line per 10 s during a Redis outage, not a stack trace per reconnection attempt.
  worker.on('error', rateLimitedErrorLog(opts.logger, { worker: 'moderation' }));
  return worker;
}

/**
 * Flags the comments of failed jobs that are still undecided (a worker may have died before its
 * `failed` handler ran). Run when a worker starts; looks at the newest `limit` failed jobs.
 */
export async function recoverFailedJobs(queue: Queue<ModerationJobData>, opts: Pick<ModerationWorkerOptions, 'deps' | 'logger' | 'metrics'>, limit = 1_000): Promise<number> {
  let flagged = 0;
  for (const job of await queue.getFailed(0, limit - 1)) {
    const data = JobData.safeParse(job?.data);
    if (!job || !data.success) continue;
    const outcome = await moderateComment(data.data, opts.deps, new Error(job.failedReason || 'job failed')).catch(() => 'missing');
    if (outcome !== 'applied') continue;
    flagged++;
    opts.metrics.jobsGivenUp.inc({ site: data.data.site, reason: 'failed' });
    opts.logger.error({ jobId: job.id, commentId: data.data.commentId, site: data.data.site, alert: 'moderation_given_up' }, 'flagged the comment of a job that had failed for good');
  }
  return flagged;
}
