/**
 * Builds the real service (API, stores, BullMQ workers) against the real Redis with a key prefix
 * of its own, and removes every key under that prefix afterwards. (test/support/service.ts adds the
 * moderators' API, a listening server and a CMS receiver on top of the same pieces.)
 */
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import Redis from 'ioredis';
import { loadConfig, type Config } from '../../config';
import { Runtime } from '../../src/container';
import { deleteKeysByPrefix } from '../../src/infra/redis';
import { createLogger } from '../../src/logger';
import { REDIS_URL } from '../support/service';

export { REDIS_URL, waitFor } from '../support/service';

export interface TestService {
  runtime: Runtime;
  app: Express;
  config: Readonly<Config>;
  prefix: string;
  close(): Promise<void>;
}

export function uniquePrefix(name: string): string {
  return `{test-${name}-${randomBytes(4).toString('hex')}}`;
}

/** Deletes every key under `prefix` with a connection of its own. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    await deleteKeysByPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

export interface StartOptions {
  name: string;
  overrides?: Record<string, unknown>;
  workers?: boolean;
}

export async function startService({ name, overrides = {}, workers = true }: StartOptions): Promise<TestService> {
  const prefix = uniquePrefix(name);
  const config = loadConfig({ env: { REDIS_URL }, overrides: { logLevel: 'silent', ...overrides, redis: { url: REDIS_URL, prefix } } });
  const runtime = await Runtime.create({ config, logger: createLogger('silent') });
  if (workers) runtime.startWorkers();
  return {
    runtime,
    app: runtime.createApp(),
    config,
    prefix,
    async close() {
      await runtime.close();
      await deleteKeys(prefix);
    },
  };
}
