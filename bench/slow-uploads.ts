/**
 * `npm run bench:slow-uploads [-- --connections 400 --root /path/to/checkout]`: the memory attack of
 * issue 10 against the API process. Opens N connections that each announce a 2,000,000-byte body,
 * send 1,999,999 bytes and stall, in three kinds (unsigned, unknown site, and a forged but
 * well-formed fresh signature on the batch route), then N idle connections; prints the API's RSS
 * before, at its peak, and 5 s after the clients close, with /healthz latency meanwhile.
 * `--root` runs another checkout (e.g. `git archive main | tar -x -C /tmp/before`, with its
 * node_modules linked) for a before/after comparison. Loopback only; the Redis at REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { deleteKeysByPrefix } from '../src/infra/redis';
import { startApiProcess } from '../test/fuzz/support/api-process';
import { healthLatency, idleConnection, slowUpload, type SlowClient } from '../test/fuzz/support/slow-clients';
import { textArg as arg } from './support';

const N = Number(arg('connections', '400'));
const root = arg('root', '');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const prefix = `{bench-slow-${randomBytes(4).toString('hex')}}`;
  const api = await startApiProcess({ root: root || undefined, redisUrl: REDIS_URL, prefix, secret: 'bench-secret-123' });
  const redis = new Redis(REDIS_URL);
  const clients: SlowClient[] = [];
  try {
    await sleep(1_000);
    const before = api.rssMb();
    let peak = before;
    let worstHealth = 0;
    const sample = async () => {
      peak = Math.max(peak, api.rssMb());
      worstHealth = Math.max(worstHealth, await healthLatency(api.baseUrl));
    };
    const forged = () => ({ 'X-Signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)},v2=${'0'.repeat(64)}` });
    const kinds: Array<[string, string, () => Record<string, string>]> = [
      ['unsigned', '/v1/sites/demo/comments', () => ({})],
      ['unknown site', '/v1/sites/nosuch/comments', forged],
      ['forged signature, batch route', '/v1/sites/demo/comments/batch', forged],
    ];
    const started = performance.now();
    for (let i = 0; i < N; i++) {
      const [, path, headers] = kinds[i % kinds.length];
      clients.push(await slowUpload({ port: api.port, path, contentLength: 2_000_000, sendBytes: 1_999_999, headers: headers() }));
      if (i % 50 === 49) await sample();
    }
    for (let i = 0; i < N; i++) clients.push(await idleConnection(api.port, i % 2 ? 'POST /v1/sites/demo/comm' : ''));
    for (let i = 0; i < 10; i++) {
      await sample();
      await sleep(500);
    }
    const openSeconds = (performance.now() - started) / 1000;
    const answered: Record<string, number> = {};
    for (const c of clients) {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(c.response())?.[1] ?? (c.closedByServer() ? 'closed, no answer' : 'still open');
      answered[status] = (answered[status] ?? 0) + 1;
    }
    for (const c of clients) c.socket.destroy();
    await sleep(5_000);
    const after = api.rssMb();
    console.log(
      JSON.stringify(
        { checkout: root || 'this one', connections: { uploads: N, idle: N }, rssMb: { before: Math.round(before), peak: Math.round(peak), after: Math.round(after) }, worstHealthzMs: Math.round(worstHealth), openSeconds: Math.round(openSeconds), answered },
        null,
        1,
      ),
    );
  } finally {
    for (const c of clients) c.socket.destroy();
    await api.stop();
    await deleteKeysByPrefix(redis, prefix);
    redis.disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
