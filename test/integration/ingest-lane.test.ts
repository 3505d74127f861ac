/**
 * The comment webhook's lane past Express (src/api/ingest-lane.ts): it answers the requests it takes
 * exactly as the Express route does, and leaves every other request untouched for Express.
 *
 * Three servers on the same service: the app (lane in front of Express), the lane alone (a request it
 * leaves is answered 599 "not taken"), and the app reached with a chunked body, which the lane always
 * leaves, so that server shows what Express itself answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createIngestLane, headersSetBy } from '../../src/api/ingest-lane';
import { UploadSlots } from '../../src/api/middleware/body';
import { createSchemas } from '../../src/api/schemas';
import { SIGNATURE_HEADER, signRequest } from '../../src/security/signature';
import helmet from 'helmet';
import { createLogger } from '../../src/logger';
import { startService, type TestService } from './harness';

const SECRET = 'demo-secret';
let svc: TestService;
let appPort: number;
let lanePort: number;
let laneSlots: UploadSlots;
const servers: http.Server[] = [];

const listen = async (handler: http.RequestListener) => {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  svc = await startService({ name: 'ingest-lane', workers: false });
  const { runtime, config } = svc;
  appPort = await listen(svc.app);
  laneSlots = new UploadSlots(4);
  const lane = createIngestLane({
    sites: runtime.sites,
    signature: { toleranceSeconds: config.http.signatureToleranceSeconds, seen: runtime.seenSignatures },
    slots: laneSlots,
    bodyLimitBytes: config.http.bodyLimitBytes,
    headers: headersSetBy(helmet()),
    logger: createLogger('silent'),
    metrics: runtime.metrics,
    webhook: { ...runtime.apiStores, jobs: runtime.jobs, now: runtime.now, schemas: createSchemas(config.limits), limits: config.limits },
  });
  lanePort = await listen((req, res) => {
    if (!lane(req, res)) res.writeHead(599).end('not taken');
  });
}, 30_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await svc.close();
});

interface Sent {
  method?: string;
  path?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Sign the request (default true), optionally over another body than the one sent. */
  sign?: boolean;
  signedBody?: string;
  /** Send the body in chunks, without Content-Length. */
  chunked?: boolean;
}
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(port: number, s: Sent): Promise<Answer> {
  const method = s.method ?? 'POST';
  const path = s.path ?? '/v1/sites/demo/comments';
  const body = s.body ?? '';
  const headers: Record<string, string | number> = { 'content-type': 'application/json', ...s.headers };
  if (s.sign !== false && !headers[SIGNATURE_HEADER]) headers[SIGNATURE_HEADER] = signRequest(SECRET, { method, path, rawBody: s.signedBody ?? body });
  if (!s.chunked && body.length) headers['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (s.chunked) {
      const b = Buffer.from(body);
      req.write(b.subarray(0, 5));
      req.end(b.subarray(5));
    } else req.end(body);
  });
}

let n = 0;
const comment = (over: Record<string, unknown> = {}) => JSON.stringify({ id: `lane-${++n}`, articleId: 'lane-article', author: { id: 'reader-1' }, body: 'A civil remark about the harbour plan.', ...over });
/** The answer without what differs from request to request. */
const comparable = (a: Answer) => {
  const { date: _d, 'x-request-id': _r, etag: _e, connection: _c, 'keep-alive': _k, 'content-length': _l, ...headers } = a.headers;
  return { status: a.status, headers, body: JSON.parse(a.body) as unknown };
};

it('takes a signed comment and answers 202 with the app\'s security headers and a request id', async () => {
  const body = comment();
  const a = await send(lanePort, { body, headers: { 'x-request-id': 'req-lane-1' } });
  expect(a.status).toBe(202);
  expect(JSON.parse(a.body)).toEqual({ id: JSON.parse(body).id, status: 'queued' });
  expect(a.headers['x-request-id']).toBe('req-lane-1');
  expect(a.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(a.headers['x-content-type-options']).toBe('nosniff');
  // The app's own answer to the same kind of request carries the same headers (its CSP included).
  const viaApp = await send(appPort, { body: comment() });
  const viaExpress = await send(appPort, { body: comment(), chunked: true });
  expect(viaApp.status).toBe(202);
  expect(comparable(viaExpress).headers).toEqual(comparable(viaApp).headers);
  expect(viaApp.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  // Stored and queued: the comment reads back.
  const stored = await svc.runtime.apiStores.comments.get('demo', JSON.parse(body).id);
  expect(stored?.status).toBe('queued');
});

it('answers what it finds after the body exactly as the Express route does', async () => {
  const cases: Array<[string, () => Sent]> = [
    ['a body other than the signed one', () => ({ body: comment(), signedBody: comment() })],
    ['malformed JSON', () => ({ body: '{"id": "x",' })],
    ['a comment missing its body', () => ({ body: JSON.stringify({ id: `lane-${++n}`, articleId: 'a', author: { id: 'r' } }) })],
    ['an id with a colon', () => ({ body: comment({ id: 'has:colon' }) })],
    ['invalid UTF-8', () => ({ body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) })],
  ];
  for (const [what, make] of cases) {
    const s = make();
    const lane = await send(appPort, s);
    const express = await send(appPort, { ...make(), body: s.body, signedBody: s.signedBody, chunked: true });
    expect({ what, ...comparable(lane) }).toEqual({ what, ...comparable(express) });
    expect(lane.status).toBeGreaterThanOrEqual(400);
  }
});

it('refuses a replayed request with 409, as the route does', async () => {
  const body = comment();
  const header = signRequest(SECRET, { method: 'POST', path: '/v1/sites/demo/comments', rawBody: body });
  const first = await send(lanePort, { body, headers: { [SIGNATURE_HEADER]: header } });
  const again = await send(lanePort, { body, headers: { [SIGNATURE_HEADER]: header } });
  expect(first.status).toBe(202);
  expect(again.status).toBe(409);
  expect(JSON.parse(again.body).error.code).toBe('signature_replayed');
});

it('leaves every request it cannot finish the same way to Express, untouched', async () => {
  const body = comment();
  const left: Array<[string, Sent]> = [
    ['another method', { method: 'GET', path: '/v1/sites/demo/comments/x' }],
    ['another route', { path: '/v1/sites/demo/comments/batch', body: JSON.stringify({ comments: [] }) }],
    ['the inline check', { path: '/v1/sites/demo/comments:check', body }],
    ['an unknown site', { path: '/v1/sites/nosuch/comments', body }],
    ['a %-escaped site', { path: '/v1/sites/de%6Do/comments', body }],
    ['a trailing slash', { path: '/v1/sites/demo/comments/', body }],
    ['a moderator token', { body, headers: { authorization: 'Bearer demo-moderator' } }],
    ['no signature', { body, sign: false }],
    ['a stale signature', { body, headers: { [SIGNATURE_HEADER]: signRequest(SECRET, { method: 'POST', path: '/v1/sites/demo/comments', rawBody: body }, { now: Date.now() - 3_600_000 }) } }],
    ['a chunked body', { body, chunked: true }],
    ['an empty body', {}],
    ['a gzip-encoded body', { body: gzipSync(body), signedBody: body, headers: { 'content-encoding': 'gzip' } }],
    ['a body over the limit', { body: comment({ body: 'x'.repeat(svc.config.http.bodyLimitBytes) }) }],
  ];
  for (const [what, s] of left) {
    const a = await send(lanePort, s);
    expect({ what, status: a.status, body: a.body }).toEqual({ what, status: 599, body: 'not taken' });
  }
  // And the app answers them as before (a few, through Express).
  expect((await send(appPort, { path: '/v1/sites/nosuch/comments', body })).status).toBe(404);
  expect((await send(appPort, { body, sign: false })).status).toBe(401);
  expect((await send(appPort, { body: comment({ body: 'x'.repeat(svc.config.http.bodyLimitBytes) }) })).status).toBe(413);
});

it('leaves a request to Express when every upload slot is taken, and frees its slot when done', async () => {
  for (let i = 0; i < laneSlots.max; i++) laneSlots.tryAcquire();
  try {
    expect((await send(lanePort, { body: comment() })).status).toBe(599);
  } finally {
    for (let i = 0; i < laneSlots.max; i++) laneSlots.release();
  }
  expect((await send(lanePort, { body: comment() })).status).toBe(202);
  expect(laneSlots.active).toBe(0);
});
