/**
 * The HTTP server around an app, with the limits that keep slow or idle clients from holding
 * memory and connections: header and request deadlines, keep-alive limits, a connection cap.
 */
import http from 'node:http';
import type { Config } from '../../config';

export function createHttpServer(handler: http.RequestListener, limits: Config['http']): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node checks the two deadlines above (its default, 30 s, would let them overrun by that much).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
    },
    handler,
  );
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  server.maxConnections = limits.maxConnections;
  return server;
}
