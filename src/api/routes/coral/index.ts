/**
 * `POST /v1/integrations/coral/:site`: Coral Talk's external moderation phase. Verifies Coral's
 * signature, stores the comment and judges it at once with the site's policy (local model, word
 * lists, spam, the thread we hold), stores the decision like a webhook comment's, and answers in
 * Coral's format well within its 200 ms timeout (docs/coral.md).
 */
import { createHash } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { SiteConfig } from '../../../../config';
import { AppError } from '../../../errors';
import type { CommentInput } from '../../../moderation/types';
import { CORAL_SIGNATURE_HEADER, verifyCoralSignature } from '../../../security/coral-signature';
import { decideInline, type DecideInlineDeps } from '../../../use-cases/decide-inline';
import { resolveSite } from '../../middleware/auth';
import { parseJsonBody, rawBody } from '../../middleware/body';
import { Id, parseOr422 } from '../../schemas';
import { toCoralResponse } from './coral-response';
import { CoralRequest } from './schemas';

export interface CoralDeps extends DecideInlineDeps {
  sites: ReadonlyMap<string, SiteConfig>;
  bodyLimitBytes: number;
  commentChars: number;
}

const PROBLEMS = {
  missing: `missing ${CORAL_SIGNATURE_HEADER} header`,
  malformed: `malformed ${CORAL_SIGNATURE_HEADER} header; expected sha256=<hex hmac>[,sha256=<hex hmac>]`,
  mismatch: 'Coral signature does not match the request body',
} as const;

function requireCoralSignature(req: Request, _res: Response, next: NextFunction) {
  const secrets = req.site!.coral.signingSecrets;
  if (!secrets.length) return next(new AppError('coral_not_configured', 404, `site "${req.site!.id}" has no Coral signing secret configured`));
  const result = verifyCoralSignature(req.get(CORAL_SIGNATURE_HEADER), req.rawBody ?? Buffer.alloc(0), secrets);
  if (!result.ok) return next(new AppError('bad_signature', 401, PROBLEMS[result.reason]));
  next();
}

/** Ids we keep as they are when they fit our id rules; others (and Coral's missing comment id) are hashed. */
const hashId = (prefix: string, ...parts: string[]) => `${prefix}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24)}`;
const asId = (value: string, prefix: string) => (Id.safeParse(value).success ? value : hashId(prefix, value));

/**
 * The comment as we store it. Coral sends no comment id (a new comment has none yet), so the id is
 * derived from tenant, story, author and text: Coral retrying the same request maps to one comment.
 */
export function coralComment(req: CoralRequest): CommentInput {
  const parent = req.comment.parentID && Id.safeParse(req.comment.parentID).success ? req.comment.parentID : undefined;
  return {
    id: hashId('coral', req.tenantID, req.story.id, req.author.id, req.comment.body),
    articleId: asId(req.story.id, 'story'),
    ...(parent ? { parentId: parent } : {}),
    author: { id: asId(req.author.id, 'user') },
    body: req.comment.body,
  };
}

export function coralRoutes(deps: CoralDeps): Router {
  const router = Router({ mergeParams: true });
  router.post('/:site', resolveSite(deps.sites), rawBody(deps.bodyLimitBytes), requireCoralSignature, async (req, res) => {
    const body = parseOr422(CoralRequest, parseJsonBody(req.rawBody), 'Coral moderation request');
    if (body.comment.body.trim() === '' || body.comment.body.length > deps.commentChars) return res.status(204).end();
    const { decision } = await decideInline(req.site!.id, coralComment(body), deps);
    const answer = toCoralResponse(decision);
    if (!answer) return res.status(204).end();
    res.json(answer);
  });
  return router;
}
