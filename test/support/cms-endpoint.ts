/**
 * A CMS callback endpoint on loopback for tests that look at the wire: it hands each request (its
 * headers, raw body and the status it is answered with) to `onRequest` and answers `state.status`,
 * which the test changes at will.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CmsRequest {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** The status this request is answered with. */
  status: number;
}

export async function startCmsEndpoint(onRequest: (r: CmsRequest) => void) {
  const state = { status: 204 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      onRequest({ headers: req.headers, raw: Buffer.concat(chunks), status: state.status });
      res.writeHead(state.status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, state, close: () => new Promise((r) => server.close(r)) };
}
