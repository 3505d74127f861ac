/**
 * Who is calling: a site's CMS (signed request) or a moderator (bearer token scoped to sites).
 * `resolveSite` must run first; unknown sites are 404.
 */
import type { NextFunction, Request, Response } from 'express';
import type { SiteConfig } from '../../../config';
import { AppError, forbidden, notFound, unauthorized } from '../../errors';
import { canAccess, type ModeratorDirectory } from '../../security/moderators';
import { SIGNATURE_HEADER, verifySignature } from '../../security/signature';

export function resolveSite(sites: ReadonlyMap<string, SiteConfig>) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const site = sites.get(String(req.params.site));
    if (!site) return next(notFound(`site "${req.params.site}"`));
    req.site = site;
    next();
  };
}

const SIGNATURE_PROBLEMS = {
  missing: `missing ${SIGNATURE_HEADER} header`,
  malformed: `malformed ${SIGNATURE_HEADER} header; expected t=<unix seconds>,v1=<hex hmac>`,
  stale: 'signature timestamp is too far from the current time',
  mismatch: 'signature does not match the request body',
} as const;

function checkSignature(req: Request, toleranceSeconds: number): void {
  const result = verifySignature(req.get(SIGNATURE_HEADER), req.rawBody ?? Buffer.alloc(0), req.site!.webhookSecrets, toleranceSeconds);
  if (!result.ok) throw new AppError('bad_signature', 401, SIGNATURE_PROBLEMS[result.reason]);
  req.caller = { kind: 'cms' };
}

function checkBearer(req: Request, moderators: ModeratorDirectory): void {
  const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (!token) throw unauthorized('missing bearer token');
  const moderator = moderators.authenticate(token);
  if (!moderator) throw unauthorized('unknown or revoked token');
  if (!canAccess(moderator, req.site!.id)) throw forbidden(`token has no access to site "${req.site!.id}"`);
  req.caller = { kind: 'moderator', moderator };
}

/** Turns a throwing check into Express middleware. */
const guard =
  (check: (req: Request) => void) =>
  (req: Request, _res: Response, next: NextFunction): void => {
    try {
      check(req);
      next();
    } catch (err) {
      next(err);
    }
  };

/** CMS only: a valid signature over the raw body. */
export const requireSignature = (toleranceSeconds: number) => guard((req) => checkSignature(req, toleranceSeconds));

/** Moderator only: a bearer token with access to the site. */
export const requireModerator = (moderators: ModeratorDirectory) => guard((req) => checkBearer(req, moderators));

/** Either a moderator's bearer token or a CMS signature. */
export const requireModeratorOrSignature = (moderators: ModeratorDirectory, toleranceSeconds: number) =>
  guard((req) => (req.get('authorization') ? checkBearer(req, moderators) : checkSignature(req, toleranceSeconds)));
