/**
 * The one configuration schema. Every key has a default; `config/default.json` supplies the embedded
 * site, and environment variables override single keys (see `config/index.ts`).
 */
import { z } from 'zod';
import { PolicySchema } from './policy-schema';
import { PerspectiveSiteSchema, PerspectiveSchema } from './perspective-schema';
import { DropinSiteFields } from './dropin-schema';

export const SiteSchema = z.object({
  /** Stable id used in URLs (`/v1/sites/:site`) and Redis keys. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'site id: lowercase letters, digits, - and _'),
  name: z.string().optional(),
  /** HMAC secrets accepted on webhooks; several allow rotation. The first one signs callbacks. Secret. */
  webhookSecrets: z.array(z.string().min(8, 'webhook secrets need at least 8 characters')).min(1),
  /** Where decisions are POSTed (signed). Omit to store decisions without a callback. */
  callbackUrl: z.url().optional(),
  /**
   * Deliver this site's callbacks together: up to this many events per request, as
   * `{type: "batch", site, events: [...]}` (each event as it would be sent alone). Unset: one event
   * per request. For CMSs that take thousands of decisions a second (docs/reliability.md).
   */
  callbackBatchMax: z.number().int().min(1).max(1_000).optional(),
  /** Per-site policy overrides, merged over the global policy. */
  policy: PolicySchema.partial().default({}),
  /** Days a decided (approved/rejected) comment and its history are kept; overrides `retention.decidedDays`. 0 keeps them. */
  retentionDays: z.number().min(0).optional(),
  /** Keep labelled examples of erased comments, anonymised (no comment id, moderator or parent text), for retraining. */
  anonymisedLabels: z.boolean().default(false),
  /**
   * Weighted reader reports (a new reporter counts 1, one whose reports moderators keep dismissing
   * less) that put an approved comment back in front of a moderator.
   */
  reportThreshold: z.number().positive().default(3),
  /** Optional Perspective API provider for this site (off by default). */
  perspective: PerspectiveSiteSchema.optional(),
  ...DropinSiteFields,
});
export type SiteConfig = z.infer<typeof SiteSchema>;

export const ModeratorSchema = z.object({
  /** Shown in audit records and `decidedBy`. */
  name: z.string().min(1).max(100),
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'tokenSha256: 64 lowercase hex characters'),
  /** Sites this token may see and act on. */
  sites: z.array(z.string()).min(1),
  /** `senior` may also decide escalated comments. Configured moderators are senior unless set otherwise. */
  role: z.enum(['moderator', 'senior']).default('senior'),
});
export type ModeratorConfig = z.infer<typeof ModeratorSchema>;

/** SHA-256 of `demo-admin`, the embedded default admin token (refused by the admin API in production). */
export const DEFAULT_ADMIN_TOKEN_SHA256 = 'cce7a2cf1ae045989cfc914fb95a41526f167a838b3c7d33745143614abace7c';

export const ConfigSchema = z
  .object({
    env: z.enum(['development', 'test', 'production']).default('development'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    http: z
      .object({
        port: z.number().int().min(0).max(65535).default(3000),
        host: z.string().default('0.0.0.0'),
        /**
         * Largest request body accepted, in bytes, on every route but the batch: fits one comment
         * (20,000 characters) with its article context (200,000 characters) in UTF-8.
         */
        bodyLimitBytes: z.number().int().positive().default(1_000_000),
        /** Largest body of the batch routes (`POST …/comments/batch`, `POST …/labels`), in bytes. */
        batchBodyLimitBytes: z.number().int().positive().default(2_000_000),
        /** Request bodies read at once (all routes); more are answered 503 + Retry-After unread. */
        maxConcurrentUploads: z.number().int().min(1).default(32),
        /** Time a client has to send the request headers (Node `server.headersTimeout`). */
        headersTimeoutMs: z.number().int().min(100).default(10_000),
        /** Time a client has to send the whole request, body included (Node `server.requestTimeout`). */
        requestTimeoutMs: z.number().int().min(100).default(30_000),
        /** Idle time before a kept-alive connection is closed (Node `server.keepAliveTimeout`). */
        keepAliveTimeoutMs: z.number().int().min(0).default(5_000),
        /** Requests served on one kept-alive connection before it is closed (0: no limit). */
        maxRequestsPerSocket: z.number().int().min(0).default(1_000),
        /** Open connections at once; further ones are dropped by the server (Node `server.maxConnections`). */
        maxConnections: z.number().int().min(1).default(1_024),
        /** Seconds a signature's timestamp may differ from now. */
        signatureToleranceSeconds: z.number().int().positive().default(300),
        /** API processes (a Node cluster sharing the port) when the role is `api`; 0 means one per core. */
        processes: z.number().int().min(0).max(64).default(1),
        /** Whether to trust X-Forwarded-* from a proxy in front of the API. */
        trustProxy: z.boolean().default(false),
      })
      .prefault({}),
    metrics: z
      .object({
        /**
         * Bearer token required on /metrics (API and worker ports). Secret. Unset: /metrics is served
         * to loopback peers only, and to nobody in production.
         */
        token: z.string().min(16, 'metrics.token needs at least 16 characters').optional(),
      })
      .prefault({}),
    limits: z
      .object({
        /** Longest comment body, in characters. */
        commentChars: z.number().int().positive().default(20_000),
        /** Longest article body, in characters. */
        articleChars: z.number().int().positive().default(200_000),
        articleTitleChars: z.number().int().positive().default(1_000),
        /** Most comments in one batch request. */
        batchSize: z.number().int().positive().max(10_000).default(1_000),
      })
      .prefault({}),
    redis: z
      .object({
        url: z.string().default('redis://127.0.0.1:6379'),
        /** Prefix of every key and queue. Braces are ignored: keys carry per-site hash tags (`cm:{site}:…`, see src/infra/keys.ts). */
        prefix: z.string().regex(/^[A-Za-z0-9{}_.-]+$/).default('cm'),
        /** Redis Cluster seed nodes, `host:port,host:port` (empty: a single Redis at `url`; a `redis+cluster://h:p,h:p` url works too). */
        clusterNodes: z.string().default(''),
        /** BullMQ queues are split into this many shards (own hash tags), so on a cluster they spread over the masters. */
        queueShards: z.number().int().min(1).max(1024).default(1),
        /** Start a private redis-server for local use when nothing answers (never in production). */
        startLocal: z.boolean().default(true),
        /**
         * A connection with commands outstanding that receives nothing for this long is dropped and reopened
         * (a silent network path, e.g. a NAT or firewall that forgot it). 0: never. Must outlast the longest
         * script and BullMQ's longest blocking fetch (10 s).
         */
        socketTimeoutMs: z
          .number()
          .int()
          .min(0)
          .refine((ms) => ms === 0 || ms >= 11_000, 'redis.socketTimeoutMs must be 0 (never) or at least 11000: longer than BullMQ\'s longest blocking fetch (10 s)')
          .default(30_000),
      })
      .prefault({}),
    worker: z
      .object({
        concurrency: z.number().int().min(1).max(256).default(32),
        /**
         * API side: comments stored within this many ms of each other (same site) share one moderation
         * job; 0 groups only what is stored in the same event-loop turn.
         */
        groupWindowMs: z.number().int().min(0).max(50).default(1),
        /** Most comments in one moderation job (1: one job per comment, as before grouping). */
        groupMax: z.number().int().min(1).max(1_000).default(64),
        /** Attempts for a moderation job that fails transiently. */
        attempts: z.number().int().min(1).default(8),
        backoffMs: z.number().int().min(10).default(1_000),
        /** Comments of the same article loaded as conversation context. */
        threadSize: z.number().int().min(0).max(200).default(20),
        /** Completed/failed jobs kept for inspection (count). */
        keepCompleted: z.number().int().min(0).default(1_000),
        keepFailed: z.number().int().min(0).default(10_000),
        /** How long a worker's lock on a job lasts between renewals; a dead worker's job is taken over after it. */
        lockDurationMs: z.number().int().min(1_000).default(30_000),
        /** How often workers look for stalled jobs (held by a worker that died) and return them to the queue. */
        stalledIntervalMs: z.number().int().min(1_000).default(30_000),
        /** How often the watchdog checks that each worker of this process still takes jobs. */
        watchdogIntervalMs: z.number().int().min(100).default(5_000),
        /** Jobs ready this long while a worker holds none: the watchdog replaces the worker. */
        watchdogIdleMs: z.number().int().min(500).default(15_000),
        /** Port of the worker role's own /healthz and /metrics (0 picks a free port). */
        metricsPort: z.number().int().min(0).max(65535).default(9100),
        /** Window in which identical texts count as repeat posts. */
        repeatWindowSeconds: z.number().int().positive().default(7 * 24 * 3600),
      })
      .prefault({}),
    callbacks: z
      .object({
        timeoutMs: z.number().int().min(100).default(5_000),
        /** Delivery attempts before a callback lands in the dead-letter list (at most 1,023: the outbox counts them in a score, src/infra/outbox.ts). */
        attempts: z.number().int().min(1).max(1_023).default(10),
        /** First retry delay; doubles each attempt, with jitter (10 attempts ≈ 17 min in all). */
        backoffMs: z.number().int().min(10).default(2_000),
        /** Per site and worker process: comments (or authors) whose next event is delivered at once, claimed in one batch. */
        concurrency: z.number().int().min(1).max(1_000).default(32),
        /** Pause of a site's dispatcher when it found less than a full batch due. */
        pollMs: z.number().int().min(5).max(10_000).default(200),
      })
      .prefault({}),
    retention: z
      .object({
        /** Days a decided (approved/rejected) comment and its history are kept before the sweep erases them; 0 keeps them for ever. */
        decidedDays: z.number().min(0).default(0),
        /** How often each worker process looks for comments past their retention. */
        sweepIntervalMs: z.number().int().min(1_000).default(60_000),
      })
      .prefault({}),
    moderation: z
      .object({
        /** How long a moderator's claim on an item lasts without renewal. */
        claimTtlMs: z.number().int().min(1_000).default(120_000),
        /** How long a live-update (SSE) ticket stays redeemable. */
        ticketTtlMs: z.number().int().min(1_000).default(30_000),
        /** Keep-alive interval on live-update streams. */
        heartbeatMs: z.number().int().min(1_000).default(15_000),
      })
      .prefault({}),
    /** Site learning: each site's adapter trained from its moderation history (docs/site-learning.md). */
    siteLearning: z
      .object({
        /** Run the retraining job in the worker role. */
        enabled: z.boolean().default(true),
        /** Fewer labels than this: the site keeps the general model. */
        minLabels: z.number().int().min(10).default(200),
        /** Labels added since the last training before the job retrains. */
        minNewLabels: z.number().int().min(1).default(100),
        /** How often the job looks for sites to retrain. */
        retrainEveryMs: z.number().int().min(1_000).default(3_600_000),
        /** How long a worker uses an adapter before checking for a newer version. */
        adapterCacheMs: z.number().int().min(0).default(5_000),
        /** Precision the flag and reject thresholds must reach on the site's labels (cross-validated). */
        targetPrecision: z.object({ flag: z.number().min(0.5).max(1).default(0.8), reject: z.number().min(0.5).max(1).default(0.95) }).prefault({}),
        /** Hashed word features of the site's vocabulary (a power of two; 0: scores and length only). */
        wordBuckets: z.number().int().min(0).max(1 << 20).refine((n) => (n & (n - 1)) === 0, 'must be 0 or a power of two').default(4096),
        /** Cross-validation folds (split by article). */
        folds: z.number().int().min(2).max(20).default(5),
      })
      .prefault({}),
    /** Global policy; sites override parts of it. */
    policy: PolicySchema.prefault({}),
    perspective: PerspectiveSchema.prefault({}),
    sites: z.array(SiteSchema).min(1),
    moderators: z.array(ModeratorSchema).default([]),
    admin: z
      .object({
        /**
         * SHA-256 (hex) of the admin token for `/v1/admin/…` (moderator accounts). The default is the
         * hash of `demo-admin`, which the admin API refuses when `env` is production. Secret.
         */
        tokenSha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/, 'admin.tokenSha256: 64 lowercase hex characters')
          .default(DEFAULT_ADMIN_TOKEN_SHA256),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.sites.forEach((site, i) => {
      if (ids.has(site.id)) ctx.addIssue({ code: 'custom', path: ['sites', i, 'id'], message: `duplicate site id "${site.id}"` });
      ids.add(site.id);
    });
    const keyHashes = new Set<string>();
    cfg.sites.forEach((site, i) =>
      site.perspectiveKeys.forEach((k, j) => {
        if (keyHashes.has(k.keySha256)) ctx.addIssue({ code: 'custom', path: ['sites', i, 'perspectiveKeys', j, 'keySha256'], message: 'a Perspective-compatible key may belong to one site only' });
        keyHashes.add(k.keySha256);
      }),
    );
    cfg.moderators.forEach((mod, i) => {
      mod.sites.forEach((s, j) => {
        if (!ids.has(s)) ctx.addIssue({ code: 'custom', path: ['moderators', i, 'sites', j], message: `unknown site "${s}"` });
      });
    });
  });

export type Config = z.infer<typeof ConfigSchema>;
