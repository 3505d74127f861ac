/** Liveness, readiness and Prometheus metrics. */
import { Router } from 'express';
import type { Registry } from 'prom-client';

export function opsRoutes(ready: () => Promise<void>, registry: Registry): Router {
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
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
