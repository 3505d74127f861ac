/**
 * The comment webhook, `POST /v1/sites/:site/comments`, answered straight from Node's request and
 * response. It is the route a news storm hits thousands of times a second, and Express's per-request
 * machinery (prototype swaps, a dozen router layers and middleware closures, per-request loggers)
 * cost the API more CPU than checking, storing and queueing the comment (`docs/performance.md`).
 *
 * Same checks, answers and headers as the Express route it stands in front of: the same signature
 * check and replay guard (`verifyCmsRequest`), the same body handling (`acceptComment`), the
 * security headers the app's helmet sets, `X-Request-Id`, the error body, the request metrics and
 * the log levels. A request it could not finish exactly as Express would, it leaves untouched for
 * Express, decided before a byte of the body is read: another route, an unknown or %-escaped site,
 * a moderator's token, a signature header that is missing, malformed or stale, no Content-Length or
 * a body over the limit, an encoded body, or no free upload slot.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SiteConfig } from '../../config';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../infra/metrics';
import { SIGNATURE_HEADER } from '../security/signature';
import { precheckCmsHeader, verifyCmsRequest, type SignatureOptions } from './middleware/auth';
import type { UploadSlots } from './middleware/body';
import { errorBody, toAppError } from './middleware/errors';
import { acceptComment, type WebhookDeps } from './routes/webhooks';

export interface IngestLaneOptions {
  sites: ReadonlyMap<string, SiteConfig>;
  signature: SignatureOptions;
  slots: UploadSlots;
  bodyLimitBytes: number;
  /** Headers every answer of the app carries (helmet's), as the app would set them. */
  headers: ReadonlyArray<readonly [string, string]>;
  logger: Logger;
  metrics: Metrics;
  webhook: WebhookDeps;
}

/** Takes a request it can answer in full and returns true; returns false, having touched nothing, otherwise. */
export type IngestLane = (req: IncomingMessage, res: ServerResponse) => boolean;

const PATH = /^\/v1\/sites\/([^/%]+)\/comments$/;
const ROUTE = '/v1/sites/:site/comments';
const SIGNATURE = SIGNATURE_HEADER.toLowerCase();

export function createIngestLane(o: IngestLaneOptions): IngestLane {
  const duration = o.metrics.httpDuration.labels('POST', ROUTE);
  const requests = new Map<number, ReturnType<typeof o.metrics.httpRequests.labels>>();
  const counted = (status: number) => {
    let c = requests.get(status);
    if (!c) requests.set(status, (c = o.metrics.httpRequests.labels('POST', ROUTE, String(status))));
    return c;
  };
  const debug = o.logger.isLevelEnabled('debug');

  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const match = PATH.exec(q < 0 ? url : url.slice(0, q));
    const site = match ? o.sites.get(match[1]) : undefined;
    if (!site) return false;
    const h = req.headers;
    if (h.authorization !== undefined || h['transfer-encoding'] !== undefined || (h['content-encoding'] !== undefined && h['content-encoding'] !== 'identity')) return false;
    const length = Number(h['content-length']);
    if (!(length > 0 && length <= o.bodyLimitBytes)) return false;
    const header = h[SIGNATURE] as string | undefined;
    if (!precheckCmsHeader('POST', url, header, o.signature.toleranceSeconds).ok) return false;
    if (!o.slots.tryAcquire()) return false;

    const started = performance.now();
    const reqId = requestIdOf(req);
    const chunks: Buffer[] = [];
    let released = false;
    const release = () => {
      if (!released) o.slots.release();
      released = true;
    };
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('close', release);
    req.once('end', () => {
      release();
      const rawBody = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      let replayId: string | undefined;
      verifyCmsRequest({ site, method: 'POST', target: url, header, rawBody }, o.signature)
        .then((v) => {
          replayId = v.replayId;
          return acceptComment(site.id, rawBody, o.webhook);
        })
        .then(
          (result) => {
            answer(202, { id: result.id, status: result.status });
            if (debug) o.logger.debug({ reqId, commentId: result.id, outcome: result.outcome }, 'comment accepted');
          },
          (err: unknown) => {
            const e = toAppError(err);
            // A request the service failed to handle may be retried unchanged.
            if (e.status >= 500 && replayId) o.signature.seen.forget(site.id, replayId).catch(() => undefined);
            const { status, body } = errorBody(e);
            answer(status, body, e.headers);
            const log = { reqId, req: { id: reqId, method: 'POST', url }, res: { statusCode: status } };
            if (status >= 500) o.logger.error({ ...log, err }, 'request failed');
            else o.logger.warn(log, 'request completed');
          },
        );
    });

    const answer = (status: number, body: unknown, extra?: Record<string, string>) => {
      const text = JSON.stringify(body);
      for (const [k, v] of o.headers) res.setHeader(k, v);
      for (const [k, v] of Object.entries(extra ?? {})) res.setHeader(k, v);
      res.setHeader('X-Request-Id', reqId);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(text));
      res.statusCode = status;
      res.end(text);
      counted(status).inc();
      duration.observe((performance.now() - started) / 1000);
    };
    return true;
  };
}

/** The caller's `X-Request-Id` (at most 100 characters), or a new one: the app's and the lane's request ids. */
export const requestIdOf = (req: IncomingMessage): string => (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();

/**
 * The headers a middleware that only sets headers (helmet) puts on every answer, read once by
 * running it against a response that records them.
 */
export function headersSetBy(middleware: (req: never, res: never, next: (err?: unknown) => void) => void): Array<[string, string]> {
  const set = new Map<string, [string, string]>();
  const recorder = {
    setHeader: (name: string, value: unknown) => void set.set(name.toLowerCase(), [name, String(value)]),
    removeHeader: (name: string) => void set.delete(name.toLowerCase()),
    getHeader: (name: string) => set.get(name.toLowerCase())?.[1],
  };
  let failed: unknown;
  middleware({ headers: {}, method: 'GET', url: '/' } as never, recorder as never, (err) => (failed = err));
  if (failed) throw new AppError('internal', 500, 'security headers could not be computed', { cause: failed });
  return [...set.values()];
}
