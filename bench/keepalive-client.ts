/**
 * The load driver's HTTP/1.1 client: a pool of kept-alive sockets, one request in flight on each (as
 * a CMS's connection pool sends), writing each request as one buffer and reading only the status
 * line, Content-Length and body of the answer. Node's `http` client spends ~0.15 ms of CPU per
 * request, on the same two cores as the service it measures; this one a fraction of that. The server
 * sees ordinary keep-alive requests either way.
 *
 * A socket the server closes (`Connection: close` after `maxRequestsPerSocket`, or its keep-alive
 * timeout) is replaced; a request whose answer had not begun when its socket closed is sent again
 * on a fresh one (the benchmark's requests are idempotent) and counted in `resent`.
 */
import net from 'node:net';

export interface RawAnswer {
  status: number;
  body: string;
}

interface Pending {
  head: string;
  body: Buffer;
  resolve: (a: RawAnswer) => void;
  reject: (e: Error) => void;
  resends: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

class Connection {
  private socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  current?: Pending;
  closed = false;

  constructor(
    port: number,
    private readonly onIdle: (c: Connection) => void,
    private readonly onClosed: (c: Connection, unanswered?: Pending) => void,
  ) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (d: Buffer) => this.read(d));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      const unanswered = this.current;
      this.current = undefined;
      this.onClosed(this, unanswered);
    });
  }

  send(p: Pending): void {
    this.current = p;
    this.socket.write(p.body.length ? Buffer.concat([Buffer.from(p.head, 'latin1'), p.body]) : p.head);
  }

  private read(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const end = this.buf.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buf.length < end + 4 + length) return;
    const body = this.buf.toString('utf8', end + 4, end + 4 + length);
    this.buf = this.buf.subarray(end + 4 + length);
    const p = this.current!;
    this.current = undefined;
    p.resolve({ status: Number(head.slice(9, 12)), body });
    if (/\r\nconnection:\s*close/i.test(head)) this.socket.end();
    else this.onIdle(this);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export class KeepAliveClient {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly queue: Pending[] = [];
  /** Requests sent again because their socket closed before they were answered. */
  resent = 0;

  constructor(
    private readonly port: number,
    private readonly maxSockets: number,
  ) {}

  request(method: string, path: string, headers: Record<string, string | number>, body = ''): Promise<RawAnswer> {
    const bytes = Buffer.from(body);
    let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\n`;
    for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
    head += `content-length: ${bytes.length}\r\n\r\n`;
    return new Promise((resolve, reject) => this.dispatch({ head, body: bytes, resolve, reject, resends: 0 }));
  }

  private dispatch(p: Pending): void {
    const c = this.idle.pop() ?? (this.all.size < this.maxSockets ? this.open() : undefined);
    if (c) c.send(p);
    else this.queue.push(p);
  }

  private open(): Connection {
    const c = new Connection(
      this.port,
      (conn) => {
        const next = this.queue.shift();
        if (next) conn.send(next);
        else this.idle.push(conn);
      },
      (conn, unanswered) => {
        this.all.delete(conn);
        const i = this.idle.indexOf(conn);
        if (i >= 0) this.idle.splice(i, 1);
        if (unanswered) {
          if (unanswered.resends++ >= 3) unanswered.reject(new Error('connection closed before an answer, 3 times'));
          else {
            this.resent++;
            this.dispatch(unanswered);
          }
        }
        const next = this.queue.shift();
        if (next) this.dispatch(next);
      },
    );
    this.all.add(c);
    return c;
  }

  close(): void {
    for (const c of this.all) c.destroy();
  }
}
