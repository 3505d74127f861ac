/**
 * Live updates for the moderators' page as server-sent events. EventSource cannot send headers,
 * so the page first trades its bearer token for a single-use ticket (POST events/ticket) and opens
 * `GET events?ticket=…`; the token itself never appears in a URL. Each stream gets the site's events
 * (decisions, reports, actions on authors) as `id: <stream id>` + `data: <json>`, plus comment heartbeats.
 * A stream opened with `Last-Event-ID` (header or `lastEventId` query) first replays what came after it;
 * `ready` then says how many were replayed and whether some were already trimmed (`gap`: reload).
 */
import { Router, type Response } from 'express';
import { unauthorized } from '../../errors';
import { compareEventIds, EVENT_ID, eventsSince, latestEventId } from '../../infra/events';
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
    // Where to resume: the browser's own Last-Event-ID, or the page's (it opens a new EventSource per ticket).
    const raw = String(req.get('last-event-id') ?? req.query.lastEventId ?? '');
    const lastId = EVENT_ID.test(raw) ? raw : null;
    // Subscribe first and hold live events until the replay is written, so nothing falls in between.
    let held: string[] | null = lastId ? [] : null;
    let sentUpTo = lastId ?? '0-0';
    const send = (json: string) => {
      const id = /^\{"eventId":"([0-9-]+)"/.exec(json)?.[1];
      if (id && compareEventIds(id, sentUpTo) <= 0) return;
      if (id) sentUpTo = id;
      res.write(`${id ? `id: ${id}\n` : ''}data: ${json}\n\n`);
    };
    const unsubscribe = await deps.hub.subscribe(site, (json) => (held ? held.push(json) : send(json)));
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
    let replayed = 0;
    let gap = false;
    if (lastId) {
      try {
        const since = await eventsSince(deps.redis, deps.keys, site, lastId);
        gap = since.gap;
        for (const e of since.events) send(e.json);
        replayed = since.events.length;
      } catch (err) {
        gap = true;
        req.log?.warn({ err }, 'event replay failed');
      }
      const pending = held ?? [];
      held = null;
      for (const json of pending) send(json);
    } else {
      const newest = await latestEventId(deps.redis, deps.keys, site).catch(() => '0-0');
      if (compareEventIds(newest, sentUpTo) > 0) sentUpTo = newest;
    }
    // `ready` carries the position reached, so a page that saw no event yet can still resume from here.
    res.write(`event: ready\nid: ${sentUpTo}\ndata: ${JSON.stringify({ site, moderator, replayed, gap })}\n\n`);
    req.log?.info({ site, moderator, replayed }, 'event stream opened');
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
