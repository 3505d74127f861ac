/**
 * The composition root: builds connections, stores, queues, the classifier and the pipeline from
 * the config, and hands them to the API and the workers. The only module that knows every
 * concrete class; tests build the real service through it with their own key prefix.
 */
import type { Worker } from 'bullmq';
import type { Express } from 'express';
import type { RedisClient as Redis } from './infra/redis';
import type { Config, SiteConfig } from '../config';
import { resolvePolicy, type EffectivePolicy } from '../config/policy-schema';
import { startCallbackDispatcher, type CallbackDispatcher } from '../workers/callback-dispatcher';
import { recoverFailedJobs, startModerationWorker } from '../workers/moderation-worker';
import { startRetentionSweeper } from '../workers/retention-sweeper';
import type { EraseDeps } from './use-cases/erase';
import { startSiteTrainingWorker, type SiteTraining } from '../workers/site-training-worker';
import { createApp } from './api/app';
import { dropinRoutes } from './api/dropin';
import { loadLocalClassifier, type LocalClassifier } from './classifier/local-classifier';
import { AccountStore } from './infra/account-store';
import { AdapterCache, AdapterStore } from './infra/adapter-store';
import { SiteTermStore, SiteTermsSource } from './infra/site-term-store';
import { ArticleStore } from './infra/article-store';
import { AuthorStore } from './infra/author-store';
import { CommentStore } from './infra/comment-store';
import { DeadLetterStore } from './infra/dead-letter-store';
import { LabelStore } from './infra/label-store';
import { createPublisher } from './infra/events';
import { createKeys, type Keys } from './infra/keys';
import { createMetrics, type Metrics } from './infra/metrics';
import { ErasureStore } from './infra/erasure-store';
import { Outbox, OutboxCallbacks } from './infra/outbox';
import { CoalescingModerationJobs } from './infra/moderation-jobs';
import { createModerationQueue, type CallbackQueue, type ModerationQueue } from './infra/queues';
import { createSiteClassifiers } from './infra/perspective/site-classifiers';
import { createRedis, waitForReady } from './infra/redis';
import { readyJobsOf, WorkerWatchdog } from './infra/worker-watchdog';
import { SeenSignatures } from './infra/seen-signatures';
import { UploadSlots } from './api/middleware/body';
import type { Logger } from './logger';
import { moderate } from './moderation/pipeline';
import { moderateExplained, type ExplainedVerdict } from './moderation/verdict-with-findings';
import type { CommentInput, ModerationContext } from './moderation/types';
import { ModeratorDirectory } from './security/moderators';
import type { ModerateDeps } from './use-cases/moderate-comment';

export interface RuntimeOptions {
  config: Readonly<Config>;
  logger: Logger;
  /** Environment for provider keys (e.g. PERSPECTIVE_API_KEY); never read elsewhere. */
  env?: Record<string, string | undefined>;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

export class Runtime {
  readonly keys: Keys;
  readonly sites: ReadonlyMap<string, SiteConfig>;
  readonly now: () => Date;
  readonly metrics: Metrics;
  /** Fail-fast connection for the API (a Redis outage is an immediate 503). */
  readonly apiRedis: Redis;
  /** Patient connection for workers (BullMQ: maxRetriesPerRequest null). */
  readonly workerRedis: Redis;
  /**
   * BullMQ's own connections, one per role, apart from the stores': BullMQ registers some 50 Lua
   * scripts on a connection, and ioredis copies every registered script onto each pipeline it
   * builds, which auto-pipelining does for every tick's commands; the stores' connections keep
   * only their own few.
   */
  private readonly queueRedis: { api: Redis; worker: Redis };
  readonly queue: ModerationQueue;
  /** The API's way onto `queue`: comments stored close together share a job. */
  readonly jobs: CoalescingModerationJobs;
  /** Where events other than decisions (user.moderated) go: the outbox, on the API's connection. */
  readonly callbacks: CallbackQueue;
  /** Starts the BullMQ workers and replaces any that stops taking jobs; closing it closes them. */
  private watchdog?: WorkerWatchdog;
  private dispatcher?: CallbackDispatcher;
  private retention?: { close(): void };
  /** Site learning's retraining job, once started (worker role). */
  private siteTraining?: Promise<SiteTraining | undefined>;
  /** Stores on the API's fail-fast connection (requests, metrics scrapes). */
  readonly apiStores: ReturnType<Runtime['store']>;
  /** Signed requests already accepted (replay guard), shared by every route that checks signatures. */
  readonly seenSignatures: SeenSignatures;
  /** Request bodies read at once, shared by every route of this process that reads one. */
  readonly uploadSlots: UploadSlots;
  /** Moderator tokens (by hash) and their sites, shared by every route that checks them. */
  readonly moderators: ModeratorDirectory;
  /** Each site's policy, resolved once (global ← site), so a bad combination fails at start-up. */
  private readonly policies = new Map<string, EffectivePolicy>();
  private local?: LocalClassifier;
  /** Site adapters for inline judgments (API connection), built on first use. */
  private inlineAdapters?: AdapterCache;

  /**
   * Connects to Redis and builds the service. Waits for the API connection first: BullMQ checks
   * the server when a queue is made, and a fail-fast connection must be up for that.
   */
  static async create(opts: RuntimeOptions): Promise<Runtime> {
    const apiRedis = createRedis(opts.config.redis, 'api', 'api');
    const workerRedis = createRedis(opts.config.redis, 'worker', 'worker');
    const queueRedis = {
      api: createRedis(opts.config.redis, 'api', 'api-queue', { autoPipelining: false }),
      worker: createRedis(opts.config.redis, 'worker', 'worker-queue', { autoPipelining: false }),
    };
    try {
      await Promise.all([waitForReady(apiRedis, 10_000), waitForReady(queueRedis.api, 10_000)]);
    } catch (err) {
      for (const r of [apiRedis, workerRedis, queueRedis.api, queueRedis.worker]) r.disconnect();
      throw err;
    }
    return new Runtime(opts, apiRedis, workerRedis, queueRedis);
  }

  private constructor(
    private readonly opts: RuntimeOptions,
    apiRedis: Redis,
    workerRedis: Redis,
    queueRedis: { api: Redis; worker: Redis },
  ) {
    const { config } = opts;
    this.keys = createKeys(config.redis.prefix, config.redis.queueShards);
    this.sites = new Map(config.sites.map((s) => [s.id, s]));
    this.now = opts.now ?? (() => new Date());
    this.apiRedis = apiRedis;
    this.workerRedis = workerRedis;
    this.queueRedis = queueRedis;
    const queueSettings = { attempts: config.worker.attempts, backoffMs: config.worker.backoffMs, keepCompleted: config.worker.keepCompleted, keepFailed: config.worker.keepFailed };
    this.queue = createModerationQueue(queueRedis.api, this.keys, queueSettings, opts.logger);
    this.jobs = new CoalescingModerationJobs(this.queue, { windowMs: config.worker.groupWindowMs, maxGroup: config.worker.groupMax });
    this.apiStores = this.store(apiRedis);
    this.callbacks = new OutboxCallbacks(this.apiStores.outbox);
    this.uploadSlots = new UploadSlots(config.http.maxConcurrentUploads);
    this.seenSignatures = new SeenSignatures(apiRedis, this.keys, (2 * config.http.signatureToleranceSeconds + 1) * 1000);
    this.moderators = new ModeratorDirectory(config.moderators, new AccountStore(apiRedis, this.keys));
    this.metrics = createMetrics({
      queueCounts: async () => ({
        moderation: await this.queue.getJobCounts(),
      }),
      outboxCounts: async () => Object.fromEntries(await Promise.all(config.sites.map(async (s) => [s.id, await this.apiStores.outbox.pending(s.id)] as const))),
      decisionCounts: async () => Object.fromEntries(await Promise.all(config.sites.map(async (s) => [s.id, await this.apiStores.comments.stats(s.id)] as const))),
      deadLetterCounts: async () => Object.fromEntries(await Promise.all(config.sites.map(async (s) => [s.id, await this.apiStores.deadLetters.count(s.id)] as const))),
    });
    for (const site of config.sites) this.policies.set(site.id, resolvePolicy(config.policy, site.policy));
  }

  private store(redis: Redis) {
    return {
      comments: new CommentStore(redis, this.keys, this.opts.config.worker.threadSize),
      articles: new ArticleStore(redis, this.keys),
      deadLetters: new DeadLetterStore(redis, this.keys),
      labels: new LabelStore(redis, this.keys),
      adapters: new AdapterStore(redis, this.keys),
      outbox: new Outbox(redis, this.keys, this.now),
      erasures: new ErasureStore(redis, this.keys),
      siteTerms: new SiteTermsSource(new SiteTermStore(redis, this.keys)),
    };
  }

  private eraseDeps(erasures: ErasureStore): EraseDeps {
    return { erasures, now: this.now, anonymisedLabels: (site) => this.sites.get(site)?.anonymisedLabels === true };
  }

  get config(): Readonly<Config> {
    return this.opts.config;
  }

  /** Redis answers and the queue is usable. */
  async ready(): Promise<void> {
    await this.apiRedis.ping();
    await this.queue.queue.getJobCounts('wait');
  }

  createApp(extensions: Parameters<typeof createApp>[0]['extensions'] = []): Express {
    const { comments, articles, deadLetters, labels, outbox, erasures } = this.apiStores;
    return createApp({
      config: this.opts.config,
      logger: this.opts.logger,
      comments,
      articles,
      deadLetters,
      labels,
      sites: this.sites,
      jobs: this.jobs,
      outbox,
      erasure: this.eraseDeps(erasures),
      moderators: this.moderators,
      metrics: this.metrics,
      seenSignatures: this.seenSignatures,
      uploadSlots: this.uploadSlots,
      ready: () => this.ready(),
      now: this.now,
      // The drop-in protocols (Perspective, Coral, inline check) ride along with every API.
      extensions: [...extensions, ...dropinRoutes(this)],
    });
  }

  /** The trained model, loaded once per process on first use (API inline answers and workers share it). */
  localClassifier(): LocalClassifier {
    return (this.local ??= loadLocalClassifier());
  }

  /**
   * Judges a comment inline with the local model and the site's policy: the phases the worker runs,
   * plus the findings behind the scores (Perspective-compatible span scores, inline checks, Coral).
   */
  async judgeInline(site: string, comment: CommentInput, context: ModerationContext): Promise<ExplainedVerdict> {
    // The site's adapter applies inline as in the worker, so every path judges by the site's standard.
    this.inlineAdapters ??= new AdapterCache(this.apiStores.adapters, this.opts.config.siteLearning.adapterCacheMs);
    const adapter = (await this.inlineAdapters.get(site)) ?? undefined;
    return moderateExplained(comment, context, { classifier: this.localClassifier(), policy: this.policies.get(site)!, adapter });
  }

  /**
   * Starts, on the patient connection, a moderation worker per queue shard, the callback dispatcher
   * and the retention sweep. The BullMQ workers run under a watchdog (src/infra/worker-watchdog.ts).
   */
  startWorkers(): Worker[] {
    const { config, logger } = this.opts;
    const watchdog = (this.watchdog = new WorkerWatchdog({
      checkEveryMs: config.worker.watchdogIntervalMs,
      idleMs: config.worker.watchdogIdleMs,
      logger: logger.child({ component: 'worker-watchdog' }),
      onReplace: (worker, reason) => this.metrics.workersReplaced.inc({ worker, reason }),
    }));
    const { comments, articles, labels, adapters, outbox, erasures, siteTerms } = this.store(this.workerRedis);
    const publish = createPublisher(this.workerRedis, this.keys);
    // The trained model, loaded once per worker process; Perspective wraps it for sites that opt in.
    const classifierFor = createSiteClassifiers({ config, redis: this.workerRedis, local: this.localClassifier(), logger, env: this.opts.env ?? {} });
    // Each site's adapter (learnt from its moderators), re-checked every adapterCacheMs: new versions apply without a restart.
    const adapterCache = new AdapterCache(adapters, config.siteLearning.adapterCacheMs);
    const workerLogger = logger.child({ component: 'moderation-worker' });
    const deps: ModerateDeps = {
      keys: this.keys,
      comments,
      articles,
      authors: new AuthorStore(this.workerRedis, this.keys),
      threadSize: config.worker.threadSize,
      repeatWindowSeconds: config.worker.repeatWindowSeconds,
      now: this.now,
      siteTerms,
      publish,
      judge: async (site, comment, context) =>
        moderate(comment, context, { classifier: classifierFor(site), policy: this.policies.get(site)!, adapter: (await adapterCache.get(site)) ?? undefined }),
      onDecision: (site, decision, record) => {
        this.metrics.decisionsProcessed.inc({ site, status: decision.status, provider: decision.provider });
        this.metrics.decisionLatency.observe({ site }, (Date.parse(decision.decidedAt) - Date.parse(record.updatedAt)) / 1000);
      },
    };
    for (let shard = 0; shard < this.keys.queueShards; shard++) {
      const start = () =>
        startModerationWorker({
          connection: this.queueRedis.worker,
          keys: this.keys,
          shard,
          concurrency: config.worker.concurrency,
          lockDurationMs: config.worker.lockDurationMs,
          stalledIntervalMs: config.worker.stalledIntervalMs,
          logger: workerLogger,
          metrics: this.metrics,
          deps,
        });
      watchdog.watch({ name: `moderation:${shard}`, start, readyJobs: () => readyJobsOf(this.queue.queues[shard]) });
      // Comments of jobs that failed for good while no worker could flag them (it died first).
      recoverFailedJobs(this.queue.queues[shard], { deps, logger: workerLogger, metrics: this.metrics }).catch((err: Error) =>
        workerLogger.error({ err: err.message }, 'could not look for failed moderation jobs at start-up'),
      );
    }
    this.dispatcher = startCallbackDispatcher({
      outbox,
      sites: this.sites,
      batchSize: config.callbacks.concurrency,
      timeoutMs: config.callbacks.timeoutMs,
      attempts: config.callbacks.attempts,
      backoffMs: config.callbacks.backoffMs,
      pollMs: config.callbacks.pollMs,
      logger: logger.child({ component: 'callback-dispatcher' }),
      metrics: this.metrics,
      now: this.now,
    });
    this.retention = startRetentionSweeper({
      sites: this.sites,
      defaultDays: config.retention.decidedDays,
      intervalMs: config.retention.sweepIntervalMs,
      deps: this.eraseDeps(erasures),
      logger: logger.child({ component: 'retention' }),
    });
    if (config.siteLearning.enabled) {
      this.siteTraining = startSiteTrainingWorker({
        connection: this.queueRedis.worker,
        keys: this.keys,
        sites: config.sites.map((s) => s.id),
        everyMs: config.siteLearning.retrainEveryMs,
        logger: logger.child({ component: 'site-training' }),
        deps: { labels, adapters, classifier: this.localClassifier(), settings: config.siteLearning, now: this.now },
        watchdog,
      }).catch((err: unknown) => {
        logger.error({ err }, 'site training job could not start; sites keep their current adapters');
        return undefined;
      });
    }
    return watchdog.workers;
  }

  /** Graceful stop: workers finish (or return) their jobs, then queues and connections close. */
  async close(): Promise<void> {
    this.retention?.close();
    await Promise.allSettled([this.watchdog?.close(), this.dispatcher?.close(), this.siteTraining?.then((t) => t?.close())]);
    await this.jobs.flush().catch(() => undefined);
    await Promise.allSettled([this.queue.close()]);
    await Promise.allSettled([this.apiRedis, this.workerRedis, this.queueRedis.api, this.queueRedis.worker].map((r) => r.quit()));
  }
}
