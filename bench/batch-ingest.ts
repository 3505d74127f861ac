/**
 * Batch ingest on its own: its own `redis-server` on a free loopback port and the API process
 * (`src/main.ts --role api`, no worker, so nothing else competes for the cores), fed `/comments/batch`
 * requests of 1,000 ~250-character comments one at a time. Prints comments accepted per second
 * (after `--warmup` batches) and the API's and Redis's CPU and Redis commands per comment.
 * (`npm run bench:e2e` measures the same route while a worker decides the batches on the same cores.)
 *
 *   npm run bench:batch -- [--batches 20] [--warmup 3]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { redisAnswers } from '../src/infra/local-redis';
import { SIGNATURE_HEADER, signRequest } from '../src/security/signature';
import { freePort } from '../test/support/free-port';
import { numberArg, RECOMMENDED_REDIS_ARGS } from './support';
import { YOUNG_GENERATION_FLAG } from '../src/runtime-flags';

const SECRET = 'bench-secret-0123';
const BODY = 'The council voted last night to close the harbour road for six months of repairs, and frankly I think the consultation was a sham. Nobody asked the shop owners on Quay Street what this will do to their trade over the summer.';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU ms (user + system) a process has used so far, from /proc. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function main(): Promise<void> {
  const batches = numberArg('batches', 20);
  const warmup = numberArg('warmup', 3);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cm-batch-'));
  const [redisPort, apiPort] = [await freePort(), await freePort()];
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const redisProc = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp, ...RECOMMENDED_REDIS_ARGS], { stdio: 'ignore' });
  const config = path.join(tmp, 'config.json');
  writeFileSync(config, JSON.stringify({ sites: [{ id: 'bench', webhookSecrets: [SECRET] }], moderators: [] }));
  const env = { ...process.env, CONFIG_FILE: config, REDIS_URL: redisUrl, REDIS_START_LOCAL: 'false', LOG_LEVEL: 'error', PORT: String(apiPort), HOST: '127.0.0.1' };
  const agent = new http.Agent({ keepAlive: true });
  const redis = new Redis(redisUrl, { lazyConnect: true });
  let api: ReturnType<typeof spawn> | undefined;
  try {
    while (!(await redisAnswers(redisUrl, 500))) await sleep(100);
    await redis.connect();
    api = spawn(process.execPath, [YOUNG_GENERATION_FLAG, '--import', 'tsx', 'src/main.ts', '--role', 'api'], { cwd: path.resolve(__dirname, '..'), env, stdio: 'ignore' });
    const post = (body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const raw = JSON.stringify(body);
        const p = '/v1/sites/bench/comments/batch';
        const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(raw), [SIGNATURE_HEADER]: signRequest(SECRET, { method: 'POST', path: p, rawBody: raw }) };
        http.request({ host: '127.0.0.1', port: apiPort, method: 'POST', path: p, agent, headers }, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0))).on('error', reject).end(raw);
      });
    for (let tries = 0; ; tries++) {
      if (await post({ comments: [] }).then(() => true, () => false)) break;
      if (tries > 300) throw new Error('the API did not start');
      await sleep(200);
    }
    let seq = 0;
    const batch = () => Array.from({ length: 1000 }, () => ({ id: `c${seq}`, articleId: `a${seq % 50}`, author: { id: `u${seq % 997}`, name: `Reader ${seq % 997}` }, body: `${BODY} #${seq++}` }));
    for (let b = 0; b < warmup; b++) if ((await post({ comments: batch() })) !== 202) throw new Error('warm-up batch refused');
    const stats = async () => Object.fromEntries([...(await redis.info('commandstats')).matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
    const redisCpu = async () => { const i = await redis.info('cpu'); return 1000 * (Number(/used_cpu_user:([\d.]+)/.exec(i)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(i)![1])); };
    const [c0, r0, s0] = [cpuMs(api.pid!), await redisCpu(), await stats()];
    const times: number[] = [];
    for (let b = 0; b < batches; b++) {
      const items = batch();
      const t = performance.now();
      if ((await post({ comments: items })) !== 202) throw new Error(`batch ${b} refused`);
      times.push(performance.now() - t);
    }
    const [c1, r1, s1] = [cpuMs(api.pid!), await redisCpu(), await stats()];
    const n = batches * 1000;
    const commands = Object.entries(s1).reduce((sum, [k, v]) => sum + v - (s0[k] ?? 0), 0) - 2; // minus the two INFO calls
    times.sort((a, b) => a - b);
    console.log(`batch ingest, API alone (no worker), ${batches} batches of 1,000 after ${warmup} warm-up, load avg ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}:`);
    console.log(`  ${((n / times.reduce((a, b) => a + b, 0)) * 1000).toFixed(0)} comments/s accepted (per batch: median ${times[times.length >> 1].toFixed(0)} ms, best ${times[0].toFixed(0)} ms)`);
    console.log(`  CPU ms per comment: API ${((c1 - c0) / n).toFixed(3)}, Redis ${((r1 - r0) / n).toFixed(3)}; Redis commands per comment ${(commands / n).toFixed(1)}`);
  } finally {
    redis.disconnect();
    api?.kill('SIGTERM');
    await sleep(300);
    redisProc.kill('SIGTERM');
    agent.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
