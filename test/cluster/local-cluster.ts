/**
 * A real Redis Cluster for tests: three masters (`redis-server --cluster-enabled yes`) on free
 * loopback ports, joined by `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes`, with
 * AOF on so a master stopped gracefully comes back with its data. `stop()` kills them and removes
 * their directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../support/free-port';

export interface LocalCluster {
  ports: number[];
  /** `host:port,…` for REDIS_CLUSTER_NODES. */
  nodes: string;
  /** Stops one master gracefully (SIGTERM: the AOF is flushed) and waits until it has exited. */
  stopNode(port: number): Promise<void>;
  /** Starts a stopped master again with the same files; resolves once the cluster says `ok`. */
  startNode(port: number): Promise<void>;
  /** The port of the master serving `key`'s slot. */
  masterOf(key: string): Promise<number>;
  stop(): Promise<void>;
}


async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `fn` on a connection of its own to the node at `port`, closed afterwards. */
export async function ask<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

const clusterOk = (port: number) => ask(port, async (r) => /cluster_state:ok/.test(String(await r.call('CLUSTER', 'INFO'))));

export async function startLocalCluster(): Promise<LocalCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cm-cluster-'));
  const ports: number[] = [];
  while (ports.length < 3) {
    const p = await freePort();
    // The cluster bus listens on port + 10000: both must be free (and stay below 65536).
    if (p + 10_000 < 65_536 && !ports.includes(p)) ports.push(p);
  }
  const children = new Map<number, ChildProcess>();
  const start = (port: number) => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfilename', `aof-${port}.aof`, '--appenddirname', `aof-${port}`],
      { stdio: 'ignore' },
    );
    children.set(port, child);
  };
  // If the test process ends without calling stop() (a hook timed out, jest forced the exit), the
  // servers go with it.
  const killAll = () => {
    for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  ports.forEach(start);
  const stop = async () => {
    process.off('exit', killAll);
    killAll();
    await new Promise((r) => setTimeout(r, 100));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await until(`redis-server :${port}`, 20_000, () => ask(port, async (r) => (await r.ping()) === 'PONG'));
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 60_000 });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports) await until(`cluster state ok on :${port}`, 30_000, () => clusterOk(port));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    ports,
    nodes: ports.map((p) => `127.0.0.1:${p}`).join(','),
    async stopNode(port) {
      const child = children.get(port)!;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
    async startNode(port) {
      start(port);
      for (const p of ports) await until(`cluster state ok on :${p} after restarting :${port}`, 60_000, () => clusterOk(p));
    },
    async masterOf(key) {
      const slot = await ask(ports[0], (r) => r.call('CLUSTER', 'KEYSLOT', key)) as number;
      const slots = (await ask(ports[0], (r) => r.call('CLUSTER', 'SLOTS'))) as Array<[number, number, [string, number]]>;
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no master serves slot ${slot}`);
      return range[2][1];
    },
    stop,
  };
}
