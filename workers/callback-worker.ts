/**
 * BullMQ entry point for callbacks: POSTs each decision to its site's callback URL, signed.
 * Failures retry with exponential backoff and jitter; after the last attempt the callback goes to
 * the site's dead-letter list (API: /v1/sites/:site/callbacks/dead-letters), never dropped.
 */
import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { SiteConfig } from '../config';
import { sendCallback } from '../src/infra/callback-sender';
import type { DeadLetterStore } from '../src/infra/dead-letter-store';
import type { Keys } from '../src/infra/keys';
import type { Metrics } from '../src/infra/metrics';
import type { CallbackJobData } from '../src/infra/queues';
import { rateLimitedErrorLog } from '../src/infra/queues';
import type { Logger } from '../src/logger';

export interface CallbackWorkerOptions {
  connection: ConnectionOptions;
  keys: Keys;
  /** Which queue shard this worker consumes (see keys.queuePrefix); 0 by default. */
  shard?: number;
  concurrency: number;
  timeoutMs: number;
  sites: ReadonlyMap<string, SiteConfig>;
  deadLetters: DeadLetterStore;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
}

export function startCallbackWorker(opts: CallbackWorkerOptions): Worker<CallbackJobData> {
  const worker = new Worker<CallbackJobData>(
    opts.keys.callbackQueue,
    async (job) => {
      const { site: siteId, payload } = job.data ?? {};
      const site = opts.sites.get(siteId);
      if (!site || !payload) throw new UnrecoverableError(`callback job for unknown site "${siteId}" or without payload`);
      if (!site.callbackUrl) return 'no-callback-url';
      try {
        await sendCallback({ url: site.callbackUrl, secret: site.webhookSecrets[0], body: payload, timeoutMs: opts.timeoutMs });
        opts.metrics.callbacksDelivered.inc({ site: siteId });
        return 'delivered';
      } catch (err) {
        opts.metrics.callbackFailures.inc({ site: siteId });
        const attempts = job.attemptsMade + 1;
        if (attempts < (job.opts.attempts ?? 1)) throw err;
        await opts.deadLetters.add({ id: job.id!, site: siteId, payload, error: (err as Error).message, attempts, failedAt: opts.now().toISOString() });
        opts.logger.error({ jobId: job.id, site: siteId, commentId: 'comment' in payload ? payload.comment.id : undefined, err }, 'callback dead-lettered after last attempt');
        return 'dead-lettered';
      }
    },
    { connection: opts.connection, prefix: opts.keys.queuePrefix(opts.shard ?? 0), concurrency: opts.concurrency },
  );
  worker.on('failed', (job, err) => opts.logger.warn({ jobId: job?.id, site: job?.data?.site, attempts: job?.attemptsMade, err: err.message }, 'callback attempt failed'));
  // One structured line per 10 s during a Redis outage, not a stack trace per reconnection attempt.
  worker.on('error', rateLimitedErrorLog(opts.logger, { worker: 'callbacks' }));
  return worker;
}
