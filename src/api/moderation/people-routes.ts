/** People, not only comments: an author's record, actions on them (ban, suspend, …), notes; and search. */
import { Router } from 'express';
import { notFound } from '../../errors';
import { moderateAuthor } from '../../use-cases/moderator-author';
import { searchComments } from '../../use-cases/moderator-search';
import { parseOptionalJsonBody } from '../middleware/body';
import { Id, parseOr422 } from '../schemas';
import { moderatorName, moderatorRole, type ModerationApiDeps } from './deps';
import { AuthorCommandBody, NoteBody, SearchQuery } from './schemas';

function authorId(raw: unknown): string {
  const id = Id.safeParse(raw);
  if (!id.success) throw notFound(`author "${String(raw).slice(0, 200)}"`);
  return id.data;
}

export function peopleRoutes(deps: ModerationApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/authors/:authorId', async (req, res) => {
    const site = req.site!.id;
    const id = authorId(req.params.authorId);
    const [state, notes, log, recent] = await Promise.all([deps.authors.get(site, id), deps.authors.notes(site, id), deps.authors.log(site, id), deps.comments.authorHistory(site, id, 20)]);
    res.set('Cache-Control', 'no-store').json({ id, state, notes, log, recent });
  });

  router.post('/authors/:authorId/actions', async (req, res) => {
    const cmd = parseOr422(AuthorCommandBody, parseOptionalJsonBody(req.rawBody), 'author action');
    res.json(await moderateAuthor(req.site!.id, authorId(req.params.authorId), moderatorName(req), cmd, deps.people, moderatorRole(req)));
  });

  router.post('/authors/:authorId/notes', async (req, res) => {
    const { text } = parseOr422(NoteBody, parseOptionalJsonBody(req.rawBody), 'note');
    const site = req.site!.id;
    const id = authorId(req.params.authorId);
    const note = { by: moderatorName(req), at: deps.decide.now().toISOString(), text };
    await deps.authors.addNote(site, id, note);
    await deps.decide.publish(site, { type: 'author', authorId: id, action: 'note', by: note.by }).catch(() => undefined);
    res.status(201).json(note);
  });

  router.get('/audit', async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ items: await deps.authors.audit(req.site!.id) });
  });

  router.get('/search', async (req, res) => {
    const { q, authorId: author, articleId, limit } = parseOr422(SearchQuery, req.query, 'search query');
    const result = await searchComments({ ...deps.queue, redis: deps.redis, keys: deps.keys }, { site: req.site!.id, text: q, authorId: author, articleId, limit });
    res.set('Cache-Control', 'no-store').json(result);
  });

  return router;
}
