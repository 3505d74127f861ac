/** CMS webhooks: articles (context) and comments (single and batch). */
import { Router, type Request, type RequestHandler } from 'express';
import type { Config } from '../../../config';
import type { ArticleStore } from '../../infra/article-store';
import { submitComment, submitComments, type CommentSubmission, type SubmitDeps } from '../../use-cases/submit-comment';
import { parseJsonBody } from '../middleware/body';
import { Id, fieldErrors, parseOr422, type Schemas } from '../schemas';
import { toAppError } from '../middleware/errors';

export interface WebhookDeps extends SubmitDeps {
  articles: ArticleStore;
  schemas: Schemas;
  limits: Config['limits'];
}

const site = (req: Request) => req.site!.id;

interface BatchItemResult {
  index: number;
  id?: string;
  status: number;
  result?: { id: string; status: string };
  error?: { code: string; message: string; details?: unknown };
}

/** One comment webhook's body, once its signature is checked: parsed, validated (422), stored and queued. */
export async function acceptComment(siteId: string, rawBody: Buffer | undefined, deps: WebhookDeps) {
  const comment = parseOr422(deps.schemas.Comment, parseJsonBody(rawBody), 'comment') as CommentSubmission;
  return submitComment(siteId, comment, deps);
}

/** Routes mounted at /v1/sites/:site after site resolution and body reading; `guard` checks the signature. */
export function webhookRoutes(deps: WebhookDeps, guard: RequestHandler): Router {
  const router = Router({ mergeParams: true });

  router.put('/articles/:articleId', guard, async (req, res) => {
    const articleId = parseOr422(Id, req.params.articleId, 'article id');
    const article = parseOr422(deps.schemas.Article, parseJsonBody(req.rawBody), 'article');
    const { created } = await deps.articles.upsert(site(req), articleId, article, deps.now());
    res.status(created ? 201 : 200).json({ id: articleId, created });
  });

  router.post('/comments', guard, async (req, res) => {
    const result = await acceptComment(site(req), req.rawBody, deps);
    req.log?.debug({ commentId: result.id, outcome: result.outcome }, 'comment accepted');
    res.status(202).json({ id: result.id, status: result.status });
  });

  router.post('/comments/batch', guard, async (req, res) => {
    const { comments } = parseOr422(deps.schemas.Batch, parseJsonBody(req.rawBody), 'batch');
    // Each item is validated and stored on its own: one bad item does not sink the others, and
    // every item's result says whether it is safely stored (202) or why not. The valid items are
    // stored together (auto-pipelined) and their jobs added with one addBulk.
    const results: BatchItemResult[] = [];
    const valid: Array<{ index: number; submission: CommentSubmission }> = [];
    for (const [index, item] of comments.entries()) {
      const parsed = deps.schemas.Comment.safeParse(item);
      if (parsed.success) {
        valid.push({ index, submission: parsed.data as CommentSubmission });
        continue;
      }
      const id = typeof (item as { id?: unknown })?.id === 'string' ? (item as { id: string }).id : undefined;
      results.push({ index, id, status: 422, error: { code: 'invalid_request', message: 'invalid comment', details: fieldErrors(parsed.error) } });
    }
    const outcomes = await submitComments(site(req), valid.map((v) => v.submission), deps);
    outcomes.forEach((o, k) => {
      const { index, submission } = valid[k];
      if (o.ok) return results.push({ index, id: o.result.id, status: 202, result: { id: o.result.id, status: o.result.status } });
      const e = toAppError(o.error);
      results.push({ index, id: submission.id, status: e.status, error: { code: e.code, message: e.expose ? e.message : 'internal error' } });
    });
    results.sort((a, b) => a.index - b.index);
    const failed = outcomes.find((o) => !o.ok);
    // Nothing stored at all because of a server-side failure: answer 503 for the whole batch.
    if (failed && !failed.ok && outcomes.every((o) => !o.ok) && toAppError(failed.error).status >= 500) throw failed.error;
    const accepted = results.filter((r) => r.status === 202).length;
    const allInvalid = accepted === 0 && results.every((r) => r.status === 422);
    res.status(allInvalid ? 422 : 202).json({ accepted, rejected: results.length - accepted, results });
  });

  return router;
}
