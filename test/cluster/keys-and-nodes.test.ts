/** Cluster addressing without a cluster: seed nodes from config, per-site hash tags, queue shards. */
import { loadConfig } from '../../config';
import { createKeys, queueShard } from '../../src/infra/keys';
import { clusterNodesOf } from '../../src/infra/redis';

describe('cluster seed nodes', () => {
  it('come from REDIS_CLUSTER_NODES or a redis+cluster:// URL; a plain URL is a single Redis', () => {
    const fromEnv = loadConfig({ env: { REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001' } });
    expect(clusterNodesOf(fromEnv.redis)).toEqual([{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }]);
    expect(clusterNodesOf({ url: 'redis+cluster://a:7000,b:7001' })).toEqual([{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }]);
    expect(clusterNodesOf({ url: 'redis://127.0.0.1:6379' })).toBeNull();
  });
});

describe('keys', () => {
  const slotTag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];

  it('tag every per-site key with the site id, whatever braces the prefix had', () => {
    for (const prefix of ['cm', '{cm}']) {
      const k = createKeys(prefix);
      for (const key of [k.comment('s1', 'c'), k.history('s1', 'c'), k.articleThread('s1', 'a'), k.authorDecisions('s1', 'u'), k.flaggedByPriority('s1'), k.stats('s1')]) {
        expect(key.startsWith('cm:{s1}:')).toBe(true);
        expect(slotTag(key)).toBe('s1');
      }
    }
  });

  it('put each queue shard under its own tag and send a site always to the same shard', () => {
    const k = createKeys('cm', 4);
    expect([0, 1, 2, 3].map((n) => slotTag(k.queuePrefix(n)))).toEqual(['q0', 'q1', 'q2', 'q3']);
    const sites = Array.from({ length: 200 }, (_, i) => `site-${i}`);
    const shards = sites.map((s) => queueShard(s, 4));
    expect(shards).toEqual(sites.map((s) => queueShard(s, 4)));
    expect(new Set(shards)).toEqual(new Set([0, 1, 2, 3]));
    expect(queueShard('anything', 1)).toBe(0);
  });
});
