/**
 * The real API (Runtime + createApp) for the drop-in tests, on loopback with a key prefix of its own:
 * site `demo` with the embedded demo Perspective key and Coral secret, site `other` with its own.
 * Workers are off unless asked for: the drop-in routes decide inline.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import Redis from 'ioredis';
import { loadConfig, sha256Hex, type Config } from '../../config';
import { moderatorExtensions, type ModeratorExtensions } from '../../src/api/moderation';
import { Runtime } from '../../src/container';
import { deleteKeysByPrefix } from '../../src/infra/redis';
import { createLogger } from '../../src/logger';
import { freePort } from '../support/free-port';
export { freePort };

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Moderator token with access to both sites. */
export const MODERATOR_TOKEN = 'dropin-moderator-token';
export const KEYS = { demo: 'demo-perspective-key', other: 'other-perspective-key', slow: 'slow-perspective-key' } as const;
export const SECRETS = { demo: 'demo-secret', other: 'other-site-secret', coral: 'demo-coral-secret', coralNext: 'next-coral-secret', coralOther: 'other-coral-secret' } as const;

/** Site `other` flags abuse for a person instead of rejecting it. */
const FLAG_ONLY = { thresholds: { insult: { flag: 0.5, reject: 1.01 }, toxicity: { flag: 0.5, reject: 1.01 }, profanity: { flag: 0.5, reject: 1.01 }, harassment: { flag: 0.5, reject: 1.01 } } };

export interface DropinService {
  runtime: Runtime;
  app: Express;
  config: Readonly<Config>;
  baseUrl: string;
  prefix: string;
  redis: Redis;
  close(): Promise<void>;
}

export async function startDropinService(name: string, opts: { workers?: boolean } = {}): Promise<DropinService> {
  const prefix = `{t-${name}-${randomBytes(4).toString('hex')}}`;
  const config = loadConfig({
    env: { REDIS_URL },
    overrides: {
      logLevel: 'silent',
      redis: { url: REDIS_URL, prefix },
      sites: [
        {
          id: 'demo',
          webhookSecrets: [SECRETS.demo],
          perspectiveKeys: [
            { name: 'demo', keySha256: sha256Hex(KEYS.demo) },
            { name: 'slow', keySha256: sha256Hex(KEYS.slow), requestsPerSecond: 0.01, burst: 2 },
          ],
          coral: { signingSecrets: [SECRETS.coral, SECRETS.coralNext] },
        },
        {
          id: 'other',
          webhookSecrets: [SECRETS.other],
          perspectiveKeys: [{ name: 'other', keySha256: sha256Hex(KEYS.other) }],
          storeSuggestedScores: false,
          coral: { signingSecrets: [SECRETS.coralOther] },
          policy: FLAG_ONLY,
        },
      ],
      moderators: [{ name: 'dropin-moderator', tokenSha256: sha256Hex(MODERATOR_TOKEN), sites: ['demo', 'other'] }],
    },
  });
  const logger = createLogger('silent');
  const runtime = await Runtime.create({ config, logger });
  if (opts.workers) runtime.startWorkers();
  const moderation: ModeratorExtensions = moderatorExtensions({ runtime, config, logger });
  const app = runtime.createApp(moderation);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  return {
    runtime,
    app,
    config,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    prefix,
    redis,
    async close() {
      await moderation.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await runtime.close();
      await deleteKeysByPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

