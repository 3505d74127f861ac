/**
 * POST /v1/sites/:site/labels `{labels: [...]}` (signed, at most `limits.batchSize`): a site's past
 * moderation decisions, for learning its standard (docs/site-learning.md). All or nothing: one bad label
 * answers 422 with an error per bad label and stores none; otherwise all are stored in one transaction.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { unprocessable } from '../../errors';
import type { LabelStore } from '../../infra/label-store';
import { LabelInputSchema, validateLabels } from '../../site-learning/label-input';
import { parseJsonBody } from '../middleware/body';
import { parseOr422 } from '../schemas';

/** The request body as documented (the route checks each label on its own, for an error per label). */
export const labelBatchSchema = (batchSize: number) => z.strictObject({ labels: z.array(LabelInputSchema).min(1).max(batchSize) });

/** The answer: labels added by this request, and how many the site holds now. */
export const LabelsAdded = z.object({ added: z.number().int(), labels: z.number().int() });

export function labelRoutes(labels: LabelStore, batchSize: number, guard: RequestHandler): Router {
  const router = Router({ mergeParams: true });
  const Batch = z.strictObject({
    labels: z.array(z.unknown()).min(1, 'must hold at least one label').max(batchSize, `must hold at most ${batchSize} labels`),
  });

  router.post('/labels', guard, async (req, res) => {
    const site = req.site!.id;
    const batch = parseOr422(Batch, parseJsonBody(req.rawBody), 'labels');
    const { labels: valid, errors } = validateLabels(batch.labels, 'api');
    if (errors.length) throw unprocessable(`${errors.length} of ${batch.labels.length} labels are invalid; none was stored`, errors);
    await labels.addLabels(site, valid);
    const counts = await labels.counts(site);
    res.status(201).json({ added: valid.length, labels: counts.labels });
  });

  return router;
}
