/**
 * The real service for tests: Runtime with a key prefix of its own, the real BullMQ workers, the
 * moderators' API and page, listening on loopback, and a local CMS that receives signed callbacks.
 * `close()` stops everything and deletes every key under the prefix, so jest can exit.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import Redis from 'ioredis';
import { loadConfig, sha256Hex, type Config } from '../../config';
import { moderatorExtensions, type ModeratorExtensions } from '../../src/api/moderation';
import { startCallbackReceiver, type CallbackReceiver } from '../../src/client/callback-receiver';
import { CmsClient } from '../../src/client/cms-client';
import { Runtime } from '../../src/container';
import { deleteKeysByPrefix } from '../../src/infra/redis';
import { createLogger } from '../../src/logger';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Moderator tokens of the test config: two for site `demo`, one for site `other` only. */
export const TOKENS = { demo: 'demo-moderator', second: 'second-moderator-token', other: 'other-moderator-token' } as const;
export const SECRETS = { demo: 'demo-secret', other: 'other-site-secret' } as const;

// Abusive comments are always flagged (never rejected outright) on the test sites, whichever
// classifier the pipeline uses: the queue is what these tests are about.
const FLAG_ONLY = { thresholds: { insult: { flag: 0.5, reject: 1.01 }, toxicity: { flag: 0.5, reject: 1.01 }, profanity: { flag: 0.5, reject: 1.01 }, harassment: { flag: 0.5, reject: 1.01 } } };

export interface TestServiceOptions {
  /** Short name, part of the key prefix. */
  name: string;
  claimTtlMs?: number;
  heartbeatMs?: number;
  /** Start the BullMQ workers (default true). */
  workers?: boolean;
}

export interface TestService {
  runtime: Runtime;
  app: Express;
  config: Readonly<Config>;
  moderation: ModeratorExtensions;
  baseUrl: string;
  receiver: CallbackReceiver;
  prefix: string;
  /** A plain connection for assertions on Redis. */
  redis: Redis;
  cms(site?: 'demo' | 'other'): CmsClient;
  close(): Promise<void>;
}

export async function startTestService(opts: TestServiceOptions): Promise<TestService> {
  const prefix = `{t-${opts.name}-${randomBytes(4).toString('hex')}}`;
  const receiver = await startCallbackReceiver({ secrets: [SECRETS.demo, SECRETS.other] });
  const config = loadConfig({
    env: { REDIS_URL },
    overrides: {
      logLevel: 'silent',
      redis: { url: REDIS_URL, prefix },
      callbacks: { attempts: 2, backoffMs: 50 },
      sites: [
        { id: 'demo', name: 'Demo', webhookSecrets: [SECRETS.demo], callbackUrl: receiver.url, policy: FLAG_ONLY },
        { id: 'other', name: 'Other', webhookSecrets: [SECRETS.other], callbackUrl: receiver.url, policy: FLAG_ONLY },
      ],
      moderators: [
        { name: 'demo-moderator', tokenSha256: sha256Hex(TOKENS.demo), sites: ['demo'] },
        { name: 'second-moderator', tokenSha256: sha256Hex(TOKENS.second), sites: ['demo'] },
        { name: 'other-moderator', tokenSha256: sha256Hex(TOKENS.other), sites: ['other'] },
      ],
    },
  });
  const logger = createLogger('silent');
  const runtime = await Runtime.create({ config, logger });
  if (opts.workers !== false) runtime.startWorkers();
  const moderation = moderatorExtensions({ runtime, config, logger, claimTtlMs: opts.claimTtlMs, heartbeatMs: opts.heartbeatMs });
  const app = runtime.createApp(moderation);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

  return {
    runtime,
    app,
    config,
    moderation,
    baseUrl,
    receiver,
    prefix,
    redis,
    cms: (site = 'demo') => new CmsClient({ baseUrl, site, secret: SECRETS[site] }),
    async close() {
      await moderation.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await runtime.close();
      await receiver.close();
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
}

/** Deletes every key under `prefix` (SCAN, safe on a shared Redis). */
export const deleteKeys = (redis: Redis, prefix: string) => deleteKeysByPrefix(redis, prefix).then(() => undefined);

/** Polls `check` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
