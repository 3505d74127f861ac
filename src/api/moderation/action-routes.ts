/** Acting on the queue: claims, approve / reject / escalate / requeue (undo) one item, and bulk decisions. */
import { Router, type Request } from 'express';
import type { z } from 'zod';
import { AppError, notFound, unprocessable } from '../../errors';
import { moderatorBulk } from '../../use-cases/moderator-bulk';
import { moderatorDecide, type ModeratorAction } from '../../use-cases/moderator-decide';
import { queueItemView } from '../../use-cases/moderator-view';
import { parseOptionalJsonBody } from '../middleware/body';
import { Id, parseOr422 } from '../schemas';
import { moderatorName, moderatorRole, type ModerationApiDeps } from './deps';
import { ActionBody, BulkBody } from './schemas';

const body = <T>(schema: z.ZodType<T>, req: Request, what: string): T => parseOr422(schema, parseOptionalJsonBody(req.rawBody), what);

function commentId(req: Request): string {
  const id = Id.safeParse(req.params.id);
  if (!id.success) throw notFound(`comment "${String(req.params.id).slice(0, 200)}"`);
  return id.data;
}

export function actionRoutes(deps: ModerationApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.post('/queue/bulk', async (req, res) => {
    const input = body(BulkBody, req, 'bulk request');
    if (input.action === 'reject' && !input.reasonCode) throw unprocessable('invalid bulk request', [{ path: 'reasonCode', message: 'required to reject' }]);
    const results = await moderatorBulk({ ...input, site: req.site!.id, moderator: moderatorName(req), role: moderatorRole(req) }, deps.decide);
    const done = results.filter((r) => r.status === 200).length;
    res.json({ done, refused: results.length - done, results });
  });

  router.post('/queue/:id/claim', async (req, res) => {
    const site = req.site!.id;
    const id = commentId(req);
    if (!(await deps.comments.get(site, id))) throw notFound(`comment "${id}"`);
    const claim = await deps.claims.claim(site, id, moderatorName(req));
    if (!claim.ok) throw new AppError('claimed', 409, `${claim.claimedBy} is reviewing this comment`, { details: { claimedBy: claim.claimedBy, expiresAt: claim.expiresAt } });
    res.json({ id, claimedBy: claim.claimedBy, expiresAt: claim.expiresAt });
  });

  router.delete('/queue/:id/claim', async (req, res) => {
    const outcome = await deps.claims.release(req.site!.id, commentId(req), moderatorName(req));
    if (outcome === 'held-by-other') throw new AppError('claimed', 409, 'another moderator holds this claim');
    res.status(204).end();
  });

  for (const action of ['approve', 'reject', 'escalate', 'requeue'] as const satisfies readonly ModeratorAction[]) {
    router.post(`/queue/:id/${action}`, async (req, res) => {
      const { reasonCode, note, expectedStatus } = body(ActionBody, req, `${action} request`);
      if (action === 'reject' && !reasonCode) throw unprocessable('invalid reject request', [{ path: 'reasonCode', message: 'required to reject' }]);
      const record = await moderatorDecide({ site: req.site!.id, commentId: commentId(req), moderator: moderatorName(req), role: moderatorRole(req), action, reasonCode, note, expectedStatus }, deps.decide);
      res.json({ item: queueItemView(record), history: record.history });
    });
  }

  return router;
}
