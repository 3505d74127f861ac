/**
 * Redis connections, configured per role as BullMQ advises: workers retry forever
 * (`maxRetriesPerRequest: null`); the API fails fast (`enableOfflineQueue: false`) so a Redis
 * outage is an immediate 503 instead of a hidden backlog. Commands issued in the same tick are
 * auto-pipelined (one write, one round trip). With cluster nodes configured
 * (`REDIS_CLUSTER_NODES=host:port,…` or a `redis+cluster://host:port,host:port` URL) the connection is
 * an ioredis `Cluster`; keys carry per-site hash tags (see keys.ts) so every script touches one slot.
 */
import Redis, { Cluster, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';

export type RedisRole = 'api' | 'worker';

/** A single Redis or a Redis Cluster: every store works with either. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: a URL, and optionally cluster seed nodes (`host:port,…`). */
export interface RedisTarget {
  url: string;
  clusterNodes?: string;
  /**
   * A connection with commands outstanding that receives nothing for this long is dropped (ioredis's
   * `socketTimeout`): a silent network path then ends in a reconnection instead of a wait without end.
   * 0: never. Must outlast the longest script and BullMQ's longest blocking fetch (10 s).
   */
  socketTimeoutMs?: number;
}

/** The cluster seed nodes of a target, or null for a single Redis. */
export function clusterNodesOf(target: RedisTarget): ClusterNode[] | null {
  let list = target.clusterNodes?.trim() ?? '';
  if (!list && target.url.startsWith('redis+cluster://')) list = target.url.slice('redis+cluster://'.length).replace(/\/.*$/, '');
  if (!list) return null;
  return list.split(',').map((hp) => {
    const [host, port] = hp.trim().split(':');
    return { host: host || '127.0.0.1', port: Number(port) || 6379 };
  });
}

/**
 * Per role. On a dropped connection (closed, or silent past `socketTimeoutMs`) the unanswered commands
 * are sent again once it reconnects (ioredis's default; our scripts are idempotent: a delivery or a
 * decision written twice is a duplicate); an API command fails (503, the CMS retries) if the connection
 * does not come back at the first attempt. The same holds for each node connection of a cluster
 * (`clusterOptions`).
 */
function roleOptions(role: RedisRole, name: string, socketTimeoutMs: number | undefined): RedisOptions {
  const socketTimeout = socketTimeoutMs ? { socketTimeout: socketTimeoutMs } : {};
  // A connection dropped with disconnect() whose peer does not close its side (still connecting, gone
  // silent, closed already) is destroyed after this; ioredis's 2 s default timer kept the process alive.
  const common = { connectionName: name, disconnectTimeout: DISCONNECT_TIMEOUT_MS, ...socketTimeout };
  return role === 'worker' ? { maxRetriesPerRequest: null, ...common } : { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, ...common };
}

/** How long a dropped connection's socket may take to close before it is destroyed. */
export const DISCONNECT_TIMEOUT_MS = 200;

/** Reconnection delay after the `times`-th attempt, for the cluster and for each of its node connections. */
const clusterRetry = (times: number) => Math.min(100 * times, 2_000);

/**
 * The options of a Redis Cluster client for `role`. Each node connection reconnects by itself
 * (`clusterNodeRetryStrategy`) and then sends its unanswered commands again, as a single Redis does.
 * ioredis's default instead drops the node and waits for the slot map: a command whose node went
 * silent failed ("Connection is closed") whenever the cluster was not ready at that moment, e.g. when
 * every node's path went silent at once. A node that left the slot map is disconnected by the next
 * refresh, which ends its reconnections and sends its commands to the node that now owns their slot.
 */
export function clusterOptions(role: RedisRole, name: string, socketTimeoutMs: number | undefined, autoPipelining: boolean): ClusterOptions {
  return {
    redisOptions: roleOptions(role, name, socketTimeoutMs),
    enableAutoPipelining: autoPipelining,
    enableOfflineQueue: role === 'worker',
    // A master that restarts or fails over: keep asking for the slot map until it settles.
    clusterRetryStrategy: clusterRetry,
    clusterNodeRetryStrategy: clusterRetry,
    slotsRefreshTimeout: 2_000,
  };
}

/**
 * A connection for `role`. `autoPipelining: false` suits BullMQ's connections: it sends its own
 * pipelines and MULTIs, and an auto-pipeline copies each of the ~60 scripts it registers.
 */
export function createRedis(target: RedisTarget | string, role: RedisRole, name: string, { autoPipelining = true } = {}): RedisClient {
  const t = typeof target === 'string' ? { url: target } : target;
  const nodes = clusterNodesOf(t);
  const redis: RedisClient = nodes
    ? new Cluster(nodes, clusterOptions(role, name, t.socketTimeoutMs, autoPipelining))
    : new Redis(t.url, { ...roleOptions(role, name, t.socketTimeoutMs), enableAutoPipelining: autoPipelining });
  // Errors are reported by readiness checks and failing commands; without a listener ioredis
  // would print every reconnect attempt as an unhandled error event.
  redis.on('error', () => undefined);
  return redis;
}

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export function waitForReady(redis: RedisClient, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/** True for errors that mean Redis could not be reached (as opposed to a bad command). */
export function isConnectionError(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|max retries|Stream isn't writeable|Reached the max retries|CLUSTERDOWN|TRYAGAIN|refresh slots|All nodes failed|startup nodes/i.test(msg);
}

/**
 * A Lua script registered once on the connection (`defineCommand`): ioredis sends EVALSHA and the
 * script text only when Redis does not know it yet (after a restart, or on a new cluster node).
 */
export function script<R>(redis: RedisClient, name: string, numberOfKeys: number | null, lua: string): (...args: Array<string | number>) => Promise<R> {
  const client = redis as unknown as Record<string, (...args: Array<string | number>) => Promise<R>>;
  // numberOfKeys null: the key count is the first argument of each call.
  if (typeof client[name] !== 'function') redis.defineCommand(name, numberOfKeys === null ? { lua } : { numberOfKeys, lua });
  return (...args) => client[name](...args);
}

/** The masters to scan: each node of a cluster, or the one Redis. */
const scanNodes = (redis: RedisClient): Redis[] => (redis instanceof Cluster ? redis.nodes('master') : [redis]);

/** Deletes every key that starts with `prefix` (SCAN in batches, so it is safe on a shared Redis). */
export async function deleteKeysByPrefix(redis: RedisClient, prefix: string): Promise<number> {
  let deleted = 0;
  // Keys are `<prefix without braces>:…` (see keys.ts); older callers pass the configured prefix.
  const pattern = `${prefix.replace(/[{}]/g, '')}:*`;
  for (const node of scanNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      // One DEL per key: on a cluster, the keys of one batch live in different slots.
      if (keys.length) deleted += (await Promise.all(keys.map((k) => node.del(k)))).reduce((a, b) => a + b, 0);
    } while (cursor !== '0');
  }
  return deleted;
}

/** A new connection like `redis` (same node or cluster) with some options changed (e.g. a subscriber's). */
export function duplicateRedis(redis: RedisClient, options: RedisOptions): RedisClient {
  if (redis instanceof Cluster) return redis.duplicate(undefined, { redisOptions: { ...redis.options.redisOptions, ...options }, enableOfflineQueue: options.enableOfflineQueue ?? true });
  return redis.duplicate(options);
}
