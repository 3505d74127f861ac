/**
 * Site learning on a real three-master Redis Cluster (started by the test on free loopback ports): two sites
 * send their moderation history through the signed labels API, the repeatable retraining job trains each
 * site's adapter, and the workers decide with it (recorded on each decision); a site without labels keeps the
 * general model. Each site's labels and adapter live in its own slot. (Its own cluster: the retraining job
 * runs every second here, which test/cluster/cluster.test.ts's master restart is kept apart from.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cluster } from 'ioredis';
import { loadConfig } from '../../config';
import { CmsClient } from '../../src/client/cms-client';
import { Runtime } from '../../src/container';
import { AdapterStore } from '../../src/infra/adapter-store';
import { CommentStore } from '../../src/infra/comment-store';
import { createLogger } from '../../src/logger';
import { siteHistory } from '../site-learning/site-data';
import { waitFor } from '../support/service';
import { startLocalCluster, type LocalCluster } from './local-cluster';

jest.setTimeout(300_000);

const SITES = ['alpha', 'beta', 'delta'];
const LEARNING = ['alpha', 'delta'];
const secret = (site: string) => `${site}-learning-secret`;

// Needs redis-server and redis-cli on the PATH (.ci/run installs them); without them it fails, never skips.
describe('site learning on Redis Cluster', () => {
  let cluster: LocalCluster;
  let runtime: Runtime;
  let server: http.Server;
  let baseUrl: string;
  let store: CommentStore;

  const cms = (site: string) => new CmsClient({ baseUrl, site, secret: secret(site) });
  const decided = (site: string, id: string) =>
    waitFor(async () => {
      const r = await store.get(site, id).catch(() => null);
      return r && r.status !== 'queued' ? r : undefined;
    }, `a decision on ${site}/${id}`, 60_000);

  beforeAll(async () => {
    cluster = await startLocalCluster();
    const config = loadConfig({
      env: {},
      overrides: {
        logLevel: 'silent',
        redis: { url: `redis://127.0.0.1:${cluster.ports[0]}`, clusterNodes: cluster.nodes, prefix: 'cm', queueShards: 3 },
        // The retraining job looks every second, and workers re-read adapters every 200 ms.
        siteLearning: { retrainEveryMs: 1_000, minLabels: 100, minNewLabels: 20, adapterCacheMs: 200 },
        sites: SITES.map((id) => ({ id, webhookSecrets: [secret(id)] })),
        moderators: [],
      },
    });
    runtime = await Runtime.create({ config, logger: createLogger('silent') });
    expect(runtime.apiRedis).toBeInstanceOf(Cluster);
    runtime.startWorkers();
    server = http.createServer(runtime.createApp());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    store = new CommentStore(runtime.apiRedis, runtime.keys);
  });

  afterAll(async () => {
    const closeService = async () => {
      server?.closeAllConnections();
      if (server) await new Promise((r) => server.close(r));
      await runtime?.close();
    };
    try {
      await Promise.race([closeService(), new Promise((r) => setTimeout(r, 30_000).unref())]);
    } finally {
      await cluster?.stop();
    }
  });

  it('takes labels through the API, trains each site’s adapter in the retraining job, and decides with it', async () => {
    for (const [k, site] of LEARNING.entries()) {
      // As a CMS sends them (the generated history's `source` is set by the store, not by callers).
      const history = siteHistory(20, 12, 11 + k, `${site}-h`).map(({ source: _source, ...label }) => label);
      for (let i = 0; i < history.length; i += 100) {
        expect((await cms(site).signed('POST', '/labels', { labels: history.slice(i, i + 100) })).status).toBe(201);
      }
    }
    const adapters = new AdapterStore(runtime.apiRedis, runtime.keys);
    const versions = new Map<string, number>();
    for (const site of LEARNING) {
      // The job may train on the first batches already, then again once all 240 labels are in.
      const adapter = await waitFor(() => adapters.current(site).then((a) => (a?.labelCount === 240 ? a : undefined)), `an adapter of ${site}'s 240 labels`, 240_000);
      expect(adapter.site).toBe(site);
      versions.set(site, adapter.version);
      // The site's labels and adapter live in its own slot, on the master of its comments.
      expect(await cluster.masterOf(runtime.keys.adapter(site))).toBe(await cluster.masterOf(runtime.keys.comment(site, 'slur-1')));
    }
    // A worker may have cached an adapter trained on the first batches (or none) just before: its cache
    // holds what it read for adapterCacheMs (200 ms) at most, so a comment sent later is judged with this one.
    await new Promise((r) => setTimeout(r, 500));
    const masters = new Set(await Promise.all(SITES.map((s) => cluster.masterOf(runtime.keys.comment(s, 'slur-1')))));
    expect(masters.size).toBeGreaterThan(1);

    const slur = 'Typical glimmerfolk behaviour, pushing the bus lanes on the rest of us.';
    for (const site of SITES) {
      expect((await cms(site).postComment({ id: 'slur-1', articleId: 'art-1', author: { id: 'reader-5' }, body: slur })).status).toBe(202);
    }
    for (const site of LEARNING) {
      const r = await decided(site, 'slur-1');
      expect(r.decision).toMatchObject({ adapter: { site, version: versions.get(site) } });
      expect(r.decision!.reasons.map((x) => x.code)).toContain('SITE_STANDARD');
    }
    const general = await decided('beta', 'slur-1');
    expect(general.decision?.adapter).toBeUndefined();
    expect(general.decision!.reasons.map((x) => x.code)).not.toContain('SITE_STANDARD');
  });
});
