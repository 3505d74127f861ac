/**
 * Entry point of the callback dispatcher: for each site, claims a batch of subjects whose next
 * outbox event is due (one Redis round trip), delivers those events concurrently — or, for a site
 * with `callbackBatchMax`, together in one request — and settles them in one pipelined round trip. Per subject (comment, author) events go out strictly in order: the
 * next one is claimable only once the previous one was delivered or dead-lettered. Failures retry
 * with exponential backoff and jitter; after the last attempt the event goes to the site's
 * dead-letter list (API: /v1/sites/:site/callbacks/dead-letters), counted and logged, never dropped.
 * Every worker process runs one; claims are leased, so several share the work safely.
 */
import type { SiteConfig } from '../config';
import { batchBody, sendCallback } from '../src/infra/callback-sender';
import type { Metrics } from '../src/infra/metrics';
import type { ClaimedEvent, Outbox, SettleInput } from '../src/infra/outbox';
import type { Logger } from '../src/logger';

export interface CallbackDispatcherOptions {
  outbox: Outbox;
  sites: ReadonlyMap<string, SiteConfig>;
  /** Subjects claimed (and delivered concurrently) per round and site. */
  batchSize: number;
  timeoutMs: number;
  /** Attempts per event before it is dead-lettered. */
  attempts: number;
  /** First retry delay; doubles each attempt, with up to 50% jitter. */
  backoffMs: number;
  /** Pause between rounds when a site had less than a full batch due. */
  pollMs: number;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  random?: () => number;
}

export interface CallbackDispatcher {
  /** Stops claiming, lets deliveries in flight finish and settle. */
  close(): Promise<void>;
}

/** A claim outlives any delivery (timeout) by this much, so two dispatchers never send one event at once. */
const LEASE_MARGIN_MS = 5_000;

export function startCallbackDispatcher(opts: CallbackDispatcherOptions): CallbackDispatcher {
  const random = opts.random ?? Math.random;
  let stopped = false;
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });

  const backoff = (attempt: number) => {
    const full = opts.backoffMs * 2 ** Math.max(0, attempt - 1);
    return Math.round(full * (1 - 0.5 * random()));
  };

  const deadLettered = (site: string, eventId: string, reason: string) => {
    opts.metrics.callbacksDeadLettered.inc({ site });
    opts.logger.error({ site, eventId, reason, alert: 'callback_dead_lettered' }, 'callback dead-lettered after its last attempt; re-drive it once the CMS is back');
  };

  /** Sends one request (one event, or a site's batch of them); resolves to the error, or undefined once the CMS took it. */
  async function send(site: SiteConfig, events: ClaimedEvent[], batched: boolean): Promise<Error | undefined> {
    const delivery = batched
      ? { rawBody: batchBody(site.id, events.map((ev) => ev.raw)), eventCount: events.length }
      : { rawBody: events[0].raw, eventId: events[0].eventId };
    try {
      await sendCallback({ url: site.callbackUrl!, secrets: site.webhookSecrets, timeoutMs: opts.timeoutMs, ...delivery });
      opts.metrics.callbacksDelivered.inc({ site: site.id }, events.length);
      return undefined;
    } catch (err) {
      opts.metrics.callbackFailures.inc({ site: site.id }, events.length);
      const which = batched ? { events: events.length } : { eventId: events[0].eventId };
      opts.logger.warn({ site: site.id, ...which, attempt: Math.max(...events.map((ev) => ev.attempt)), err: (err as Error).message }, 'callback attempt failed');
      return err as Error;
    }
  }

  /** Each claimed event's outcome: all in one request for a site that takes batches, else one request each, at once. */
  async function deliver(site: SiteConfig, claimed: ClaimedEvent[]): Promise<SettleInput[]> {
    const settled = (ev: ClaimedEvent, err: Error | undefined): SettleInput =>
      err
        ? { subject: ev.subject, eventId: ev.eventId, ok: false, retryAt: opts.now().getTime() + backoff(ev.attempt), error: err.message }
        : { subject: ev.subject, eventId: ev.eventId, ok: true, retryAt: 0 };
    if (!site.callbackUrl || claimed.length === 0) return claimed.map((ev) => settled(ev, undefined)); // nowhere to send: done
    if (site.callbackBatchMax) {
      const err = await send(site, claimed, true);
      return claimed.map((ev) => settled(ev, err));
    }
    return Promise.all(claimed.map(async (ev) => settled(ev, await send(site, [ev], false))));
  }

  /** Subjects claimed per round for a site: its batch size when it takes batches. */
  const limitFor = (site: SiteConfig) => site.callbackBatchMax ?? opts.batchSize;

  /** One round for one site; returns how many subjects it claimed. */
  async function round(site: SiteConfig): Promise<number> {
    const { claimed, deadLettered: interrupted } = await opts.outbox.claim(site.id, {
      limit: limitFor(site),
      leaseMs: opts.timeoutMs + LEASE_MARGIN_MS,
      maxAttempts: opts.attempts,
    });
    for (const id of interrupted) deadLettered(site.id, id, 'attempts interrupted');
    const results = await deliver(site, claimed);
    const outcomes = await opts.outbox.settle(site.id, results, opts.attempts);
    outcomes.forEach((o, i) => {
      if (o === 'dead-lettered') deadLettered(site.id, results[i].eventId, results[i].error ?? 'failed');
    });
    return claimed.length;
  }

  async function run(site: SiteConfig): Promise<void> {
    let failing = false;
    while (!stopped) {
      try {
        const claimed = await round(site);
        failing = false;
        if (claimed < limitFor(site)) await sleep(opts.pollMs);
      } catch (err) {
        // Redis away: log once per outage, keep trying; leases return claimed events to the others.
        if (!failing) opts.logger.error({ site: site.id, err: (err as Error).message }, 'callback dispatcher cannot reach Redis; retrying');
        failing = true;
        await sleep(Math.max(opts.pollMs, 1_000));
      }
    }
  }

  const loops = [...opts.sites.values()].map((site) => run(site));
  return {
    async close() {
      stopped = true;
      for (const wake of [...sleepers]) wake();
      await Promise.allSettled(loops);
    },
  };
}
