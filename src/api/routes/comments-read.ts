/** Reading a comment's status and decision (moderator token or signed CMS request). */
import { Router, type RequestHandler } from 'express';
import { notFound } from '../../errors';
import type { CommentStore } from '../../infra/comment-store';
import { commentView } from '../../use-cases/comment-view';
import { Id, parseOr422 } from '../schemas';

export function commentReadRoutes(comments: CommentStore, guard: RequestHandler): Router {
  const router = Router({ mergeParams: true });
  router.get('/comments/:id', guard, async (req, res) => {
    const id = parseOr422(Id, req.params.id, 'comment id');
    const record = await comments.get(req.site!.id, id);
    if (!record) throw notFound(`comment "${req.params.id}"`);
    res.json(commentView(record));
  });
  return router;
}
