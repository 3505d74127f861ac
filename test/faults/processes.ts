/**
 * Real processes for fault tests, all on loopback: a private `redis-server` with AOF (fsync on
 * every write) in a temp dir on a free port, API and worker processes (`tsx src/main.ts --role …`)
 * with a config file, and a CMS receiver whose availability the test controls. `stopAll()` kills
 * whatever is still running; call it in `afterAll` so a failing test leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { verifySignature } from '../../src/security/signature';
import { freePort } from '../fuzz/support/api-process';

export { freePort };

const ROOT = path.resolve(__dirname, '../..');
// tsx as a loader of this very process: its CLI would run the service in a child process, which a
// kill -9 of the parent would leave running.
const TSX_LOADER = ['--import', 'tsx'];

export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const exited = (p: ChildProcess) => p.exitCode !== null || p.signalCode !== null;
const waitExit = (p: ChildProcess) => (exited(p) ? Promise.resolve() : new Promise<void>((r) => p.once('exit', () => r())));

export interface ServiceProcess {
  proc: ChildProcess;
  role: 'api' | 'worker';
  /** The API's base URL (api role). */
  url?: string;
}

/** One fault-test setup: a Redis, processes, a log file; everything under one temp dir. */
export class Rig {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'faults-'));
  readonly log = path.join(this.dir, 'processes.log');
  redisPort = 0;
  private redisProc?: ChildProcess;
  private readonly procs = new Set<ChildProcess>();
  private readonly clients: Redis[] = [];
  private stopped = false;

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}`;
  }

  /** Starts (or restarts, same port and data dir) the private Redis; AOF with fsync on every write. */
  async startRedis(): Promise<void> {
    if (!this.redisPort) this.redisPort = await freePort();
    const args = ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'ignore'] });
    this.redisProc = proc;
    this.procs.add(proc);
    proc.once('exit', () => this.procs.delete(proc));
    const probe = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await until(async () => (await probe.connect().then(() => probe.ping(), () => undefined)) === 'PONG', 'redis-server to answer', 20_000, 50);
    } finally {
      probe.disconnect();
    }
  }

  /** kill -9 of the Redis server. */
  async killRedis(): Promise<void> {
    const proc = this.redisProc!;
    proc.kill('SIGKILL');
    await waitExit(proc);
  }

  /** A plain client for assertions (closed by stopAll). */
  redis(): Redis {
    const r = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    r.on('error', () => undefined);
    this.clients.push(r);
    return r;
  }

  writeConfig(name: string, config: unknown): string {
    const file = path.join(this.dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(config));
    return file;
  }

  /** Starts `tsx src/main.ts --role <role>`; resolves once it is ready (API: /readyz answers 200). */
  async start(role: 'api' | 'worker', configFile: string, prefix: string, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = role === 'api' ? await freePort() : 0;
    const env = {
      PATH: process.env.PATH,
      CONFIG_FILE: configFile,
      REDIS_URL: this.redisUrl,
      REDIS_PREFIX: prefix,
      REDIS_START_LOCAL: 'false',
      HOST: '127.0.0.1',
      PORT: String(port),
      WORKER_METRICS_PORT: '0',
      // Workers say "workers started" at info (their per-job lines are debug); the API's requests would be noise.
      LOG_LEVEL: role === 'worker' ? 'info' : 'warn',
      ...extraEnv,
    };
    const proc = spawn(process.execPath, [...TSX_LOADER, 'src/main.ts', '--role', role], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.add(proc);
    const tag = `[${role} ${proc.pid}] `;
    let ready = false;
    const onData = (d: Buffer) => {
      const text = d.toString();
      if (!this.stopped) appendFileSync(this.log, text.split('\n').filter(Boolean).map((l) => tag + l + '\n').join(''));
      if (/workers started/.test(text)) ready = true;
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', () => this.procs.delete(proc));
    if (role === 'api') {
      const url = `http://127.0.0.1:${port}`;
      await until(async () => {
        if (exited(proc)) throw new Error(`API exited:\n${this.logTail()}`);
        return fetch(`${url}/readyz`).then((r) => r.ok, () => false);
      }, 'API to start', 60_000);
      return { proc, role, url };
    }
    await until(() => {
      if (exited(proc)) throw new Error(`worker exited:\n${this.logTail()}`);
      return ready;
    }, 'worker to start', 60_000, 100);
    return { proc, role };
  }

  /** kill -9, and wait until the process is gone. */
  async kill(p: ServiceProcess | ChildProcess): Promise<void> {
    const proc = 'proc' in p ? p.proc : p;
    proc.kill('SIGKILL');
    await waitExit(proc);
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.log, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Stops every process and client this rig started; removes the temp dir. */
  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const c of this.clients) c.disconnect();
    const all = [...this.procs];
    for (const p of all) if (!exited(p)) p.kill('SIGKILL');
    await Promise.all(all.map(waitExit));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface ReceivedEvent {
  eventId: string;
  sequence: number;
  commentId: string;
  status: string;
  signatureOk: boolean;
}

/**
 * A CMS on loopback that records every signed callback. `down()` closes its port (connection
 * refused), `up()` opens the same port again; `hangOn` makes it never answer matching events.
 */
export class Receiver {
  readonly events: ReceivedEvent[] = [];
  port = 0;
  hangOn?: (e: ReceivedEvent) => boolean;
  onHang?: (e: ReceivedEvent) => void;
  private server?: http.Server;

  constructor(private readonly secrets: string[]) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/callback`;
  }

  async up(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = JSON.parse(raw.toString()) as { eventId: string; sequence: number; comment: { id: string }; status: string };
        const event: ReceivedEvent = {
          eventId: body.eventId,
          sequence: body.sequence,
          commentId: body.comment.id,
          status: body.status,
          signatureOk: verifySignature(req.headers['x-signature'] as string, raw, this.secrets, 300).ok && req.headers['x-event-id'] === body.eventId,
        };
        if (this.hangOn?.(event)) {
          this.onHang?.(event);
          return; // never answers
        }
        this.events.push(event);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }

  /** Events after de-duplication by event id, in arrival order. */
  unique(): ReceivedEvent[] {
    const seen = new Set<string>();
    return this.events.filter((e) => (seen.has(e.eventId) ? false : (seen.add(e.eventId), true)));
  }
}
