/** Reading a comment's status and decision (moderator token or signed CMS request). */
import { Router, type RequestHandler } from 'express';
import { notFound } from '../../errors';
import type { CommentStore } from '../../infra/comment-store';
import { commentView } from '../../use-cases/comment-view';

export function commentReadRoutes(comments: CommentStore, guard: RequestHandler): Router {
  const router = Router({ mergeParams: true });
  router.get('/comments/:id', guard, async (req, res) => {
    const record = await comments.get(req.site!.id, String(req.params.id));
    if (!record) throw notFound(`comment "${req.params.id}"`);
    res.json(commentView(record));
  });
  return router;
}
