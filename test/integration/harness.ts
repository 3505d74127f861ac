/**
 * Builds the real service (API, stores, BullMQ workers) against the real Redis with a key prefix
 * of its own, and removes every key under that prefix afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import Redis from 'ioredis';
import { loadConfig, type Config } from '../../config';
import { Runtime } from '../../src/container';
import { createLogger } from '../../src/logger';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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

/** Deletes every key under `prefix` (SCAN, so it is safe on a shared Redis). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
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

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
