/**
 * Prometheus metrics (prom-client). One registry per process; the API and worker roles register
 * what they do. Gauges that must agree across processes (queue depth, dead letters, decisions)
 * are read from Redis when scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSources {
  /** BullMQ job counts by state, per queue name. */
  queueCounts: () => Promise<Record<string, Record<string, number>>>;
  /** Decisions stored so far by site and status (from Redis). */
  decisionCounts: () => Promise<Record<string, Record<string, number>>>;
  /** Dead-lettered callbacks by site. */
  deadLetterCounts: () => Promise<Record<string, number>>;
}

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(sources?: MetricsSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'moderation_job_duration_seconds',
    help: 'Time a worker spent judging one comment',
    labelNames: ['site'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const decisionLatency = new Histogram({
    name: 'moderation_decision_latency_seconds',
    help: 'Time from receiving a comment to its automatic decision',
    labelNames: ['site'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const decisionsProcessed = new Counter({ name: 'moderation_decisions_processed_total', help: 'Decisions stored by this process', labelNames: ['site', 'status', 'decided_by'], registers: [registry] });
  const callbackFailures = new Counter({ name: 'callback_failures_total', help: 'Failed callback delivery attempts', labelNames: ['site'], registers: [registry] });
  const callbacksDelivered = new Counter({ name: 'callbacks_delivered_total', help: 'Callbacks the CMS accepted', labelNames: ['site'], registers: [registry] });

  if (sources) {
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs in each BullMQ queue by state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [queue, counts] of Object.entries(await sources.queueCounts())) for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
      },
    });
    new Gauge({
      name: 'moderation_decisions',
      help: 'Decisions stored, by site and status (all processes, from Redis)',
      labelNames: ['site', 'status'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [site, counts] of Object.entries(await sources.decisionCounts())) for (const [status, n] of Object.entries(counts)) this.set({ site, status }, n);
      },
    });
    new Gauge({
      name: 'callback_dead_letters',
      help: 'Callbacks that exhausted their retries and wait to be re-driven',
      labelNames: ['site'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [site, n] of Object.entries(await sources.deadLetterCounts())) this.set({ site }, n);
      },
    });
  }

  return { registry, httpRequests, httpDuration, jobDuration, decisionLatency, decisionsProcessed, callbackFailures, callbacksDelivered };
}
