/**
 * The moderators' API and page, as routers for `runtime.createApp(...)`:
 *
 *   const moderation = moderatorExtensions({ runtime, config, logger });
 *   const app = runtime.createApp(moderation);
 *   // on shutdown, before closing the HTTP server: await moderation.close();
 *
 * Mounts `/v1/sites/:site/moderation/*` (bearer token with access to the site; event streams by
 * ticket), `POST /v1/sites/:site/comments/:id/reports` (readers' reports, signed by the CMS),
 * `/v1/moderation/me` (sign-in), the admin API `/v1/admin/…` (moderator accounts) and the page at
 * `/moderate`; registers the backlog gauges.
 */
import { Router } from 'express';
import type { Config } from '../../../config';
import type { Runtime } from '../../container';
import { ClaimStore } from '../../infra/claim-store';
import { createPublisher } from '../../infra/events';
import { LabelStore } from '../../infra/label-store';
import { ModerationQueueStore } from '../../infra/moderation-queue-store';
import { SiteEventHub } from '../../infra/site-event-hub';
import { StreamTickets } from '../../infra/stream-tickets';
import type { Logger } from '../../logger';
import { requireModerator, resolveSite } from '../middleware/auth';
import { rawBody } from '../middleware/body';
import { AccountStore } from '../../infra/account-store';
import { AuthorStore } from '../../infra/author-store';
import { adminRoutes } from '../admin';
import { DeskStatsStore } from '../../infra/desk-stats-store';
import { ReportStore } from '../../infra/report-store';
import { actionRoutes } from './action-routes';
import { registerDeskGauges } from './desk-gauges';
import { deskRoutes } from './desk-routes';
import { peopleRoutes } from './people-routes';
import { reportRoute } from './report-route';
import type { ModerationApiDeps } from './deps';
import { eventStreamRoute, ticketRoute, type OpenStreams } from './events-routes';
import { meRoute } from './me-route';
import { moderatePage } from './page';
import { queueRoutes } from './queue-routes';

export interface ModeratorExtensionsOptions {
  runtime: Runtime;
  config: Readonly<Config>;
  logger: Logger;
  /** How long a claim lasts without renewal (default: config `moderation.claimTtlMs`). */
  claimTtlMs?: number;
  /** How long an event-stream ticket stays redeemable (default: config `moderation.ticketTtlMs`). */
  ticketTtlMs?: number;
  /** Keep-alive interval on event streams (default: config `moderation.heartbeatMs`). */
  heartbeatMs?: number;
}

/** Routers to mount, plus `close()`, which ends open event streams and the Redis subscriber. */
export interface ModeratorExtensions extends Array<{ path: string; router: Router }> {
  close(): Promise<void>;
  readonly hub: SiteEventHub;
}

export function moderatorExtensions(opts: ModeratorExtensionsOptions): ModeratorExtensions {
  const { runtime, config } = opts;
  const redis = runtime.apiRedis;
  const keys = runtime.keys;
  const { comments, articles } = runtime.apiStores;
  const claims = new ClaimStore(redis, keys, opts.claimTtlMs ?? config.moderation.claimTtlMs, runtime.now);
  const hub = new SiteEventHub(redis, keys);
  const reports = new ReportStore(redis, keys);
  const authors = new AuthorStore(redis, keys);
  const desk = new DeskStatsStore(redis, keys);
  const queue = new ModerationQueueStore(redis, keys);
  const publish = createPublisher(redis, keys);
  const decide = { keys, comments, articles, claims, reports, desk, labels: new LabelStore(redis, keys), callbacks: runtime.callbacks, publish, now: runtime.now };
  const deps: ModerationApiDeps = {
    redis,
    keys,
    comments,
    articles,
    claims,
    reports,
    authors,
    desk,
    people: { authors, queue, decide },
    queue: { comments, articles, claims, queue, reports },
    decide,
    tickets: new StreamTickets(redis, keys, opts.ticketTtlMs ?? config.moderation.ticketTtlMs),
    hub,
    logger: opts.logger,
    heartbeatMs: opts.heartbeatMs ?? config.moderation.heartbeatMs,
  };
  const directory = runtime.moderators;
  const open: OpenStreams = new Set();

  const siteRouter = Router({ mergeParams: true });
  siteRouter.use(resolveSite(runtime.sites));
  siteRouter.use(eventStreamRoute(deps, open));
  siteRouter.use(requireModerator(directory), rawBody(config.http.bodyLimitBytes));
  siteRouter.use(queueRoutes(deps), actionRoutes(deps), ticketRoute(deps), peopleRoutes(deps), deskRoutes(deps));

  const cms = reportRoute({
    sites: runtime.sites,
    bodyLimitBytes: config.http.bodyLimitBytes,
    slots: runtime.uploadSlots,
    signature: { toleranceSeconds: config.http.signatureToleranceSeconds, seen: runtime.seenSignatures },
    deps: { keys, comments, reports, publish, now: runtime.now },
  });
  const stopGauges = registerDeskGauges(runtime.metrics.registry, desk, [...runtime.sites.keys()], runtime.now);
  // Backlog samples for the desk's charts, one per minute per site (processes share the minute's slot).
  const sampler = setInterval(() => {
    for (const site of runtime.sites.keys()) desk.sampleBacklog(site, runtime.now()).catch(() => undefined);
  }, 60_000);
  sampler.unref();

  const mounts = [
    { path: '/v1/sites/:site/moderation', router: siteRouter },
    { path: '/v1/sites/:site', router: cms },
    { path: '/v1/moderation', router: meRoute(directory, runtime.sites) },
    { path: '/v1/admin', router: adminRoutes({ config, accounts: new AccountStore(redis, keys), directory, sites: runtime.sites, now: runtime.now }) },
    { path: '/moderate', router: moderatePage() },
  ];
  return Object.assign(mounts, {
    hub,
    close: async () => {
      clearInterval(sampler);
      stopGauges();
      for (const res of open) res.end();
      open.clear();
      await hub.close();
    },
  });
}
