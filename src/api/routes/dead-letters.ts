/** Callbacks that could not be delivered: list them, and re-drive them once the CMS is back. */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { unprocessable } from '../../errors';
import type { DeadLetterStore } from '../../infra/dead-letter-store';
import type { CallbackQueue } from '../../infra/queues';
import { callbackJobId } from '../../infra/queues';
import { parseJsonBody } from '../middleware/body';
import { fieldErrors } from '../schemas';

const RedriveRequest = z.strictObject({ ids: z.array(z.string().min(1)).max(10_000).optional() });

export function deadLetterRoutes(deadLetters: DeadLetterStore, callbacks: CallbackQueue, now: () => Date, guard: RequestHandler): Router {
  const router = Router({ mergeParams: true });

  router.get('/callbacks/dead-letters', guard, async (req, res) => {
    const items = await deadLetters.list(req.site!.id);
    res.json({ count: items.length, items });
  });

  router.post('/callbacks/dead-letters/redrive', guard, async (req, res) => {
    const body = req.rawBody?.length ? parseJsonBody(req.rawBody) : {};
    const parsed = RedriveRequest.safeParse(body);
    if (!parsed.success) throw unprocessable('invalid redrive request', fieldErrors(parsed.error));
    const site = req.site!.id;
    const wanted = parsed.data.ids ? new Set(parsed.data.ids) : null;
    const items = (await deadLetters.list(site)).filter((d) => !wanted || wanted.has(d.id));
    const redriven: string[] = [];
    for (const item of items) {
      // Queue first, then remove: a failure in between leaves a duplicate, never a loss.
      await callbacks.add({ site, payload: item.payload }, `${callbackJobId(item.payload)}-r${now().getTime()}`);
      await deadLetters.remove(site, item.id);
      redriven.push(item.id);
    }
    res.status(202).json({ redriven });
  });

  return router;
}
