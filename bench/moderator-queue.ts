/**
 * Benchmark (not a test): listing the moderators' flagged queue over HTTP when it holds N flagged
 * comments (default 10,000), on the real Redis, through the real app (auth, validation, stores).
 * Prints p50/p95/p99 per listing shape; the target is p95 ≤ 100 ms.
 *
 *   npm run bench:queue -- --items 10000 --requests 300
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { loadConfig, sha256Hex } from '../config';
import { moderatorExtensions } from '../src/api/moderation';
import { Runtime } from '../src/container';
import { createLogger } from '../src/logger';
import { REASON_CODES } from '../src/moderation/types';
import { reason, seedFlagged, type FlaggedSeed } from '../test/support/flagged-seeder';
import { deleteKeysByPrefix } from '../src/infra/redis';
import { numberArg as arg, percentile } from './support';

const TOKEN = 'bench-moderator-token';

async function main() {
  const items = arg('items', 10_000);
  const requests = arg('requests', 300);
  const prefix = `{bench-queue-${process.pid}}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const config = loadConfig({
    env: { REDIS_URL: redisUrl },
    overrides: { redis: { prefix }, logLevel: 'silent', sites: [{ id: 'demo', webhookSecrets: ['bench-secret-1'] }], moderators: [{ name: 'bench', tokenSha256: sha256Hex(TOKEN), sites: ['demo'] }] },
  });
  const logger = createLogger('silent');
  const runtime = await Runtime.create({ config, logger });
  const moderation = moderatorExtensions({ runtime, config, logger });
  const server = http.createServer(runtime.createApp(moderation));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sites/demo/moderation/queue`;

  try {
    // 10,000 flagged comments: 8 reasons, 200 articles, 2,000 authors, a month of arrival times.
    const codes = REASON_CODES.filter((c) => c !== 'MODERATOR' && c !== 'PREMODERATION').slice(0, 8);
    const t0 = Date.parse('2024-05-01T00:00:00Z');
    const seeds: FlaggedSeed[] = Array.from({ length: items }, (_, i) => {
      const code = codes[i % codes.length];
      const body = `Comment number ${i}: some text with a word that matters, you ${code.toLowerCase()} person. `.repeat(3);
      return { id: `c${i}`, articleId: `a${i % 200}`, authorId: `u${(i * 7) % 2000}`, body, reasons: [reason(code, 0.5 + ((i * 37) % 50) / 100, body, code.toLowerCase())], receivedAt: new Date(t0 + ((i * 7919) % (30 * 86400)) * 1000) };
    });
    const seeding = performance.now();
    await seedFlagged(runtime, 'demo', seeds);
    process.stderr.write(`seeded ${items} flagged comments in ${Math.round(performance.now() - seeding)} ms\n`);

    const shapes: Record<string, string> = {
      'priority, first page (50)': '?limit=50',
      'age, first page (50)': '?sort=age&limit=50',
      'priority, 100 per page': '?limit=100',
      'reason filter': '?reason=INSULT',
      'reason + article (ZINTERSTORE)': '?reason=INSULT&articleId=a11',
      'reason, age order (ZINTERSTORE)': '?reason=THREAT&sort=age',
      'author filter': '?authorId=u77',
    };
    const headers = { authorization: `Bearer ${TOKEN}` };
    const time = async (url: string) => {
      const start = performance.now();
      const res = await fetch(url, { headers });
      const body = (await res.json()) as { nextCursor: string | null; items: unknown[] };
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
      return { ms: performance.now() - start, body };
    };
    const results: Array<{ shape: string; p50: number; p95: number; p99: number; max: number }> = [];
    const record = (shape: string, ms: number[]) => {
      const s = [...ms].sort((a, b) => a - b);
      results.push({ shape, p50: +percentile(s, 50).toFixed(2), p95: +percentile(s, 95).toFixed(2), p99: +percentile(s, 99).toFixed(2), max: +s[s.length - 1].toFixed(2) });
    };
    for (const [shape, query] of Object.entries(shapes)) {
      for (let i = 0; i < 20; i++) await time(base + query); // warm-up
      const ms: number[] = [];
      for (let i = 0; i < requests; i++) ms.push((await time(base + query)).ms);
      record(shape, ms);
    }
    // Deep paging: follow cursors through the first 4,000 items by priority.
    const deep: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 80; page++) {
      const { ms, body } = await time(`${base}?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      deep.push(ms);
      cursor = body.nextCursor;
    }
    record('cursor pages 1–80 (50 each)', deep);

    const worst = Math.max(...results.map((r) => r.p95));
    console.log(`Flagged queue listing over HTTP, ${items} flagged items, ${requests} requests per shape (sequential, keep-alive)`);
    console.table(results);
    console.log(`worst p95: ${worst} ms — ${worst <= 100 ? 'meets' : 'MISSES'} the 100 ms target`);
  } finally {
    await moderation.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await runtime.close();
    const redis = new Redis(redisUrl);
    await deleteKeysByPrefix(redis, prefix);
    redis.disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
