/**
 * The service on a real three-master Redis Cluster (started by the test on free loopback ports):
 * several sites' comments are ingested (one by one and in a batch), decided by the workers and
 * called back; flagged ones reach each site's moderator queue and a moderator's decision is called
 * back too. Keys carry per-site hash tags and queues are sharded, so the data spreads over more than
 * one master while every script touches one slot. A master stopped and restarted is survived.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis, { Cluster } from 'ioredis';
import request from 'supertest';
import { loadConfig, sha256Hex } from '../../config';
import { moderatorExtensions, type ModeratorExtensions } from '../../src/api/moderation';
import { startCallbackReceiver, type CallbackReceiver } from '../../src/client/callback-receiver';
import { CmsClient } from '../../src/client/cms-client';
import { Runtime } from '../../src/container';
import { CommentStore } from '../../src/infra/comment-store';
import { createLogger } from '../../src/logger';
import type { Express } from 'express';
import { waitFor } from '../support/service';
import { startLocalCluster, type LocalCluster } from './local-cluster';

jest.setTimeout(300_000);

const SITES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
const secret = (site: string) => `${site}-webhook-secret`;
const TOKEN = 'cluster-moderator-token';
const FLAG_ONLY = { thresholds: { insult: { flag: 0.5, reject: 1.01 }, toxicity: { flag: 0.5, reject: 1.01 }, profanity: { flag: 0.5, reject: 1.01 }, harassment: { flag: 0.5, reject: 1.01 } } };

// Needs redis-server and redis-cli on the PATH (.ci/run installs them); without them it fails, never skips.
describe('Redis Cluster', () => {
  let cluster: LocalCluster;
  let receiver: CallbackReceiver;
  let runtime: Runtime;
  let moderation: ModeratorExtensions;
  let app: Express;
  let server: http.Server;
  let baseUrl: string;
  let store: CommentStore;

  const cms = (site: string) => new CmsClient({ baseUrl, site, secret: secret(site) });
  const callbacksFor = (site: string, id: string) => receiver.received.filter((r) => r.payload?.site === site && r.payload.comment.id === id);
  const decided = (site: string, id: string, timeoutMs = 60_000) =>
    waitFor(async () => {
      const r = await store.get(site, id).catch(() => null);
      return r && r.status !== 'queued' ? r : undefined;
    }, `a decision on ${site}/${id}`, timeoutMs);
  const calledBack = (site: string, id: string, decidedBy = 'auto', timeoutMs = 60_000) =>
    waitFor(() => callbacksFor(site, id).find((c) => c.payload!.decidedBy === decidedBy), `a ${decidedBy} callback for ${site}/${id}`, timeoutMs);

  beforeAll(async () => {
    cluster = await startLocalCluster();
    receiver = await startCallbackReceiver({ secrets: SITES.map(secret) });
    const config = loadConfig({
      env: {},
      overrides: {
        logLevel: 'silent',
        redis: { url: `redis://127.0.0.1:${cluster.ports[0]}`, clusterNodes: cluster.nodes, prefix: 'cm', queueShards: 3 },
        // Short retries: a callback that failed while a master restarted is retried within seconds.
        callbacks: { attempts: 12, backoffMs: 50 },
        // The watchdog checks every second and replaces a worker idle with jobs ready for 5 s.
        worker: { backoffMs: 100, watchdogIntervalMs: 1_000, watchdogIdleMs: 5_000 },
        // The retraining job every second on the cluster whose master the restart test stops (its
        // queue shares that master with moderation shard 0); see docs/reliability.md, worker watchdog.
        siteLearning: { retrainEveryMs: 1_000 },
        sites: SITES.map((id) => ({ id, webhookSecrets: [secret(id)], callbackUrl: receiver.url, policy: FLAG_ONLY })),
        moderators: [{ name: 'cluster-moderator', tokenSha256: sha256Hex(TOKEN), sites: SITES }],
      },
    });
    const logger = createLogger('silent');
    runtime = await Runtime.create({ config, logger });
    expect(runtime.apiRedis).toBeInstanceOf(Cluster);
    runtime.startWorkers();
    moderation = moderatorExtensions({ runtime, config, logger });
    app = runtime.createApp(moderation);
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    store = new CommentStore(runtime.apiRedis, runtime.keys);
  });

  afterAll(async () => {
    // The cluster is stopped whatever happens to the service's own shutdown (bounded here), so no
    // redis-server outlives the test.
    const closeService = async () => {
      await moderation?.close();
      server?.closeAllConnections();
      if (server) await new Promise((r) => server.close(r));
      await runtime?.close();
      await receiver?.close();
    };
    try {
      await Promise.race([closeService(), new Promise((r) => setTimeout(r, 30_000).unref())]);
    } finally {
      await cluster?.stop();
    }
  });

  it('ingests, decides and calls back comments of several sites, singly and in batches', async () => {
    for (const site of SITES) {
      expect((await cms(site).putArticle('art-1', { title: `Council budget (${site})`, body: 'The city council voted on the budget for schools and roads.' })).status).toBeLessThan(300);
      expect((await cms(site).postComment({ id: 'ok-1', articleId: 'art-1', author: { id: 'reader-1' }, body: 'Thanks for the clear report on the school budget.' })).status).toBe(202);
      const batch = await cms(site).signed<{ accepted: number }>('POST', '/comments/batch', {
        comments: [
          { id: 'b-1', articleId: 'art-1', author: { id: 'reader-2' }, body: 'The roads budget looks too small to me.' },
          { id: 'bad-1', articleId: 'art-1', author: { id: 'troll-1' }, body: 'you are an idiot' },
        ],
      });
      expect(batch.status).toBe(202);
      expect(batch.body.accepted).toBe(2);
    }
    for (const site of SITES) {
      for (const id of ['ok-1', 'b-1', 'bad-1']) {
        const r = await decided(site, id);
        expect(r.decision!.decidedBy).toBe('auto');
        expect((await calledBack(site, id)).verification.ok).toBe(true);
      }
      expect((await store.get(site, 'bad-1'))!.status).toBe('flagged');
    }
  });

  it('serves each site its own moderator queue and calls back a moderator decision', async () => {
    for (const site of SITES) {
      const list = await request(app).get(`/v1/sites/${site}/moderation/queue`).set('Authorization', `Bearer ${TOKEN}`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).toEqual(['bad-1']);
    }
    const approve = await request(app).post('/v1/sites/beta/moderation/queue/bad-1/approve').set('Authorization', `Bearer ${TOKEN}`).send({});
    expect(approve.status).toBe(200);
    expect((await store.get('beta', 'bad-1'))!.status).toBe('approved');
    expect((await calledBack('beta', 'bad-1', 'cluster-moderator')).payload!.status).toBe('approved');
  });

  it('spreads sites and queue shards over more than one master, each site in one slot', async () => {
    const keysByMaster = new Map<number, string[]>();
    for (const port of cluster.ports) {
      const r = new Redis({ port, host: '127.0.0.1' });
      keysByMaster.set(port, await r.keys('cm:*'));
      r.disconnect();
    }
    const withKeys = [...keysByMaster.values()].filter((k) => k.length > 0);
    expect(withKeys.length).toBeGreaterThan(1);
    const mastersOfSites = new Set(await Promise.all(SITES.map((s) => cluster.masterOf(runtime.keys.comment(s, 'ok-1')))));
    expect(mastersOfSites.size).toBeGreaterThan(1);
    const mastersOfQueues = new Set(await Promise.all([0, 1, 2].map((n) => cluster.masterOf(`${runtime.keys.queuePrefix(n)}:moderation:wait`))));
    expect(mastersOfQueues.size).toBeGreaterThan(1);
    // Every key of a site lives on that site's master (one slot: its hash tag).
    for (const site of SITES) {
      const master = await cluster.masterOf(runtime.keys.comment(site, 'ok-1'));
      const siteKeys = [...keysByMaster.values()].flat().filter((k) => k.startsWith(`cm:{${site}}:`));
      expect(siteKeys.length).toBeGreaterThan(5);
      expect(keysByMaster.get(master)).toEqual(expect.arrayContaining(siteKeys));
    }
  });

  it('survives a master restart: earlier data is there and new comments are decided and called back', async () => {
    const site = 'gamma';
    const port = await cluster.masterOf(runtime.keys.comment(site, 'ok-1'));
    await cluster.stopNode(port);
    await cluster.startNode(port);
    // The API's fail-fast connection may need a moment to see the node again; the CMS would retry.
    await waitFor(async () => ((await cms(site).postComment({ id: 'after-restart', articleId: 'art-1', author: { id: 'reader-9' }, body: 'Good to see the schools get more money.' })).status === 202 ? true : undefined), 'a 202 after the restart', 60_000);
    expect((await store.get(site, 'ok-1'))?.status).toBe('approved');
    for (const s of SITES) {
      const id = `after-${s}`;
      await waitFor(async () => ((await cms(s).postComment({ id, articleId: 'art-1', author: { id: 'reader-8' }, body: 'The report on the roads was useful.' })).status === 202 ? true : undefined), `a 202 on ${s}`, 60_000);
    }
    await decided(site, 'after-restart', 120_000);
    await calledBack(site, 'after-restart', 'auto', 120_000);
    for (const s of SITES) await calledBack(s, `after-${s}`, 'auto', 120_000);
  });
});
