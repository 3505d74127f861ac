/**
 * Who is calling: a site's CMS (signed request) or a moderator (bearer token scoped to sites).
 * `resolveSite` must run first; unknown sites are 404.
 *
 * Order on a site's routes: `resolveSite` → `precheckCaller` (no body read yet: unsigned, malformed,
 * stale or wrongly-scoped requests are refused before a byte of body is buffered) → `rawBody` →
 * the route's guard (`requireSignature` / `requireModeratorOrSignature`: the full check over method,
 * path and body, then the replay check). Other routers mount the same guards from `SignatureGuards`.
 */
import type { NextFunction, Request, Response } from 'express';
import type { SiteConfig } from '../../../config';
import { AppError, forbidden, notFound, unauthorized } from '../../errors';
import type { SeenSignatures } from '../../infra/seen-signatures';
import { canAccess, type ModeratorDirectory } from '../../security/moderators';
import { SIGNATURE_HEADER, precheckSignature, verifyRequest, type VerifyFailure } from '../../security/signature';

export function resolveSite(sites: ReadonlyMap<string, SiteConfig>) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const site = sites.get(String(req.params.site));
    if (!site) return next(notFound(`site "${req.params.site}"`));
    req.site = site;
    next();
  };
}

const SIGNATURE_PROBLEMS: Record<VerifyFailure, string> = {
  missing: `missing ${SIGNATURE_HEADER} header`,
  malformed: `malformed ${SIGNATURE_HEADER} header; expected t=<unix seconds>[,n=<nonce>],v2=<hex hmac> (see README "Public API v1")`,
  stale: 'signature timestamp is too far from the current time',
  mismatch: 'signature does not match the request method, path and body',
  v1_not_allowed: 'v1 signatures are accepted on POST /v1/sites/:site/comments only (deprecated); sign with v2',
};

const badSignature = (reason: VerifyFailure) => new AppError('bad_signature', 401, SIGNATURE_PROBLEMS[reason]);

export interface SignatureOptions {
  toleranceSeconds: number;
  /** Remembers accepted signatures for the window, so a replay is refused. */
  seen: SeenSignatures;
}

/** The deprecated v1 scheme (body only) is accepted on the comment POST alone. */
const v1AllowedFor = (method: string, target: string) => method === 'POST' && /^\/v1\/sites\/[^/]+\/comments\/?$/.test(target.split('?')[0]);

/** What a CMS's signed request carries, framework-free (the Express guards and the ingest lane share it). */
export interface SignedInput {
  site: SiteConfig;
  method: string;
  /** The request target as sent (path and query). */
  target: string;
  header: string | undefined;
  rawBody: Buffer;
}

/**
 * The full check of a CMS request: a valid signature over method, path and body, not seen before
 * (409 otherwise); throws the API's `AppError`. Resolves to the scheme and the replay id, which the
 * caller forgets again if it answers 5xx (a failed request may be retried unchanged).
 */
export async function verifyCmsRequest(input: SignedInput, opts: SignatureOptions): Promise<{ scheme: 'v1' | 'v2'; replayId: string }> {
  const { site, method, target } = input;
  const result = verifyRequest(
    input.header,
    { method, path: target, rawBody: input.rawBody },
    { secrets: site.webhookSecrets, toleranceSeconds: opts.toleranceSeconds, allowV1: v1AllowedFor(method, target) },
  );
  if (!result.ok) throw badSignature(result.reason);
  if (!(await opts.seen.first(site.id, result.replayId))) {
    throw new AppError('signature_replayed', 409, 'this signed request was already received; sign a new request (new timestamp or nonce) to send it again');
  }
  return { scheme: result.scheme, replayId: result.replayId };
}

/** The header-only check (no body needed) as a result, for callers that decide what to do with a failure. */
export const precheckCmsHeader = (method: string, target: string, header: string | undefined, toleranceSeconds: number) =>
  precheckSignature(header, toleranceSeconds, v1AllowedFor(method, target));

async function checkSignature(req: Request, res: Response, opts: SignatureOptions): Promise<void> {
  const site = req.site!;
  const { scheme, replayId } = await verifyCmsRequest({ site, method: req.method, target: req.originalUrl, header: req.get(SIGNATURE_HEADER), rawBody: req.rawBody ?? Buffer.alloc(0) }, opts);
  // A request the service failed to handle may be retried unchanged.
  res.on('finish', () => {
    if (res.statusCode >= 500) opts.seen.forget(site.id, replayId).catch(() => undefined);
  });
  req.caller = { kind: 'cms', scheme };
}

/** The signature header alone (no body needed): present, well-formed, fresh, v2 unless v1 is allowed here. */
function checkHeader(req: Request, toleranceSeconds: number): void {
  const pre = precheckCmsHeader(req.method, req.originalUrl, req.get(SIGNATURE_HEADER), toleranceSeconds);
  if (!pre.ok) throw badSignature(pre.reason);
}

async function checkBearer(req: Request, moderators: ModeratorDirectory): Promise<void> {
  const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (!token) throw unauthorized('missing bearer token');
  const moderator = await moderators.authenticate(token);
  if (!moderator) throw unauthorized('unknown or revoked token');
  if (!canAccess(moderator, req.site!.id)) throw forbidden(`token has no access to site "${req.site!.id}"`);
  req.caller = { kind: 'moderator', moderator };
}

/** Turns a (possibly async) throwing check into Express middleware. */
const guard =
  (check: (req: Request, res: Response) => void | Promise<void>) =>
  async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      await check(req, res);
      next();
    } catch (err) {
      next(err);
    }
  };

/**
 * Before the body is read: a moderator's token is checked in full; otherwise the signature header
 * must be present, well-formed and fresh. Routes still run the full check.
 */
export const precheckCaller = (moderators: ModeratorDirectory, toleranceSeconds: number) =>
  guard((req) => (req.get('authorization') ? checkBearer(req, moderators) : checkHeader(req, toleranceSeconds)));

/** Before the body is read, for CMS-only routes: a present, well-formed, fresh signature header. */
export const precheckSignatureHeader = (toleranceSeconds: number) => guard((req) => checkHeader(req, toleranceSeconds));

/** CMS only: a valid signature over method, path and raw body, not seen before. */
export const requireSignature = (opts: SignatureOptions) => guard((req, res) => checkSignature(req, res, opts));

/** Moderator only: a bearer token with access to the site. */
export const requireModerator = (moderators: ModeratorDirectory) => guard((req) => checkBearer(req, moderators));

/** Either a moderator's bearer token or a CMS signature. */
export const requireModeratorOrSignature = (moderators: ModeratorDirectory, opts: SignatureOptions) =>
  guard((req, res) => (req.get('authorization') ? checkBearer(req, moderators) : checkSignature(req, res, opts)));
