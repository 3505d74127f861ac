/**
 * Benchmark: the webhook path and the worker together, in one process on the real Redis.
 * Sends N signed comments with C in flight, then waits until all are decided; prints accept
 * latency percentiles, accept rate and end-to-end decisions per second.
 *
 *   npm run bench:ingest -- --comments 2000 --concurrency 32
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { loadConfig } from '../config';
import { CmsClient } from '../src/client/cms-client';
import { Runtime } from '../src/container';
import { deleteKeysByPrefix } from '../src/infra/redis';
import { createLogger } from '../src/logger';
import { loadSeedFixtures } from '../test/fixtures/seeds';
import { numberArg as arg, percentile } from './support';



async function main() {
  const total = arg('comments', 2000);
  const inFlight = arg('concurrency', 32);
  const prefix = `{bench-ingest-${process.pid}}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const config = loadConfig({ env: { REDIS_URL: redisUrl }, overrides: { redis: { prefix }, logLevel: 'silent', sites: [{ id: 'demo', webhookSecrets: ['bench-secret-1'] }] } });
  const runtime = await Runtime.create({ config, logger: createLogger('silent') });
  if (!process.argv.includes("--accept-only")) runtime.startWorkers();
  const server = http.createServer(runtime.createApp());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new CmsClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, site: 'demo', secret: 'bench-secret-1' });

  // Real comment texts from the seed pages, varied so they do not count as repeat posts.
  const texts = loadSeedFixtures().flatMap((f) => f.comments.map((c) => c.body));
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t0 = performance.now();
        const res = await client.postComment({ id: `b${i}`, articleId: `a${i % 50}`, author: { id: `u${i % 400}` }, body: `${texts[i % texts.length]} (#${i})` });
        if (res.status !== 202) throw new Error(`comment ${i}: HTTP ${res.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const acceptedMs = performance.now() - started;

  const redis = new Redis(redisUrl);
  const acceptOnly = process.argv.includes('--accept-only');
  for (; !acceptOnly; ) {
    const counts = await runtime.queue.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const decidedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  console.log(`comments: ${total}, in flight: ${inFlight}, worker concurrency: ${config.worker.concurrency}`);
  console.log(`accept (202) latency ms: p50 ${percentile(latencies, 50).toFixed(1)}  p95 ${percentile(latencies, 95).toFixed(1)}  p99 ${percentile(latencies, 99).toFixed(1)}`);
  console.log(`accept rate: ${((total / acceptedMs) * 1000).toFixed(0)} comments/s`);
  if (!acceptOnly) console.log(`end to end (accepted and decided): ${((total / decidedMs) * 1000).toFixed(0)} comments/s, ${(decidedMs / 1000).toFixed(1)} s in all`);

  server.close();
  await runtime.close();
  await deleteKeysByPrefix(redis, prefix);
  redis.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
