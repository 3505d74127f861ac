/**
 * Benchmark: the drop-in protocols' latency, answered inline by an API process (`src/main.ts --role
 * api`, started here on the real Redis) under an open-loop load: requests leave on schedule whether
 * or not earlier ones came back, so a slow answer cannot hide by slowing the sender.
 *
 *   npm run bench:dropin -- --seconds 15 --rate 200 --coral-rate 100
 *
 * Prints p50/p95/p99/max and the API's CPU time per call for each scenario: Perspective-compatible
 * analyze, Coral's external phase (stores comment and decision), and comments:check.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { sha256Hex } from '../config';
import { CmsClient } from '../src/client/cms-client';
import { deleteKeysByPrefix } from '../src/infra/redis';
import { coralSignatureHeader } from '../src/security/coral-signature';
import { freePort } from '../test/dropin/service';
import { loadSeedFixtures } from '../test/fixtures/seeds';
import { numberArg as arg, percentile } from './support';
import { YOUNG_GENERATION_FLAG } from '../src/runtime-flags';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROOT = path.resolve(__dirname, '..');
const KEY = 'bench-perspective-key';
const SECRET = 'bench-webhook-secret';
const CORAL = 'bench-coral-secret';

/** CPU seconds the API process has used (its Prometheus `process_cpu_seconds_total`). */
async function apiCpuSeconds(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1] ?? NaN);
}

/**
 * Sends `send(i)` at `rate` per second for `seconds`; prints latency percentiles and the API
 * process's CPU time per call (less sensitive than latency to other load on a shared machine).
 */
async function openLoop(base: string, name: string, rate: number, seconds: number, send: (i: number) => Promise<number>) {
  const cpuBefore = await apiCpuSeconds(base);
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const failures: string[] = [];
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const t0 = performance.now();
    inFlight.push(
      send(i).then(
        (status) => {
          latencies.push(performance.now() - t0);
          if (status >= 300 && status !== 204) failures.push(`HTTP ${status}`);
        },
        (err: Error) => void failures.push(err.message),
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  const cpuMs = ((await apiCpuSeconds(base)) - cpuBefore) * 1000;
  latencies.sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1);
  console.log(
    `${name.padEnd(22)} ${total} calls at ${(total / elapsed).toFixed(0)}/s: p50 ${f(percentile(latencies, 50))} ms, p95 ${f(percentile(latencies, 95))} ms, ` +
      `p99 ${f(percentile(latencies, 99))} ms, max ${f(latencies[latencies.length - 1])} ms; API CPU ${(cpuMs / total).toFixed(2)} ms per call${failures.length ? `, ${failures.length} failed (${failures[0]})` : ''}`,
  );
  if (failures.length) process.exitCode = 1;
}

async function main() {
  const seconds = arg('seconds', 15);
  const rate = arg('rate', 200);
  const coralRate = arg('coral-rate', 100);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `{bench-dropin-${process.pid}}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-dropin-'));
  const configFile = path.join(dir, 'sites.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      sites: [{ id: 'bench', webhookSecrets: [SECRET], perspectiveKeys: [{ name: 'bench', keySha256: sha256Hex(KEY), requestsPerSecond: 10_000, burst: 10_000 }], coral: { signingSecrets: [CORAL] } }],
      moderators: [],
    }),
  );
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), YOUNG_GENERATION_FLAG, 'src/main.ts', '--role', 'api'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, CONFIG_FILE: configFile, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redisUrl, REDIS_PREFIX: prefix, REDIS_START_LOCAL: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error('API did not start');
      await sleep(100);
    }
    const texts = loadSeedFixtures().flatMap((f) => f.comments.map((c) => c.body));
    const text = (i: number) => `${texts[i % texts.length]} (${i})`;
    const analyze = (i: number) =>
      fetch(`${base}/v1alpha1/comments:analyze?key=${KEY}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ comment: { text: text(i) }, requestedAttributes: { TOXICITY: {}, INSULT: {}, THREAT: {} }, languages: ['en'] }),
      }).then(async (r) => (await r.arrayBuffer(), r.status));
    const coral = (i: number) => {
      const raw = JSON.stringify({ action: 'NEW', comment: { body: text(i), parentID: null }, author: { id: `u${i % 300}`, role: 'COMMENTER' }, story: { id: `story-${i % 20}`, url: 'https://news.example/' }, site: { id: 's' }, tenantID: 't', tenantDomain: 'news.example' }, null, 2);
      return fetch(`${base}/v1/integrations/coral/bench`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Coral-Signature': coralSignatureHeader([CORAL], raw) }, body: raw }).then(async (r) => (await r.arrayBuffer(), r.status));
    };
    const cms = new CmsClient({ baseUrl: base, site: 'bench', secret: SECRET });
    const check = (i: number) => cms.signed('POST', '/comments:check', { id: `k${i}`, articleId: `a${i % 20}`, author: { id: `u${i % 300}` }, body: text(i) }).then((r) => r.status);

    // Warm-up: the model's first calls, connection pools, JIT.
    await openLoop(base, 'warm-up (not counted)', 50, 2, analyze);
    await openLoop(base, 'analyze', rate, seconds, analyze);
    await openLoop(base, 'coral phase', coralRate, seconds, coral);
    await openLoop(base, 'comments:check', rate, seconds, check);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    const redis = new Redis(redisUrl);
    await deleteKeysByPrefix(redis, prefix);
    await redis.quit();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
