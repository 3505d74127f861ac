/**
 * A CMS-side endpoint for decision callbacks, on loopback: it checks each request's `X-Signature`
 * against the site's secret(s) and records every delivery, valid or not; a batch (a site with
 * `callbackBatchMax`, `{type: "batch", events: [...]}`) is recorded as one entry per event it carries. The demo prints what it
 * received; tests use it as the "outside" CMS instead of patching the service's HTTP client.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifySignature, type VerifyResult } from '../security/signature';
import type { ModerationCallback } from './cms-client';

export interface CallbackReceiverOptions {
  secrets: readonly string[];
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Only POSTs to this path are accepted (others get 404); default `/moderation-callback`. */
  path?: string;
  toleranceSeconds?: number;
  /** Called for every delivery after it is recorded. */
  onCallback?: (received: ReceivedCallback) => void;
}

export interface ReceivedCallback {
  receivedAt: Date;
  verification: VerifyResult;
  /** The event: the parsed body, or one event of a batch; absent when the body was not JSON. */
  payload?: ModerationCallback;
  /** The request's body as received (the whole batch for an event of one). */
  rawBody: string;
  /** For an event that came in a batch: how many events the request held. */
  batchSize?: number;
}

export interface CallbackReceiver {
  /** Full URL to configure as the site's callbackUrl. */
  url: string;
  received: ReceivedCallback[];
  close(): Promise<void>;
}

export async function startCallbackReceiver(options: CallbackReceiverOptions): Promise<CallbackReceiver> {
  const { secrets, port = 0, host = '127.0.0.1', path = '/moderation-callback', toleranceSeconds = 300 } = options;
  const received: ReceivedCallback[] = [];

  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== path) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const header = req.headers[SIGNATURE_HEADER.toLowerCase()];
      const verification = verifySignature(Array.isArray(header) ? header[0] : header, raw, secrets, toleranceSeconds);
      const rawBody = raw.toString('utf8');
      let body: ModerationCallback | { type: 'batch'; events: ModerationCallback[] } | undefined;
      try {
        body = JSON.parse(rawBody) as typeof body;
      } catch {
        body = undefined;
      }
      const receivedAt = new Date();
      const entries: ReceivedCallback[] =
        body?.type === 'batch' && Array.isArray(body.events)
          ? body.events.map((payload) => ({ receivedAt, verification, payload, rawBody, batchSize: (body as { events: unknown[] }).events.length }))
          : [{ receivedAt, verification, payload: body as ModerationCallback | undefined, rawBody }];
      for (const entry of entries) {
        received.push(entry);
        options.onCallback?.(entry);
      }
      // A 401 tells the sender its signature was refused (a real CMS would drop the callback).
      res.writeHead(verification.ok ? 204 : 401).end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
