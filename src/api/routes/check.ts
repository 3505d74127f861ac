/**
 * `POST /v1/sites/:site/comments:check`: the same signed body as a comment, answered with the
 * decision inline (status, reasons with spans and messages) for pre-publication nudges and CMSs
 * that cannot receive callbacks. `store: true` also stores the comment and its decision.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { CommentSubmission } from '../../use-cases/submit-comment';
import { checkComment, type CheckDeps } from '../../use-cases/check-comment';
import { parseJsonBody } from '../middleware/body';
import { parseOr422, type Schemas } from '../schemas';

/** The comment schema plus `store`. */
export const checkSchema = (schemas: Schemas) => schemas.Comment.extend({ store: z.boolean().optional() });

/**
 * Mounted at /v1/sites/:site; `guards` run on this route only (site, caller, body, signature), so other
 * paths under the mount pass through untouched to the site API.
 */
export function checkRoutes(deps: CheckDeps & { schemas: Schemas }, guards: RequestHandler[]): Router {
  const router = Router({ mergeParams: true });
  const Check = checkSchema(deps.schemas);
  router.post('/comments\\:check', ...guards, async (req, res) => {
    const { store, ...comment } = parseOr422(Check, parseJsonBody(req.rawBody), 'comment');
    res.json(await checkComment(req.site!.id, comment as CommentSubmission, store === true, deps));
  });
  return router;
}
