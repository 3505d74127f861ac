/**
 * BullMQ entry point for moderation jobs: validates the job, runs `moderateComment`, and tells
 * BullMQ which failures are permanent (no retry) and which are transient (retry with backoff).
 */
import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import type { Keys } from '../src/infra/keys';
import type { Metrics } from '../src/infra/metrics';
import type { ModerationJobData } from '../src/infra/queues';
import { rateLimitedErrorLog } from '../src/infra/queues';
import type { Logger } from '../src/logger';
import { MissingCommentError, moderateComment, type ModerateDeps } from '../src/use-cases/moderate-comment';

const JobData = z.strictObject({ site: z.string().min(1), commentId: z.string().min(1), bodyHash: z.string().regex(/^[0-9a-f]{32}$/) });

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
        if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
          opts.logger.error({ jobId: job.id, commentId: parsed.data.commentId, err }, 'moderation failed on its last attempt; flagging for a moderator');
          return await moderateComment(parsed.data, opts.deps, err as Error);
        }
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
  worker.on('completed', (job, outcome) => opts.logger.debug({ jobId: job.id, commentId: job.data.commentId, site: job.data.site, outcome }, 'moderation job done'));
  worker.on('failed', (job, err) =>
    opts.logger[job && job.attemptsMade >= (job.opts.attempts ?? 1) ? 'error' : 'warn'](
      { jobId: job?.id, commentId: job?.data?.commentId, site: job?.data?.site, attempts: job?.attemptsMade, err },
      'moderation job failed',
    ),
  );
  // One structured line per 10 s during a Redis outage, not a stack trace per reconnection attempt.
  worker.on('error', rateLimitedErrorLog(opts.logger, { worker: 'moderation' }));
  return worker;
}
