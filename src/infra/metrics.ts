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
  /** Subjects (comments, authors) with events waiting in the outbox, by site. */
  outboxCounts?: () => Promise<Record<string, number>>;
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
    help: 'Time a worker spent on one moderation job (one comment or a group of them)',
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
  const decisionsProcessed = new Counter({
    name: 'moderation_decisions_processed_total',
    help: 'Automatic decisions stored by this process, by the provider that scored them (local, perspective, local fallback …)',
    labelNames: ['site', 'status', 'provider'],
    registers: [registry],
  });
  const callbackFailures = new Counter({ name: 'callback_failures_total', help: 'Failed callback delivery attempts', labelNames: ['site'], registers: [registry] });
  const callbacksDelivered = new Counter({ name: 'callbacks_delivered_total', help: 'Callbacks the CMS accepted', labelNames: ['site'], registers: [registry] });
  const callbacksDeadLettered = new Counter({
    name: 'callbacks_dead_lettered_total',
    help: 'Callbacks moved to the dead-letter list by this process after their last attempt (alert on any increase)',
    labelNames: ['site'],
    registers: [registry],
  });
  const jobsGivenUp = new Counter({
    name: 'moderation_jobs_given_up_total',
    help: 'Moderation jobs that failed for good (last attempt, or stalled past the limit); their comment is flagged for a person',
    labelNames: ['site', 'reason'],
    registers: [registry],
  });
  const workersReplaced = new Counter({
    name: 'workers_replaced_total',
    help: 'BullMQ workers the watchdog replaced because they stopped running or took no jobs while jobs were ready (alert on any increase)',
    labelNames: ['worker', 'reason'],
    registers: [registry],
  });

  if (sources) {
    /** A gauge filled from Redis at scrape time: `read` gives rows of [labels, value]. */
    const scraped = (name: string, help: string, labelNames: string[], read: () => Promise<Array<[Record<string, string>, number]>>) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          for (const [labels, value] of await read()) this.set(labels, value);
        },
      });
    const nested = (outer: string, inner: string, data: Record<string, Record<string, number>>) =>
      Object.entries(data).flatMap(([a, counts]) => Object.entries(counts).map(([b, n]): [Record<string, string>, number] => [{ [outer]: a, [inner]: b }, n]));
    scraped('queue_jobs', 'Jobs in each BullMQ queue by state', ['queue', 'state'], async () => nested('queue', 'state', await sources.queueCounts()));
    scraped('moderation_decisions', 'Decisions stored, by site and status (all processes, from Redis)', ['site', 'status'], async () =>
      nested('site', 'status', await sources.decisionCounts()),
    );
    scraped('callback_dead_letters', 'Callbacks that exhausted their retries and wait to be re-driven', ['site'], async () =>
      Object.entries(await sources.deadLetterCounts()).map(([site, n]) => [{ site }, n]),
    );
    const outboxCounts = sources.outboxCounts;
    if (outboxCounts) {
      scraped('callback_outbox_pending', 'Comments and authors with callbacks waiting to be delivered', ['site'], async () =>
        Object.entries(await outboxCounts()).map(([site, n]) => [{ site }, n]),
      );
    }
  }

  return { registry, httpRequests, httpDuration, jobDuration, decisionLatency, decisionsProcessed, callbackFailures, callbacksDelivered, callbacksDeadLettered, jobsGivenUp, workersReplaced };
}
