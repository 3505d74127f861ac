/** Liveness, readiness and Prometheus metrics. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Registry } from 'prom-client';

export interface MetricsAccess {
  /** Bearer token required on /metrics (config `metrics.token`). */
  token?: string;
  /** Without a token, production serves /metrics to nobody; other environments to loopback peers. */
  production: boolean;
}

const sha = (s: string) => createHash('sha256').update(s).digest();
const isLoopback = (req: Request) => /^(127\.|::1$|::ffff:127\.)/.test(req.socket.remoteAddress ?? '');

/** Why a scrape is refused, or null when it may see the metrics. */
function metricsRefusal(req: Request, access: MetricsAccess): { status: number; message: string } | null {
  if (access.token) {
    const given = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    // Compare digests: constant time whatever the lengths.
    return given && timingSafeEqual(sha(given), sha(access.token)) ? null : { status: 401, message: 'metrics need the bearer token (config metrics.token)' };
  }
  if (access.production) return { status: 403, message: 'metrics are off: set metrics.token (METRICS_TOKEN) to serve them' };
  return isLoopback(req) ? null : { status: 403, message: 'without metrics.token, metrics are served to loopback only' };
}

export function opsRoutes(ready: () => Promise<void>, registry: Registry, access: MetricsAccess = { production: false }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await ready();
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).set('Retry-After', '5').json({ status: 'unavailable', error: (err as Error).message });
    }
  });
  router.get('/metrics', async (req, res) => {
    const refusal = metricsRefusal(req, access);
    if (refusal) return void res.status(refusal.status).json({ error: { code: 'metrics_forbidden', message: refusal.message } });
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
