/**
 * Memory sizing: stores N decided comments through the real service (signed webhooks, the worker,
 * the outbox drained) under a fresh prefix, then sums `MEMORY USAGE` of every key, grouped, and
 * prints bytes per comment. BullMQ's job records are shown apart (bounded by keepCompleted).
 *
 *   npm run bench:memory -- --comments 2000
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
import { numberArg as arg } from './support';


/** Which part of the data a key holds, from its name. */
function group(key: string, base: string): string {
  const rest = key.slice(base.length + 1).replace(/^\{([^}]*)\}/, 's:$1');
  if (/^s:q\d+:/.test(rest)) return 'BullMQ jobs (bounded, not per comment)';
  if (/^s:[^:]+:c:.*:h$/.test(rest)) return 'comment history';
  if (/^s:[^:]+:c:/.test(rest)) return 'comment record';
  if (/^s:[^:]+:a:.*:c$/.test(rest)) return 'article threads';
  if (/^s:[^:]+:a:/.test(rest)) return 'articles and their capped thread lists';
  if (/^s:[^:]+:u:/.test(rest)) return 'author records and indexes';
  if (/^s:[^:]+:q:/.test(rest)) return 'flagged queue indexes';
  if (/^s:[^:]+:t:/.test(rest)) return 'repeat-post sets (expire)';
  if (/^s:[^:]+:(seq|ret|obq|oba|ob:)/.test(rest)) return 'event sequences, retention index, outbox';
  if (/^s:[^:]+:events:log/.test(rest)) return 'live-update log (capped)';
  return 'other';
}

async function main() {
  const total = arg('comments', 2000);
  const prefix = `{bench-memory-${process.pid}}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const config = loadConfig({ env: { REDIS_URL: redisUrl }, overrides: { redis: { prefix }, logLevel: 'silent', sites: [{ id: 'demo', webhookSecrets: ['bench-secret-1'] }] } });
  const runtime = await Runtime.create({ config, logger: createLogger('silent') });
  runtime.startWorkers();
  const server = http.createServer(runtime.createApp());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new CmsClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, site: 'demo', secret: 'bench-secret-1' });
  const redis = new Redis(redisUrl);
  try {
    const texts = loadSeedFixtures().flatMap((f) => f.comments.map((c) => c.body));
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) {
          const i = next++;
          // ~20 comments per article, authors shared by a few comments each.
          await client.postComment({ id: `m-${i}`, articleId: `art-${Math.floor(i / 20)}`, author: { id: `author-${i % 500}`, name: `Reader ${i % 500}` }, body: `${texts[i % texts.length]} (${i})` });
        }
      }),
    );
    const stats = runtime.keys.stats('demo');
    for (;;) {
      const decided = Object.values(await redis.hgetall(stats)).reduce((a, b) => a + Number(b), 0);
      const pending = await redis.zcard(runtime.keys.outboxDue('demo'));
      if (decided >= total && pending === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const sums = new Map<string, number>();
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${runtime.keys.base}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      for (const key of keys) {
        const bytes = Number(await redis.memory('USAGE', key, 'SAMPLES', '0'));
        const name = group(key, runtime.keys.base);
        sums.set(name, (sums.get(name) ?? 0) + bytes);
      }
    } while (cursor !== '0');
    let perComment = 0;
    console.log(`${total} comments, decided, outbox drained; MEMORY USAGE by group (bytes per comment):`);
    for (const [name, bytes] of [...sums].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${name.padEnd(48)} ${(bytes / total).toFixed(0).padStart(6)}`);
      if (!name.startsWith('BullMQ') && !name.startsWith('live-update')) perComment += bytes / total;
    }
    console.log(`  ${'total per stored comment (BullMQ, live log apart)'.padEnd(48)} ${perComment.toFixed(0).padStart(6)}`);
  } finally {
    server.close();
    await runtime.close();
    await deleteKeysByPrefix(redis, prefix);
    redis.disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
