/**
 * Live updates for the moderators' page as server-sent events. EventSource cannot send headers,
 * so the page first trades its bearer token for a single-use ticket (POST events/ticket) and opens
 * `GET events?ticket=…`; the token itself never appears in a URL. Each stream gets the site's events
 * (decisions, moderator actions) as `data: <json>` lines, plus comment heartbeats.
 */
import { Router, type Response } from 'express';
import { unauthorized } from '../../errors';
import type { ModerationApiDeps } from './deps';
import { moderatorName } from './deps';

/** Open streams of this process, so shutdown can end them. */
export type OpenStreams = Set<Response>;

/** `GET /events` (ticket in the query): mounted before the bearer check. */
export function eventStreamRoute(deps: ModerationApiDeps, open: OpenStreams): Router {
  const router = Router({ mergeParams: true });
  router.get('/events', async (req, res) => {
    const site = req.site!.id;
    const moderator = await deps.tickets.redeem(site, String(req.query.ticket ?? ''));
    if (!moderator) throw unauthorized('missing, expired or already used ticket; POST events/ticket with your token for a new one');
    const unsubscribe = await deps.hub.subscribe(site, (json) => res.write(`data: ${json}\n\n`));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), deps.heartbeatMs);
    const cleanup = () => {
      clearInterval(heartbeat);
      open.delete(res);
      void unsubscribe();
    };
    res.on('close', cleanup);
    if (req.destroyed) return cleanup();
    open.add(res);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`event: ready\ndata: ${JSON.stringify({ site, moderator })}\n\n`);
    req.log?.info({ site, moderator }, 'event stream opened');
  });
  return router;
}

/** `POST /events/ticket` (bearer token): a ticket for one stream, valid for a few seconds. */
export function ticketRoute(deps: ModerationApiDeps): Router {
  const router = Router({ mergeParams: true });
  router.post('/events/ticket', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.tickets.issue(req.site!.id, moderatorName(req)));
  });
  return router;
}
