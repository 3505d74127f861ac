/**
 * The worker watchdog against the real Redis, with real BullMQ workers: a worker whose connections
 * went silent (it runs, but takes no job) and a worker closed behind the runtime's back are both
 * replaced, and the jobs waiting for them are done, each once; a healthy idle worker and a worker
 * busy with long jobs are left alone.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import pino from 'pino';
import { loadConfig } from '../../config';
import { CmsClient } from '../../src/client/cms-client';
import { Runtime } from '../../src/container';
import { CommentStore } from '../../src/infra/comment-store';
import { readyJobsOf, WorkerWatchdog, type StuckReason } from '../../src/infra/worker-watchdog';
import { createLogger } from '../../src/logger';
import { startSilencingProxy, type SilencingProxy } from '../support/silencing-proxy';
import { deleteKeys, REDIS_URL, uniquePrefix, waitFor } from './harness';

jest.setTimeout(120_000);

const redisAt = new URL(REDIS_URL);
const target = { host: redisAt.hostname, port: Number(redisAt.port) || 6379 };
const prefixes: string[] = [];
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  for (const prefix of prefixes) await deleteKeys(prefix);
});

/** A queue on its own prefix, a watchdog with short timings, and a record of what it did. */
function setUp(name: string, idleMs = 1_500) {
  const prefix = uniquePrefix(`watchdog-${name}`);
  prefixes.push(prefix);
  // BullMQ leaves a connection it was handed open on close: the test closes it.
  const queueRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('jobs', { connection: queueRedis, prefix });
  // The log lines as JSON objects, as they would reach stdout.
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const replaced: StuckReason[] = [];
  const watchdog = new WorkerWatchdog({ checkEveryMs: 200, idleMs, closeTimeoutMs: 5_000, logger, onReplace: (_worker, reason) => replaced.push(reason) });
  closers.push(
    () => watchdog.close(),
    () => queue.close(),
    async () => queueRedis.disconnect(),
  );
  return { prefix, queue, watchdog, replaced, lines };
}

/** Times each job id was processed, by any worker. */
function processed() {
  const runs = new Map<string, number>();
  return { runs, count: (job: Job) => runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker watchdog', () => {
  let proxy: SilencingProxy;

  beforeAll(async () => {
    proxy = await startSilencingProxy(target);
    closers.push(() => proxy.close());
  });

  it('replaces a running worker whose connections went silent, and the waiting jobs are done once each', async () => {
    const { prefix, queue, watchdog, replaced, lines } = setUp('silent');
    const { runs, count } = processed();
    // Connection options, not a client: every worker (the replacement too) opens connections of its own, through the proxy.
    const start = () => new Worker('jobs', async (job) => void count(job), { connection: { host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: null }, prefix });
    const first = watchdog.watch({ name: 'jobs', start, readyJobs: () => readyJobsOf(queue) });
    await first.waitUntilReady();
    // A job done from end to end first, so the network fails while the worker holds no job.
    const warmedUp = new Promise((resolve) => first.once('completed', resolve));
    await queue.add('warm-up', {}, { jobId: 'warm-up' });
    await warmedUp;

    proxy.silence();
    for (const id of ['a', 'b', 'c']) await queue.add('job', {}, { jobId: id });
    await waitFor(() => (replaced.length ? true : undefined), 'the watchdog to replace the worker', 60_000);
    expect(replaced).toEqual(['idle']);
    expect(watchdog.workers[0]).not.toBe(first);
    expect(watchdog.current(first)).toBe(watchdog.workers[0]);

    await waitFor(async () => ((await queue.getJobCounts('completed')).completed === 4 ? true : undefined), 'the waiting jobs to complete', 60_000);
    expect(Object.fromEntries(runs)).toEqual({ 'warm-up': 1, a: 1, b: 1, c: 1 });
    expect(lines).toContainEqual(expect.objectContaining({ worker: 'jobs', reason: 'idle', alert: 'worker_replaced', readyJobs: 3 }));
  });

  it('starts a new worker when one stopped running behind its back', async () => {
    const { prefix, queue, watchdog, replaced } = setUp('stopped');
    const { runs, count } = processed();
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    closers.push(async () => connection.disconnect());
    const first = watchdog.watch({ name: 'jobs', start: () => new Worker('jobs', async (job) => void count(job), { connection, prefix }), readyJobs: () => readyJobsOf(queue) });
    await first.waitUntilReady();
    await first.close();
    expect(first.isRunning()).toBe(false);

    await queue.add('job', {}, { jobId: 'after-close' });
    await waitFor(() => runs.get('after-close'), 'a new worker to do the job', 30_000);
    expect(replaced).toEqual(['stopped']);
    expect(runs.get('after-close')).toBe(1);
  });

  it('leaves alone a healthy worker with nothing to do and a worker busy with long jobs', async () => {
    const idle = setUp('healthy-idle', 1_000);
    const busy = setUp('busy', 1_000);
    const { runs, count } = processed();
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    closers.push(async () => connection.disconnect());
    const idleWorker = idle.watchdog.watch({ name: 'idle', start: () => new Worker('jobs', async () => undefined, { connection, prefix: idle.prefix }), readyJobs: () => readyJobsOf(idle.queue) });
    // One job at a time, each three idle windows long, with more waiting behind it.
    const busyWorker = busy.watchdog.watch({
      name: 'busy',
      start: () =>
        new Worker(
          'jobs',
          async (job) => {
            count(job);
            await sleep(3_000);
          },
          { connection, prefix: busy.prefix, concurrency: 1 },
        ),
      readyJobs: () => readyJobsOf(busy.queue),
    });
    for (const id of ['long-1', 'long-2', 'long-3']) await busy.queue.add('job', {}, { jobId: id });

    await waitFor(async () => ((await busy.queue.getJobCounts('completed')).completed === 3 ? true : undefined), 'the long jobs to complete', 60_000);
    // The idle worker has by now sat through many idle windows with nothing to do.
    expect(idle.replaced).toEqual([]);
    expect(busy.replaced).toEqual([]);
    expect(idle.watchdog.workers).toEqual([idleWorker]);
    expect(busy.watchdog.workers).toEqual([busyWorker]);
    expect(Object.fromEntries(runs)).toEqual({ 'long-1': 1, 'long-2': 1, 'long-3': 1 });
  });
});

describe('the runtime under its watchdog', () => {
  it('replaces a moderation worker that stopped, and the comment waiting for it is decided', async () => {
    const prefix = uniquePrefix('watchdog-runtime');
    prefixes.push(prefix);
    const config = loadConfig({
      env: {},
      overrides: {
        logLevel: 'silent',
        redis: { url: REDIS_URL, prefix },
        worker: { watchdogIntervalMs: 200, watchdogIdleMs: 1_500 },
        sites: [{ id: 'demo', webhookSecrets: ['watchdog-secret'] }],
        moderators: [],
      },
    });
    const runtime = await Runtime.create({ config, logger: createLogger('silent') });
    const server = http.createServer(runtime.createApp());
    closers.push(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await runtime.close();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const cms = new CmsClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, site: 'demo', secret: 'watchdog-secret' });
    const [moderation] = runtime.startWorkers();
    await moderation.waitUntilReady();
    await moderation.close();

    expect((await cms.postComment({ id: 'c-1', articleId: 'a-1', author: { id: 'reader-1' }, body: 'A clear report on the budget.' })).status).toBe(202);
    const store = new CommentStore(runtime.apiRedis, runtime.keys);
    const record = await waitFor(async () => {
      const r = await store.get('demo', 'c-1');
      return r && r.status !== 'queued' ? r : undefined;
    }, 'a decision on c-1', 30_000);
    expect(record.decision?.decidedBy).toBe('auto');
    const metric = await runtime.metrics.registry.getSingleMetricAsString('workers_replaced_total');
    expect(metric).toContain('workers_replaced_total{worker="moderation:0",reason="stopped"} 1');
  });
});
