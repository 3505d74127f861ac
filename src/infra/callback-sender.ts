/**
 * Delivers one outbox event to a CMS: a signed POST with a timeout. The body is sent byte for byte
 * as stored; `X-Signature` carries one `v1=` per active secret of the site (rotation: the CMS may
 * know the old or the new one), `X-Event-Id` repeats the body's `eventId` for de-duplication.
 * Throws on network errors and non-2xx answers.
 */
import http from 'node:http';
import https from 'node:https';
import { signatureHeader, SIGNATURE_HEADER } from '../security/signature';

export const EVENT_ID_HEADER = 'X-Event-Id';
/** On a batch of events: how many it holds. */
export const EVENT_COUNT_HEADER = 'X-Event-Count';

export class CallbackError extends Error {
  override name = 'CallbackError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface SendCallbackOptions {
  url: string;
  /** Every active secret of the site, each signs. */
  secrets: readonly string[];
  /** The event's JSON, exactly as stored in the outbox (or a batch of them, `batchBody`). */
  rawBody: string;
  /** The event's id, for `X-Event-Id`; a batch names its count instead. */
  eventId?: string;
  eventCount?: number;
  timeoutMs: number;
}

/** Events of one site sent in one request: `{type: "batch", site, events: [...]}`, each event byte for byte as stored. */
export const batchBody = (site: string, rawEvents: readonly string[]) => `{"type":"batch","site":${JSON.stringify(site)},"events":[${rawEvents.join(',')}]}`;

/**
 * Keep-alive connections per CMS host: a decision's callback costs a request on an open socket, not a
 * connection (and node:http rather than fetch, whose web streams cost the worker ~9 % of its CPU).
 */
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }) };

export async function sendCallback(o: SendCallbackOptions): Promise<number> {
  try {
    return await post(o);
  } catch (err) {
    // A kept-alive socket the CMS closed just as it was reused: send again on a fresh one (the event id makes that safe).
    if ((err as { reusedSocket?: boolean }).reusedSocket) return post(o);
    throw err;
  }
}

function post({ url, secrets, rawBody, eventId, eventCount, timeoutMs }: SendCallbackOptions): Promise<number> {
  const target = new URL(url);
  const agent = agents[target.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new CallbackError(`callback to ${url} failed: unsupported protocol ${target.protocol}`));
  const body = Buffer.from(rawBody);
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const req = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          [SIGNATURE_HEADER]: signatureHeader([...secrets], rawBody),
          ...(eventId !== undefined ? { [EVENT_ID_HEADER]: eventId } : {}),
          ...(eventCount !== undefined ? { [EVENT_COUNT_HEADER]: eventCount } : {}),
          'user-agent': 'comment-moderation-callback/1',
        },
      },
      (res) => {
        clearTimeout(timer);
        res.resume(); // the answer's body is not read, but drained so the socket can serve the next callback
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) reject(new CallbackError(`callback to ${url} answered HTTP ${status}`, status));
        else resolve(status);
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      const failure = new CallbackError(`callback to ${url} failed: ${timedOut ? `timed out after ${timeoutMs} ms` : err.message}`);
      reject(Object.assign(failure, { reusedSocket: !timedOut && req.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET' }));
    });
    req.end(body);
  });
}
