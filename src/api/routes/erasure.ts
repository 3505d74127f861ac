/**
 * Erasure requests: `DELETE /comments/:id` and `DELETE /authors/:authorId` (a signed CMS request or
 * a moderator's token). Idempotent: erasing what is not stored answers 200 with `comments: 0`.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { eraseAuthor, eraseComment, type EraseDeps } from '../../use-cases/erase';

const by = (req: Request) => (req.caller?.kind === 'moderator' ? req.caller.moderator.name : 'cms');

export function erasureRoutes(deps: EraseDeps, guard: RequestHandler): Router {
  const router = Router({ mergeParams: true });

  router.delete('/comments/:id', guard, async (req, res) => {
    const erased = await eraseComment(req.site!.id, String(req.params.id), by(req), deps);
    res.json({ erased });
  });

  router.delete('/authors/:authorId', guard, async (req, res) => {
    const erased = await eraseAuthor(req.site!.id, String(req.params.authorId), by(req), deps);
    res.json({ erased });
  });

  return router;
}
