/**
 * End-to-end benchmark from separate processes: its own `redis-server` on a free loopback port, the
 * API (`src/main.ts --role api`, optionally several), worker process(es) (`--role worker`) and this
 * process as the load driver (keep-alive HTTP, signed requests, ~250-character seed comments, each
 * under an article whose thread already holds ≥ 20 comments). A comment counts as decided when its
 * `decided` live-update event arrives (published by the worker once the decision is stored).
 *
 * Phases: batch ingest (1,000 per request, also the threads' preload) → warm-up (the saturation
 * requests, `--warmup` comments, unmeasured) → saturation (64 in flight:
 * accepted-and-decided per second, Redis commands, memory and CPU per comment) → fixed offered rates
 * (accept→decision percentiles) → BullMQ's no-op ceiling on the same Redis (added/s, processed/s by
 * a worker process at concurrency 32) and the ratio. Every phase is bounded in time. CPU and Redis
 * commands per comment are counted until the saturation comments are decided and called back.
 *
 *   npm run bench:e2e -- [--comments 6000] [--workers 1] [--api 1] [--concurrency 32] [--rates 200,500]
 *                        [--rate-seconds 8] [--batches 5] [--warmup 20000] [--noop-jobs 20000] [--profile DIR] [--stock-redis]
 *                        [--callback-batch N]   (the site takes its callbacks in batches of ≤ N: callbackBatchMax)
 *                        [--node-args "--flag,…" | none] [--service-stdout DIR]
 *
 * Its redis-server runs with the recommended `hash-max-listpack-value` (see bench/support.ts);
 * `--stock-redis` leaves Redis's defaults.
 *
 * The machine may be shared: run it several times and report ranges.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { eventsOfMessage } from '../src/infra/events';
import { createKeys } from '../src/infra/keys';
import { redisAnswers } from '../src/infra/local-redis';
import { YOUNG_GENERATION_FLAG } from '../src/runtime-flags';
import { SIGNATURE_HEADER, signRequest } from '../src/security/signature';
import { loadSeedFixtures } from '../test/fixtures/seeds';
import { freePort } from '../test/support/free-port';
import { KeepAliveClient } from './keepalive-client';
import { numberArg as arg, percentile as pct, RECOMMENDED_REDIS_ARGS, referenceWorkloadMs, textArg as argText } from './support';

const ROOT = path.resolve(__dirname, '..');
const SITE = 'bench';
const SECRET = 'bench-secret-0123';
const PREFIX = 'cm';
const ARTICLES = 50;
/** How every delivered event begins (src/infra/outbox.ts), alone or inside a batch. */
const EVENT_MARK = '{"eventId":';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');


/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Read and write system calls a process has made so far, and the bytes they moved (/proc/PID/io: socket and file I/O alike). */
function ioCalls(pid: number): { reads: number; writes: number; readBytes: number; writtenBytes: number } {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const get = (k: string) => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(io)?.[1]);
    return { reads: get('syscr'), writes: get('syscw'), readBytes: get('rchar'), writtenBytes: get('wchar') };
  } catch {
    return { reads: NaN, writes: NaN, readBytes: NaN, writtenBytes: NaN };
  }
}

/** Peak resident memory of a process and its children so far, in MB (/proc/PID/status VmHWM). */
function peakRssMb(pids: number[]): number {
  return withChildren(pids).reduce((sum, pid) => {
    try {
      return sum + Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
    } catch {
      return NaN;
    }
  }, 0);
}

/** Moderation jobs the worker processes have finished so far (their /metrics: job duration count). */
async function jobsDone(ports: number[]): Promise<number> {
  let n = 0;
  for (const port of ports) {
    const text = await new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body));
      }).on('error', reject);
    }).catch(() => '');
    for (const m of text.matchAll(/^moderation_job_duration_seconds_count\{[^}]*\} (\d+)/gm)) n += Number(m[1]);
  }
  return n;
}

async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1]);
  return get('used_cpu_user') + get('used_cpu_sys');
}

/** Total calls per command from INFO commandstats (commands run inside scripts included). */
async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const out = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1], Number(m[2]));
  return out;
}
/** Bytes Redis read from and wrote to its clients since it started (INFO stats). */
async function netBytes(redis: Redis): Promise<{ input: number; output: number }> {
  const info = await redis.info('stats');
  const get = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1]);
  return { input: get('total_net_input_bytes'), output: get('total_net_output_bytes') };
}
const usedMemory = async (redis: Redis) => Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))![1]);

interface Proc {
  child: ChildProcess;
  name: string;
  exited: Promise<number | null>;
}

/**
 * Node/V8 flags of the service's processes: by default those its start scripts use (src/runtime-flags.ts);
 * `--node-args "--flag,--other=1"` (commas or spaces) replaces them, `--node-args none` runs V8's defaults.
 */
const NODE_ARGS_FLAG = argText('node-args', YOUNG_GENERATION_FLAG);
const SERVICE_NODE_ARGS = NODE_ARGS_FLAG === 'none' ? [] : NODE_ARGS_FLAG.split(/[\s,]+/).filter(Boolean);
/** `--service-stdout DIR`: each service process's stdout to DIR/<name>.out (e.g. with `--node-args --trace-gc-nvp`). */
const SERVICE_STDOUT_DIR = argText('service-stdout', '');

function startProcess(name: string, args: string[], env: Record<string, string>, profileDir?: string, onStdout?: (line: string) => void, nodeFlags: string[] = SERVICE_NODE_ARGS): Proc {
  const nodeArgs = [...nodeFlags, '--import', 'tsx', ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${name}.cpuprofile`] : []), ...args];
  const stdout = onStdout ? 'pipe' : SERVICE_STDOUT_DIR ? openSync(path.join(SERVICE_STDOUT_DIR, `${name}.out`), 'w') : 'ignore';
  const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => onStdout?.(d.toString()));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      if ((code && code !== 0) || (signal && signal !== 'SIGTERM')) process.stderr.write(`${name} exited ${code ?? signal}: ${stderr}\n`);
      resolve(code);
    }),
  );
  return { child, name, exited };
}

async function stopProcess(p: Proc): Promise<void> {
  if (p.child.exitCode !== null) return;
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
  await p.exited;
  clearTimeout(t);
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean, everyMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * A keep-alive, signed HTTP client for one site (bench/keepalive-client.ts: a lean client, so that
 * the driver takes as little as it can of the cores the service is measured on). Nonces count up.
 */
function makeClient(port: number, maxSockets: number) {
  const client = new KeepAliveClient(port, maxSockets);
  let nonce = 0;
  const send = (method: string, urlPath: string, payload: unknown): Promise<{ status: number; body: string }> => {
    const raw = payload === undefined ? '' : JSON.stringify(payload);
    const fullPath = `/v1/sites/${SITE}${urlPath}`;
    const signature = signRequest(SECRET, { method, path: fullPath, rawBody: raw }, { nonce: `n${++nonce}` });
    return client.request(method, fullPath, { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature }, raw);
  };
  return Object.assign(send, { client });
}

/** Tracks when each comment was sent and when its decision event arrived. */
class DecisionTracker {
  readonly sentAt = new Map<string, number>();
  readonly latency = new Map<string, number>();
  decided = 0;
  constructor(sub: Redis, channel: string) {
    sub.on('message', (_ch, msg: string) => {
      for (const json of eventsOfMessage(msg)) {
        const ev = JSON.parse(json) as { type: string; id: string };
        if (ev.type !== 'decided') continue;
        const t = this.sentAt.get(ev.id);
        if (t !== undefined && !this.latency.has(ev.id)) {
          this.latency.set(ev.id, performance.now() - t);
          this.decided++;
        }
      }
    });
    void sub.subscribe(channel);
  }
  sent(id: string) {
    this.sentAt.set(id, performance.now());
  }
  latencies(ids: string[]): number[] {
    return ids.map((id) => this.latency.get(id)).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  }
  allDecided(ids: string[]) {
    return ids.every((id) => this.latency.has(id));
  }
}

/** The no-op BullMQ worker, run as its own process (`--noop-worker`). */
async function noopWorker(): Promise<void> {
  const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  const worker = new Worker('noop', async () => undefined, { connection, prefix: 'bench-noop', concurrency: Number(process.env.NOOP_CONCURRENCY ?? 32) });
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void worker.close().then(() => connection.quit()).then(() => process.exit(0)));
}

async function main(): Promise<void> {
  const total = arg('comments', 6000);
  const workers = arg('workers', 1);
  const apis = arg('api', 1);
  const concurrency = arg('concurrency', 32);
  const inFlight = arg('in-flight', 64);
  const rates = argText('rates', '200,500').split(',').filter(Boolean).map(Number);
  const rateSeconds = arg('rate-seconds', 8);
  const batches = arg('batches', 5);
  const warmup = arg('warmup', 20_000);
  const noopJobs = arg('noop-jobs', 20_000);
  const profileDir = process.argv.includes('--profile') ? path.resolve(argText('profile', 'profiles')) : undefined;
  const timeoutMs = arg('timeout-s', 180) * 1000;
  const callbackBatch = arg('callback-batch', 1);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cm-e2e-'));
  const redisPort = await freePort();
  const apiPort = await freePort();
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const procs: Proc[] = [];
  let callbacks = 0;
  // The CMS: counts the events it receives (one per request, or a batch of them with --callback-batch).
  const callbackServer = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      for (let i = body.indexOf(EVENT_MARK); i >= 0; i = body.indexOf(EVENT_MARK, i + 1)) callbacks++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', r));
  const callbackUrl = `http://127.0.0.1:${(callbackServer.address() as net.AddressInfo).port}/callback`;

  // The recommended setting (docs/reliability.md, docker-compose.yml) unless --stock-redis.
  const redisTuning = process.argv.includes('--stock-redis') ? [] : RECOMMENDED_REDIS_ARGS;
  const redisProc = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp, ...redisTuning], { stdio: 'ignore' });
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const sub = new Redis(redisUrl, { lazyConnect: true });
  for (const r of [redis, sub]) r.on('error', () => undefined);
  try {
    await waitFor('redis-server', 30_000, () => redisAnswers(redisUrl, 500), 100);
    await Promise.all([redis.connect(), sub.connect()]);

    const configFile = path.join(tmp, 'config.json');
    const callbackBatchMax = callbackBatch > 1 ? { callbackBatchMax: callbackBatch } : {};
    writeFileSync(configFile, JSON.stringify({ sites: [{ id: SITE, webhookSecrets: [SECRET], callbackUrl, ...callbackBatchMax }], moderators: [] }));
    const env = { CONFIG_FILE: configFile, REDIS_URL: redisUrl, REDIS_PREFIX: PREFIX, REDIS_START_LOCAL: 'false', LOG_LEVEL: 'warn', PORT: String(apiPort), HOST: '127.0.0.1', WORKER_CONCURRENCY: String(concurrency), WORKER_METRICS_PORT: '0', API_PROCESSES: String(apis) };
    const apiProcs = [startProcess('api', ['src/main.ts', '--role', 'api'], env, profileDir)];
    const workerPorts = await Promise.all(Array.from({ length: workers }, () => freePort()));
    const workerProcs = workerPorts.map((port, i) => startProcess(`worker-${i}`, ['src/main.ts', '--role', 'worker'], { ...env, WORKER_METRICS_PORT: String(port) }, profileDir));
    procs.push(...apiProcs, ...workerProcs);
    const send = makeClient(apiPort, Math.max(inFlight, 256));
    await waitFor('the API', 60_000, () => send('GET', '/comments/none', undefined).then((r) => r.status > 0, () => false), 200);
    send.client.resent = 0; // the attempts before the API listened

    const keys = createKeys(PREFIX);
    const tracker = new DecisionTracker(sub, keys.events(SITE));
    const fixtures = loadSeedFixtures();
    const texts = fixtures.flatMap((f) => f.comments.map((c) => c.body)).filter((t) => t.length >= 80);
    const articleBody = fixtures.map((f) => f.article.body).join('\n\n').slice(0, 3000);
    let seq = 0;
    const nextComment = (articleIndex: number) => {
      const i = seq++;
      return { id: `c${i}`, articleId: `a${articleIndex % ARTICLES}`, author: { id: `u${i % 997}`, name: `Reader ${i % 997}` }, body: `${texts[i % texts.length].slice(0, 260)} #${i}` };
    };
    for (let a = 0; a < ARTICLES; a++) {
      const r = await send('PUT', `/articles/a${a}`, { title: `${fixtures[a % fixtures.length].article.title} (${a})`, body: articleBody });
      if (r.status >= 300) throw new Error(`article a${a}: HTTP ${r.status} ${r.body}`);
    }

    console.log(`e2e: API ×${apis}, worker processes ×${workers} (concurrency ${concurrency}), callbacks ${callbackBatch > 1 ? `in batches of ≤ ${callbackBatch}` : 'one event per request'}, node flags ${SERVICE_NODE_ARGS.join(' ') || '(V8 defaults)'}, redis-server :${redisPort} ${redisTuning.join(' ') || '(stock settings)'}, ${os.cpus().length} cores, load avg ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);

    // 1. Batch ingest (1,000 per request); the first batch also gives every article a 20-comment thread.
    const batchIds: string[] = [];
    let batchMs = 0;
    for (let b = 0; b < batches; b++) {
      const items = Array.from({ length: 1000 }, (_, k) => nextComment(k));
      const t0 = performance.now();
      for (const c of items) tracker.sent(c.id);
      const r = await send('POST', '/comments/batch', { comments: items });
      batchMs += performance.now() - t0;
      if (r.status !== 202 || (JSON.parse(r.body) as { accepted: number }).accepted !== 1000) throw new Error(`batch ${b}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      batchIds.push(...items.map((c) => c.id));
    }
    const batchStart = performance.now() - batchMs;
    await waitFor('the batches to be decided', timeoutMs, () => tracker.allDecided(batchIds), 100);
    await waitFor('the callbacks of the batches', timeoutMs, () => callbacks >= seq, 20);
    const batchDrainS = (performance.now() - batchStart) / 1000;
    console.log(`batch ingest (1,000 per request, one at a time): ${fmt((batchIds.length / batchMs) * 1000)} comments/s accepted; all ${batchIds.length} decided ${fmt(batchIds.length / batchDrainS)}/s`);

    // 2. Saturation: `inFlight` requests in flight, every comment accepted and decided. A warm-up round
    // of the same requests comes first, unmeasured: a service that has run for a while has its hot code
    // compiled by V8's optimising tier, which a few thousand comments after start-up have not all reached.
    const saturate = async (count: number) => {
      const ids: string[] = [];
      const acceptLat: number[] = [];
      let cursor = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (cursor < count) {
            cursor++;
            const c = nextComment(seq);
            ids.push(c.id);
            const s = performance.now();
            tracker.sent(c.id);
            const r = await send('POST', '/comments', c);
            if (r.status !== 202) throw new Error(`comment ${c.id}: HTTP ${r.status} ${r.body}`);
            acceptLat.push(performance.now() - s);
          }
        }),
      );
      return { ids, acceptLat };
    };
    if (warmup > 0) {
      const w0 = performance.now();
      const { ids: warmIds } = await saturate(warmup);
      await waitFor('the warm-up comments to be decided', timeoutMs, () => tracker.allDecided(warmIds), 20);
      await waitFor('the callbacks of the warm-up comments', timeoutMs, () => callbacks >= seq, 20);
      console.log(`warm-up (not measured): ${warmup} comments, ${fmt(warmup / ((performance.now() - w0) / 1000))}/s accepted and decided`);
    }
    const pids = { api: apiProcs.map((p) => p.child.pid!), worker: workerProcs.map((p) => p.child.pid!) };
    const cpu = () => ({ api: pids.api.reduce((s, p) => s + cpuSeconds(p), 0) + apiChildrenCpu(pids.api), worker: pids.worker.reduce((s, p) => s + cpuSeconds(p), 0), driver: process.cpuUsage() });
    const jobs0 = await jobsDone(workerPorts);
    const stats0 = await commandStats(redis);
    const mem0 = await usedMemory(redis);
    const rcpu0 = await redisCpu(redis);
    const net0 = await netBytes(redis);
    const io = () => ({ api: sumIo(pids.api), worker: sumIo(pids.worker), redis: ioCalls(redisProc.pid!), driver: ioCalls(process.pid) });
    const speed0 = referenceWorkloadMs();
    const io0 = io();
    const cpu0 = cpu();
    const t0 = performance.now();
    const { ids, acceptLat } = await saturate(total);
    const acceptedS = (performance.now() - t0) / 1000;
    await waitFor('the saturation comments to be decided', timeoutMs, () => tracker.allDecided(ids), 20);
    const decidedS = (performance.now() - t0) / 1000;
    // CPU and commands are counted until every decision so far was also called back (one event each),
    // so that the outbox's share is in the figures whether or not its deliveries lag the decisions.
    await waitFor('the callbacks of the saturation comments', timeoutMs, () => callbacks >= seq, 20);
    const cpu1 = cpu();
    const io1 = io();
    const speed1 = referenceWorkloadMs();
    const rcpu1 = await redisCpu(redis);
    const stats1 = await commandStats(redis);
    const net1 = await netBytes(redis);
    const jobs1 = await jobsDone(workerPorts);
    // Completed jobs are trimmed to keepCompleted; wait a moment for the callback jobs to finish too.
    await sleep(500);
    const mem1 = await usedMemory(redis);
    const calls = [...stats1].map(([cmd, n]) => [cmd, n - (stats0.get(cmd) ?? 0)] as const).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    const callsTotal = calls.reduce((s, [, n]) => s + n, 0);
    const e2eRate = total / decidedS;
    acceptLat.sort((a, b) => a - b);
    const sat = tracker.latencies(ids);
    const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 200)) === 0);
    let sampleBytes = 0;
    for (const id of sample) {
      for (const k of [keys.comment(SITE, id), keys.history(SITE, id)]) sampleBytes += Number((await redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')) ?? 0);
    }
    console.log(`saturation, ${total} comments, ${inFlight} in flight (reference workload ${fmt(speed0, 1)} ms before, ${fmt(speed1, 1)} ms after: the machine's speed, lower is faster):`);
    console.log(`  accepted ${fmt(total / acceptedS)}/s (202 p50 ${fmt(pct(acceptLat, 50), 1)} ms, p99 ${fmt(pct(acceptLat, 99), 1)} ms); accepted AND decided ${fmt(e2eRate)}/s`);
    console.log(`  accept→decision p50 ${fmt(pct(sat, 50))} ms, p99 ${fmt(pct(sat, 99))} ms (backlog included)`);
    const driverCpu = process.cpuUsage(cpu0.driver);
    console.log(`  CPU ms per comment: worker ${fmt(((cpu1.worker - cpu0.worker) * 1000) / total, 2)}, API ${fmt(((cpu1.api - cpu0.api) * 1000) / total, 2)}, Redis ${fmt(((rcpu1 - rcpu0) * 1000) / total, 2)}, load driver ${fmt((driverCpu.user + driverCpu.system) / 1000 / total, 2)}`);
    const perComment = (role: keyof typeof io0) => `${role} ${fmt((io1[role].writes - io0[role].writes) / total, 2)} / ${fmt((io1[role].reads - io0[role].reads) / total, 2)}`;
    const bytesPerComment = (role: keyof typeof io0) => `${role} ${fmt((io1[role].writtenBytes - io0[role].writtenBytes) / total)} / ${fmt((io1[role].readBytes - io0[role].readBytes) / total)}`;
    console.log(`  system calls per comment, writes / reads (each loopback TCP write also runs the receiver's stack): ${(['worker', 'api', 'redis', 'driver'] as const).map(perComment).join(', ')}`);
    console.log(`  peak resident memory so far: worker ${fmt(peakRssMb(pids.worker))} MB, API ${fmt(peakRssMb(pids.api))} MB`);
    console.log(`  bytes per comment, written / read: ${(['worker', 'api', 'redis', 'driver'] as const).map(bytesPerComment).join(', ')}`);
    console.log(`  moderation jobs: ${fmt(jobs1 - jobs0)} for ${total} comments (${fmt(total / (jobs1 - jobs0), 1)} comments per job)`);
    console.log(`  Redis commands per comment: ${fmt(callsTotal / total, 1)} (${calls.filter(([, n]) => n / total >= 0.5).map(([c, n]) => `${c} ${fmt(n / total, 1)}`).join(', ')})`);
    console.log(`  Redis traffic per comment: ${fmt((net1.input - net0.input) / total)} B received from clients, ${fmt((net1.output - net0.output) / total)} B sent to them`);
    console.log(`  Redis memory per stored comment: ${fmt(sampleBytes / sample.length)} B (MEMORY USAGE of comment hash + history, ${sample.length} sampled); used_memory grew ${fmt((mem1 - mem0) / total)} B per comment (includes thread entries, author records, retained jobs)`);

    // 3. Fixed offered rates (open loop): accept→decision percentiles.
    const rateRows: string[] = [];
    for (const rate of rates) {
      const n = Math.round(rate * rateSeconds);
      const rids: string[] = [];
      const pending: Promise<unknown>[] = [];
      const start = performance.now();
      for (let i = 0; i < n; i++) {
        const due = start + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        const c = nextComment(seq);
        rids.push(c.id);
        tracker.sent(c.id);
        pending.push(send('POST', '/comments', c).then((r) => r.status === 202 || Promise.reject(new Error(`HTTP ${r.status}`))));
      }
      await Promise.all(pending);
      await waitFor(`the ${rate}/s comments to be decided`, timeoutMs, () => tracker.allDecided(rids), 20);
      const lat = tracker.latencies(rids);
      const row = `  ${rate}/s offered for ${rateSeconds} s: accept→decision p50 ${fmt(pct(lat, 50))} ms, p95 ${fmt(pct(lat, 95))} ms, p99 ${fmt(pct(lat, 99))} ms`;
      rateRows.push(row);
      console.log(row);
    }

    // 4. BullMQ's own ceiling on the same Redis: add no-op jobs in bulk, then one worker process drains them.
    await Promise.all(procs.map(stopProcess));
    procs.length = 0;
    const queue = new Queue('noop', { connection: redis, prefix: 'bench-noop' });
    const addT0 = performance.now();
    for (let i = 0; i < noopJobs; i += 1000) {
      await queue.addBulk(Array.from({ length: Math.min(1000, noopJobs - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } } })));
    }
    const addRate = noopJobs / ((performance.now() - addT0) / 1000);
    // Jobs are added first (the add rate is measured alone); the worker's start-up is left out by
    // timing from its first completed job. It runs with node's defaults (no --node-args): BullMQ's ceiling, not ours.
    const noop = startProcess('noop-worker', ['bench/e2e.ts', '--noop-worker'], { REDIS_URL: redisUrl, NOOP_CONCURRENCY: '32' }, undefined, () => undefined, []);
    procs.push(noop);
    await waitFor('the no-op worker to start', 60_000, async () => (await queue.getJobCounts('completed')).completed > 0, 5);
    const done0 = noopJobs - (await queue.getJobCounts('waiting')).waiting;
    const pT0 = performance.now();
    await waitFor('the no-op jobs', timeoutMs, async () => {
      const c = await queue.getJobCounts('waiting', 'active');
      return c.waiting === 0 && c.active === 0;
    }, 20);
    const processRate = (noopJobs - done0) / ((performance.now() - pT0) / 1000);
    await queue.close();
    console.log(`BullMQ no-op ceiling (same Redis): added ${fmt(addRate)}/s (addBulk of 1,000), processed ${fmt(processRate)}/s (1 worker process, concurrency 32)`);
    console.log(`RATIO end to end / BullMQ no-op processed: ${fmt((100 * e2eRate) / processRate, 1)} % (${fmt(e2eRate)} / ${fmt(processRate)})`);
    if (send.client.resent) console.log(`requests sent again after their connection closed unanswered: ${send.client.resent}`);
    send.client.close();
    if (profileDir) console.log(`CPU profiles in ${profileDir}`);
  } finally {
    await Promise.all(procs.map(stopProcess));
    callbackServer.close();
    redis.disconnect();
    sub.disconnect();
    redisProc.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** I/O calls of processes and their children (an API run as a Node cluster). */
function sumIo(pids: number[]): ReturnType<typeof ioCalls> {
  const all = withChildren(pids).map(ioCalls);
  const sum = (k: keyof ReturnType<typeof ioCalls>) => all.reduce((s, c) => s + c[k], 0);
  return { reads: sum('reads'), writes: sum('writes'), readBytes: sum('readBytes'), writtenBytes: sum('writtenBytes') };
}

/** The processes and their children (an API run as a Node cluster). */
const withChildren = (pids: number[]) => pids.flatMap((pid) => [pid, ...childrenOf(pid)]);

/** A process's children, from /proc (none when it has ended). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU of forked API workers (a Node cluster under the API role), read from /proc children lists. */
function apiChildrenCpu(pids: number[]): number {
  return pids.flatMap(childrenOf).reduce((s, c) => s + cpuSeconds(c), 0);
}

if (process.argv.includes('--noop-worker')) void noopWorker();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
