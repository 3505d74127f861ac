/**
 * BullMQ entry point for site learning's retraining: a repeatable job (every `siteLearning.retrainEveryMs`)
 * looks at every configured site and retrains the ones with enough new labels (or a new general model).
 * Training runs in this process; one job at a time.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Keys } from '../src/infra/keys';
import type { Logger } from '../src/logger';
import { trainingDue, trainSite, type TrainSiteDeps } from '../src/use-cases/train-site';
import { rateLimitedErrorLog } from '../src/infra/queues';
import { readyJobsOf, type WorkerWatchdog } from '../src/infra/worker-watchdog';

export interface SiteTrainingWorkerOptions {
  connection: ConnectionOptions;
  keys: Keys;
  sites: readonly string[];
  everyMs: number;
  logger: Logger;
  deps: TrainSiteDeps;
  /** Watches the worker (replaced if it stops taking jobs); the watchdog then closes it too. */
  watchdog?: WorkerWatchdog;
}

/** The scheduler's queue and the worker; close both on shutdown. */
export interface SiteTraining {
  queue: Queue;
  /** The worker running now (with a watchdog, the replacement of one it replaced). */
  readonly worker: Worker;
  close(): Promise<void>;
}

/** Outcome per site of one pass: trained (version), skipped, not better, or failed. */
export async function retrainDueSites(sites: readonly string[], deps: TrainSiteDeps, logger: Logger): Promise<Record<string, string>> {
  const results: Record<string, string> = {};
  for (const site of sites) {
    try {
      if (!(await trainingDue(site, deps))) {
        results[site] = 'not due';
        continue;
      }
      const outcome = await trainSite(site, deps);
      results[site] = outcome.status === 'trained' ? `trained v${outcome.version}` : outcome.status;
      logger.info({ site, outcome: results[site], report: 'report' in outcome ? outcome.report : undefined }, 'site training');
    } catch (err) {
      results[site] = `failed: ${(err as Error).message}`;
      logger.warn({ site, err }, 'site training failed');
    }
  }
  return results;
}

export async function startSiteTrainingWorker(opts: SiteTrainingWorkerOptions): Promise<SiteTraining> {
  const queue = new Queue(opts.keys.siteTrainingQueue, { connection: opts.connection, prefix: opts.keys.queuePrefix(0) });
  await queue.upsertJobScheduler('retrain-sites', { every: opts.everyMs }, { name: 'retrain', data: {}, opts: { removeOnComplete: { count: 20 }, removeOnFail: { count: 100 } } });
  const start = () => {
    const worker = new Worker(opts.keys.siteTrainingQueue, () => retrainDueSites(opts.sites, opts.deps, opts.logger), {
      connection: opts.connection,
      prefix: opts.keys.queuePrefix(0),
      concurrency: 1,
      // Training holds the event loop for a while on large label sets; do not let the lock lapse meanwhile.
      lockDuration: 10 * 60_000,
    });
    // One structured line per 10 s during a Redis outage, not a stack trace per reconnection attempt.
    worker.on('error', rateLimitedErrorLog(opts.logger, { worker: 'site-training' }));
    return worker;
  };
  queue.on('error', rateLimitedErrorLog(opts.logger, { queue: 'site-training' }));
  const { watchdog } = opts;
  if (!watchdog) {
    const worker = start();
    return { queue, worker, close: async () => { await worker.close(); await queue.close(); } };
  }
  const slot = watchdog.watch({ name: 'site-training', start, readyJobs: () => readyJobsOf(queue) });
  // The watchdog closes the worker it runs now (and any it replaced); this closes the queue.
  return { queue, get worker() { return watchdog.current(slot); }, close: () => queue.close() };
}
