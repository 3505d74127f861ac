/**
 * The one configuration schema. Every key has a default; `config/default.json` supplies the embedded
 * site, and environment variables override single keys (see `config/index.ts`).
 */
import { z } from 'zod';
import { PolicySchema } from './policy-schema';
import { PerspectiveSiteSchema, PerspectiveSchema } from './perspective-schema';

export const SiteSchema = z.object({
  /** Stable id used in URLs (`/v1/sites/:site`) and Redis keys. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'site id: lowercase letters, digits, - and _'),
  name: z.string().optional(),
  /** HMAC secrets accepted on webhooks; several allow rotation. The first one signs callbacks. Secret. */
  webhookSecrets: z.array(z.string().min(8, 'webhook secrets need at least 8 characters')).min(1),
  /** Where decisions are POSTed (signed). Omit to store decisions without a callback. */
  callbackUrl: z.url().optional(),
  /** Per-site policy overrides, merged over the global policy. */
  policy: PolicySchema.partial().default({}),
  /** Days a decided (approved/rejected) comment and its history are kept; overrides `retention.decidedDays`. 0 keeps them. */
  retentionDays: z.number().min(0).optional(),
  /** Keep labelled examples of erased comments, anonymised (no comment id, moderator or parent text), for retraining. */
  anonymisedLabels: z.boolean().default(false),
  /** Optional Perspective API provider for this site (off by default). */
  perspective: PerspectiveSiteSchema.optional(),
});
export type SiteConfig = z.infer<typeof SiteSchema>;

export const ModeratorSchema = z.object({
  /** Shown in audit records and `decidedBy`. */
  name: z.string().min(1).max(100),
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'tokenSha256: 64 lowercase hex characters'),
  /** Sites this token may see and act on. */
  sites: z.array(z.string()).min(1),
});
export type ModeratorConfig = z.infer<typeof ModeratorSchema>;

export const ConfigSchema = z
  .object({
    env: z.enum(['development', 'test', 'production']).default('development'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    http: z
      .object({
        port: z.number().int().min(0).max(65535).default(3000),
        host: z.string().default('0.0.0.0'),
        /** Largest request body accepted, in bytes (batch requests included). */
        bodyLimitBytes: z.number().int().positive().default(2_000_000),
        /** Seconds a signature's timestamp may differ from now. */
        signatureToleranceSeconds: z.number().int().positive().default(300),
        /** Whether to trust X-Forwarded-* from a proxy in front of the API. */
        trustProxy: z.boolean().default(false),
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
        /** Prefix of every key and queue; braces make it a Redis Cluster hash tag. */
        prefix: z.string().regex(/^[A-Za-z0-9{}_.-]+$/).default('{cm}'),
        /** Start a private redis-server for local use when nothing answers (never in production). */
        startLocal: z.boolean().default(true),
      })
      .prefault({}),
    worker: z
      .object({
        concurrency: z.number().int().min(1).max(256).default(4),
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
        /** Port of the worker role's own /healthz and /metrics (0 picks a free port). */
        metricsPort: z.number().int().min(0).max(65535).default(9100),
        /** Window in which identical texts count as repeat posts. */
        repeatWindowSeconds: z.number().int().positive().default(7 * 24 * 3600),
      })
      .prefault({}),
    callbacks: z
      .object({
        timeoutMs: z.number().int().min(100).default(5_000),
        /** Delivery attempts before a callback lands in the dead-letter list. */
        attempts: z.number().int().min(1).default(10),
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
    /** Global policy; sites override parts of it. */
    policy: PolicySchema.prefault({}),
    perspective: PerspectiveSchema.prefault({}),
    sites: z.array(SiteSchema).min(1),
    moderators: z.array(ModeratorSchema).default([]),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.sites.forEach((site, i) => {
      if (ids.has(site.id)) ctx.addIssue({ code: 'custom', path: ['sites', i, 'id'], message: `duplicate site id "${site.id}"` });
      ids.add(site.id);
    });
    cfg.moderators.forEach((mod, i) => {
      mod.sites.forEach((s, j) => {
        if (!ids.has(s)) ctx.addIssue({ code: 'custom', path: ['moderators', i, 'sites', j], message: `unknown site "${s}"` });
      });
    });
  });

export type Config = z.infer<typeof ConfigSchema>;
