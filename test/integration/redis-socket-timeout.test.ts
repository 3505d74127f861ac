/**
 * A Redis connection whose network path goes silent (a loopback proxy stops passing bytes and neither end
 * learns of it) is dropped after `socketTimeoutMs` without an answer, reopened, and the commands it held
 * are sent again: for each role, on the real Redis. Without the timeout, the same command waits on.
 */
import Redis from 'ioredis';
import { createRedis, waitForReady, type RedisClient, type RedisRole } from '../../src/infra/redis';
import { startSilencingProxy, type SilencingProxy } from '../support/silencing-proxy';
import { REDIS_URL, uniquePrefix } from './harness';

jest.setTimeout(60_000);

const redisAt = new URL(REDIS_URL);
const prefix = uniquePrefix('socket-timeout');
let direct: Redis;
let proxy: SilencingProxy;
const opened: RedisClient[] = [];

beforeAll(async () => {
  direct = new Redis(REDIS_URL);
  proxy = await startSilencingProxy({ host: redisAt.hostname, port: Number(redisAt.port) || 6379 });
});
afterAll(async () => {
  // The proxy first: it ends every connection through it, so none is left waiting for a reply to close.
  await proxy.close();
  await new Promise((r) => setTimeout(r, 100));
  for (const r of opened) r.disconnect();
  const keys = await direct.keys(`${prefix}*`);
  if (keys.length) await direct.del(...keys);
  direct.disconnect();
});

async function connect(role: RedisRole, socketTimeoutMs: number): Promise<RedisClient> {
  const redis = createRedis({ url: `redis://127.0.0.1:${proxy.port}`, socketTimeoutMs }, role, `socket-timeout-${role}`);
  opened.push(redis);
  await waitForReady(redis);
  await redis.ping();
  return redis;
}

const settledWithin = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p.then(() => 'settled' as const, () => 'settled' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);

it.each(['worker', 'api'] as const)('a %s connection gone silent is reopened and its command sent again', async (role) => {
  const redis = await connect(role, 1_000);
  const key = `${prefix}:${role}`;
  proxy.silence();
  const started = Date.now();
  await redis.set(key, 'written after the silence');
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  expect(await direct.get(key)).toBe('written after the silence');
  expect(await redis.get(key)).toBe('written after the silence');
});

it('without the timeout, a command on a silent connection waits on', async () => {
  const redis = await connect('worker', 0);
  proxy.silence();
  const pending = redis.set(`${prefix}:no-timeout`, 'never');
  expect(await settledWithin(pending, 3_000)).toBe('pending');
  expect(await direct.get(`${prefix}:no-timeout`)).toBeNull();
});
