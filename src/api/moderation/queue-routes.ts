/** Reading the flagged queue: a page of items, and one item with its context. */
import { Router } from 'express';
import { notFound, unprocessable } from '../../errors';
import { listQueue, queueItemContext } from '../../use-cases/moderator-queue';
import { Id, parseOr422 } from '../schemas';
import type { ModerationApiDeps } from './deps';
import { decodeCursor, encodeCursor, QueueQuery } from './schemas';

export function queueRoutes(deps: ModerationApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/queue', async (req, res) => {
    const { queue, reason, articleId, authorId, sort, cursor, limit } = parseOr422(QueueQuery, req.query, 'queue query');
    if (queue === 'article' && !articleId) throw unprocessable('invalid queue query', [{ path: 'articleId', message: 'required for the article listing' }]);
    if (queue !== 'flagged' && (reason || authorId || (articleId && queue !== 'article') || sort !== 'priority')) {
      throw unprocessable('invalid queue query', [{ path: 'queue', message: 'sort and filters apply to the flagged queue only' }]);
    }
    const listing = await listQueue(deps.queue, {
      site: req.site!.id,
      queue,
      sort,
      filter: { reason, articleId, authorId },
      cursor: cursor ? decodeCursor(sort, cursor) : undefined,
      limit,
    });
    res.set('Cache-Control', 'no-store').json({ items: listing.items, total: listing.total, nextCursor: listing.next ? encodeCursor(sort, listing.next) : null });
  });

  router.get('/queue/:id', async (req, res) => {
    const id = Id.safeParse(req.params.id);
    if (!id.success) throw notFound(`comment "${String(req.params.id).slice(0, 200)}"`);
    const context = await queueItemContext(deps.queue, req.site!.id, id.data);
    if (!context) throw notFound(`comment "${id.data}"`);
    res.set('Cache-Control', 'no-store').json(context);
  });

  return router;
}
