/** Callbacks that could not be delivered: list them, and re-drive them once the CMS is back. */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { DeadLetterStore } from '../../infra/dead-letter-store';
import { commentSubject, type Outbox } from '../../infra/outbox';
import { parseOptionalJsonBody } from '../middleware/body';
import { parseOr422 } from '../schemas';

export const RedriveRequest = z.strictObject({ ids: z.array(z.string().min(1)).max(10_000).optional() });

export function deadLetterRoutes(deadLetters: DeadLetterStore, outbox: Outbox, guard: RequestHandler): Router {
  const router = Router({ mergeParams: true });

  router.get('/callbacks/dead-letters', guard, async (req, res) => {
    const items = await deadLetters.list(req.site!.id);
    res.json({ count: items.length, items });
  });

  /** Back into the outbox, each after its subject's pending events, keeping its event id and sequence. */
  router.post('/callbacks/dead-letters/redrive', guard, async (req, res) => {
    const { ids } = parseOr422(RedriveRequest, parseOptionalJsonBody(req.rawBody), 'redrive request');
    const site = req.site!.id;
    const wanted = ids ? new Set(ids) : null;
    const items = (await deadLetters.list(site)).filter((d) => !wanted || wanted.has(d.id));
    const redriven: string[] = [];
    for (const item of items) {
      const payload = item.payload as unknown as Record<string, unknown> & { comment?: { id: string } };
      if (item.subject && item.payload.eventId) {
        if (await outbox.redrive(site, item.id, item.subject, item.payload)) redriven.push(item.id);
      } else if (payload.comment?.id) {
        // An entry from before the outbox: it becomes a new event (new id and sequence). Queue first,
        // then remove: a failure in between leaves a duplicate, never a loss.
        await outbox.enqueueEvent(site, { subject: commentSubject(payload.comment.id), body: payload as Parameters<Outbox['enqueueEvent']>[1]['body'] });
        await deadLetters.remove(site, item.id);
        redriven.push(item.id);
      }
    }
    res.status(202).json({ redriven });
  });

  return router;
}
