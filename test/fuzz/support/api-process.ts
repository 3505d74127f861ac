/**
 * The API role as a separate process (`src/main.ts --role api`) on a free loopback port, with its
 * own key prefix, so a test or benchmark can measure its resident memory (from /proc) while
 * hostile clients hold connections open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../support/free-port';
export { freePort };


export interface ApiProcess {
  port: number;
  baseUrl: string;
  pid: number;
  /** Resident set size in MB, from /proc/<pid>/status. */
  rssMb(): number;
  output(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

export interface StartApiOptions {
  /** Checkout to run (default: this one). */
  root?: string;
  redisUrl: string;
  prefix: string;
  secret: string;
  env?: Record<string, string>;
}

export async function startApiProcess(opts: StartApiOptions): Promise<ApiProcess> {
  const root = opts.root ?? path.resolve(__dirname, '../../..');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'api-proc-'));
  const configFile = path.join(dir, 'sites.json');
  writeFileSync(configFile, JSON.stringify({ sites: [{ id: 'demo', webhookSecrets: [opts.secret] }] }));
  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', 'api'], {
    cwd: root,
    env: { PATH: process.env.PATH, CONFIG_FILE: configFile, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: opts.redisUrl, REDIS_PREFIX: opts.prefix, REDIS_START_LOCAL: 'false', LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API process exited:\n${out}`);
    if (await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API process did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // tsx runs the service in a child of its own; measure the process that listens.
  const pid = servicePid(child.pid!);
  return {
    port,
    baseUrl,
    pid,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024,
    output: () => out,
    alive: () => child.exitCode === null,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** The deepest descendant of `pid` (tsx's CLI starts node again to run the file). */
function servicePid(pid: number): number {
  for (;;) {
    let children: string[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return pid;
    }
    if (children.length === 0) return pid;
    pid = Number(children[0]);
  }
}
