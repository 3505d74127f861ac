/**
 * Hostile HTTP clients on raw sockets: uploads that announce a large body and trickle or stall, and
 * idle connections. Each remembers what the server answered and whether it closed the connection.
 */
import net from 'node:net';

export interface SlowClient {
  socket: net.Socket;
  /** The status line and headers the server sent, if any. */
  response(): string;
  closedByServer(): boolean;
}

export interface SlowUploadOptions {
  port: number;
  path: string;
  /** Announced Content-Length. */
  contentLength: number;
  /** Bytes actually sent (then the client stalls). */
  sendBytes: number;
  headers?: Record<string, string>;
}

function track(socket: net.Socket): SlowClient {
  let received = '';
  let closed = false;
  socket.on('data', (d) => (received = (received + d.toString('latin1')).slice(0, 4_000)));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  return { socket, response: () => received, closedByServer: () => closed };
}

/** Opens one upload that sends its headers and `sendBytes` of body, then stalls. */
export function slowUpload(opts: SlowUploadOptions): Promise<SlowClient> {
  return new Promise((resolve) => {
    const socket = net.connect(opts.port, '127.0.0.1');
    const client = track(socket);
    socket.once('connect', () => {
      const headers = { Host: '127.0.0.1', 'Content-Type': 'application/json', 'Content-Length': String(opts.contentLength), ...opts.headers };
      socket.write(`POST ${opts.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      let left = opts.sendBytes;
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (left > 0 && !socket.destroyed) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!socket.write(chunk.subarray(0, n))) return void socket.once('drain', pump);
        }
        resolve(client);
      };
      pump();
    });
    socket.once('close', () => resolve(client));
  });
}

/** Opens a connection that sends nothing (or half a request line) and waits. */
export function idleConnection(port: number, partial = ''): Promise<SlowClient> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      if (partial) socket.write(partial);
      resolve(client);
    });
    const client = track(socket);
    socket.once('error', () => resolve(client));
  });
}

/** Milliseconds /healthz takes to answer, or Infinity when it does not within `timeoutMs`. */
export async function healthLatency(baseUrl: string, timeoutMs = 5_000): Promise<number> {
  const started = performance.now();
  const ok = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) }).then((r) => r.ok, () => false);
  return ok ? performance.now() - started : Infinity;
}
