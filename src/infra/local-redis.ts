/**
 * For local use only: when nothing answers at REDIS_URL on this machine and `redis-server` is on
 * the PATH, start a private, non-persistent one and stop it on exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port) || 6379 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH')));
  });
}

const isLocalHost = (host: string) => ['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host);

export interface LocalRedis {
  stop(): void;
}

/** Starts `redis-server` for `url` if that is possible here; null when it is not. */
export async function startLocalRedis(url: string): Promise<LocalRedis | null> {
  const u = new URL(url);
  if (!isLocalHost(u.hostname)) return null;
  if (spawnSync('redis-server', ['--version']).status !== 0) return null;
  const port = String(Number(u.port) || 6379);
  const child: ChildProcess = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(url, 200)) return { stop: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  return null;
}
