/**
 * A Redis Cluster whose masters' network paths go silent (loopback proxies in front of each master stop
 * passing bytes and neither end learns of it): each node connection with commands outstanding is dropped
 * after `socketTimeoutMs`, reopened, and its commands are sent again, for both roles, with the options the
 * service itself uses (`clusterOptions`). The cluster reaches its masters through the proxies by ioredis's
 * `natMap`. Without a per-node reconnection, losing every node at once failed the commands ("Connection
 * is closed"): the cluster was no longer ready, so it did not retry them.
 */
import { Cluster } from 'ioredis';
import { clusterNodesOf, clusterOptions, type RedisRole } from '../../src/infra/redis';
import { startSilencingProxy, type SilencingProxy } from '../support/silencing-proxy';
import { ask, startLocalCluster, type LocalCluster } from './local-cluster';

jest.setTimeout(120_000);

let cluster: LocalCluster;
let proxies: SilencingProxy[];
let natMap: Record<string, { host: string; port: number }>;
/** One key on each of the three masters, found at start. */
let keysOnEveryMaster: string[];
const opened: Cluster[] = [];

beforeAll(async () => {
  cluster = await startLocalCluster();
  proxies = await Promise.all(cluster.ports.map((port) => startSilencingProxy({ host: '127.0.0.1', port })));
  natMap = Object.fromEntries(cluster.ports.map((port, i) => [`127.0.0.1:${port}`, { host: '127.0.0.1', port: proxies[i].port }]));
  const byMaster = new Map<number, string>();
  for (let i = 0; byMaster.size < cluster.ports.length && i < 1_000; i++) {
    const key = `{silent-${i}}:k`;
    const master = await cluster.masterOf(key);
    if (!byMaster.has(master)) byMaster.set(master, key);
  }
  keysOnEveryMaster = [...byMaster.values()];
  expect(keysOnEveryMaster).toHaveLength(3);
});

afterAll(async () => {
  // The proxies first: they end every connection through them, so none is left waiting for a reply.
  for (const p of proxies ?? []) await p.close();
  for (const c of opened) c.disconnect();
  await cluster?.stop();
});

async function connect(role: RedisRole): Promise<Cluster> {
  const seeds = clusterNodesOf({ url: '', clusterNodes: cluster.nodes })!;
  const redis = new Cluster(seeds, { ...clusterOptions(role, `silent-${role}`, 1_000, true), natMap });
  redis.on('error', () => undefined);
  opened.push(redis);
  await new Promise((resolve) => redis.once('ready', resolve));
  await Promise.all(keysOnEveryMaster.map((k) => redis.set(k, 'before')));
  return redis;
}

/** The key's value read on its master directly, past the proxies. */
const direct = async (key: string) => ask(await cluster.masterOf(key), (r) => r.get(key));

it.each(['worker', 'api'] as const)('%s role: a cluster connection whose every master went silent reopens them and sends its commands again', async (role) => {
  const redis = await connect(role);
  for (const p of proxies) p.silence();
  const started = Date.now();
  const outcomes = await Promise.all(keysOnEveryMaster.map((k) => redis.set(k, `${role} after the silence`).then(() => 'written', (e: Error) => e.message)));
  expect(outcomes).toEqual(keysOnEveryMaster.map(() => 'written'));
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  for (const key of keysOnEveryMaster) expect(await direct(key)).toBe(`${role} after the silence`);
});

it('a worker connection whose one master went silent sends that master its commands again', async () => {
  const redis = await connect('worker');
  const key = keysOnEveryMaster[0];
  proxies[cluster.ports.indexOf(await cluster.masterOf(key))].silence();
  await redis.set(key, 'one master silent');
  expect(await direct(key)).toBe('one master silent');
});
