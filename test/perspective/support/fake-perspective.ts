/**
 * A stand-in for Google's Perspective API on 127.0.0.1 that speaks its wire format:
 * POST {base}/comments:analyze?key=KEY with an AnalyzeComment request → attributeScores, or
 * `{error: {code, message, status}}` with the HTTP status. Each test sets `reply` to choose
 * the behaviour (success, 429, 5xx, slow, malformed body) and reads `requests` to count calls.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  /** Date.now() when the request arrived. */
  at: number;
  method: string;
  path: string;
  key: string | null;
  body: { comment?: { text?: string }; requestedAttributes?: Record<string, object>; languages?: string[]; doNotStore?: boolean };
}

export interface FakeReply {
  status?: number;
  /** An object is sent as JSON; a string is sent as is (for malformed bodies). */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** Scores the fake gives: "idiot" is toxic and insulting, "kill" threatening, the rest benign. */
export function analyzeBody(req: SeenRequest['body']): unknown {
  const text = req.comment?.text ?? '';
  const idiot = text.indexOf('idiot');
  const kill = text.indexOf('kill');
  const HIGH: Record<string, number> = { TOXICITY: 0.82, SEVERE_TOXICITY: 0.93, INSULT: 0.88, PROFANITY: 0.4, IDENTITY_ATTACK: 0.1 };
  // [summary score, where the word that drove it starts (-1: none)]
  const scoreOf = (attr: string): [number, number] => {
    if (attr === 'THREAT') return kill >= 0 ? [0.91, kill] : [0.03, -1];
    return idiot >= 0 ? [HIGH[attr] ?? 0.05, idiot] : [0.04, -1];
  };
  const attributeScores: Record<string, unknown> = {};
  for (const attr of Object.keys(req.requestedAttributes ?? { TOXICITY: {} })) {
    const [value, at] = scoreOf(attr);
    const score = { value, type: 'PROBABILITY' };
    // Like the real API: the offending word as a span when it stands out, else the whole text.
    const spanScores = at >= 0 && value >= 0.5 ? [{ begin: at, end: at + (attr === 'THREAT' ? 4 : 5), score }] : [{ begin: 0, end: text.length, score }];
    attributeScores[attr] = { spanScores, summaryScore: score };
  }
  return { attributeScores, languages: req.languages ?? ['en'], detectedLanguages: ['en'] };
}

export const errorBody = (code: number, status: string, message: string) => ({ error: { code, message, status } });
export const QUOTA_429: FakeReply = {
  status: 429,
  body: errorBody(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Analysis requests' and limit 'Analysis requests per minute'."),
};
export const INTERNAL_500: FakeReply = { status: 500, body: errorBody(500, 'INTERNAL', 'Internal error encountered.') };

export class FakePerspective {
  readonly requests: SeenRequest[] = [];
  /** The behaviour for the n-th request (0-based); defaults to a correct answer. */
  reply: (req: SeenRequest, n: number) => FakeReply = (req) => ({ body: analyzeBody(req.body) });
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakePerspective> {
    const server = http.createServer();
    const fake = new FakePerspective(server);
    server.on('request', (req, res) => fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The API base to configure, e.g. http://127.0.0.1:40123/v1alpha1. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1alpha1`;
  }

  async close(): Promise<void> {
    this.timers.forEach(clearTimeout);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      let body: SeenRequest['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // recorded as {}; the request is answered 400 below
      }
      const seen: SeenRequest = { at: Date.now(), method: req.method ?? '', path: url.pathname, key: url.searchParams.get('key'), body };
      const n = this.requests.push(seen) - 1;
      const valid = req.method === 'POST' && url.pathname === '/v1alpha1/comments:analyze' && seen.key && body.comment?.text;
      const r: FakeReply = valid ? this.reply(seen, n) : { status: 400, body: errorBody(400, 'INVALID_ARGUMENT', 'Bad request') };
      const send = () => {
        if (res.destroyed) return;
        const payload = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {});
        res.writeHead(r.status ?? 200, { 'content-type': 'application/json; charset=UTF-8', ...r.headers });
        res.end(payload);
      };
      if (!r.delayMs) return send();
      const t = setTimeout(() => {
        this.timers.delete(t);
        send();
      }, r.delayMs);
      this.timers.add(t);
    });
  }
}
