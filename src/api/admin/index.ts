/**
 * The admin API, `/v1/admin/…` with `Authorization: Bearer <admin token>` (config `admin.tokenSha256`;
 * the embedded default `demo-admin` is refused when `env` is production): moderator accounts
 * with per-site scopes and a role, created, changed, rotated and revoked without a restart. A
 * token is shown once, when created or rotated; only its SHA-256 is stored.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Config, SiteConfig } from '../../../config';
import { DEFAULT_ADMIN_TOKEN_SHA256 } from '../../../config/schema';
import { AppError, notFound, unauthorized } from '../../errors';
import type { AccountStore, ModeratorAccount } from '../../infra/account-store';
import { tokenHash, type ModeratorDirectory } from '../../security/moderators';
import { parseOptionalJsonBody, rawBody } from '../middleware/body';
import { parseOr422 } from '../schemas';


const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/, 'letters, digits, space . _ - (at most 64)');
export const CreateBody = z.strictObject({ name: Name, sites: z.array(z.string()).min(1), role: z.enum(['moderator', 'senior']).default('moderator') });
export const ChangeBody = z.strictObject({ sites: z.array(z.string()).min(1).optional(), role: z.enum(['moderator', 'senior']).optional() });

export interface AdminRoutesOptions {
  config: Readonly<Config>;
  accounts: AccountStore;
  directory: ModeratorDirectory;
  sites: ReadonlyMap<string, SiteConfig>;
  now: () => Date;
}

const newToken = () => `mod_${randomBytes(24).toString('base64url')}`;
/** What the API shows of an account: never the token hash. */
const view = ({ tokenSha256: _hash, ...account }: ModeratorAccount) => account;

export function adminRoutes(opts: AdminRoutesOptions): Router {
  const router = Router();
  const adminHash = Buffer.from(opts.config.admin.tokenSha256, 'hex');
  const refusedDefault = opts.config.env === 'production' && opts.config.admin.tokenSha256 === DEFAULT_ADMIN_TOKEN_SHA256;

  router.use((req: Request, _res: Response, next: NextFunction) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!token) return next(unauthorized('missing admin bearer token'));
    if (refusedDefault) return next(new AppError('admin_disabled', 403, 'the default admin token is refused in production; set admin.tokenSha256 (ADMIN_TOKEN_SHA256)'));
    if (!timingSafeEqual(Buffer.from(tokenHash(token), 'hex'), adminHash)) return next(unauthorized('unknown admin token'));
    next();
  });
  router.use(rawBody(opts.config.http.bodyLimitBytes));

  const unknownSites = (sites: readonly string[]) => sites.filter((s) => !opts.sites.has(s));
  const checkSites = (sites?: readonly string[]) => {
    const unknown = unknownSites(sites ?? []);
    if (unknown.length) throw new AppError('invalid_request', 422, 'unknown sites', { details: unknown.map((s) => ({ path: 'sites', message: `unknown site "${s}"` })) });
  };
  const account = async (name: string) => {
    const found = await opts.accounts.get(name);
    if (!found) throw notFound(`moderator "${name.slice(0, 100)}"`);
    return found;
  };

  router.get('/moderators', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ items: (await opts.accounts.list()).map(view) });
  });

  router.post('/moderators', async (req, res) => {
    const body = parseOr422(CreateBody, parseOptionalJsonBody(req.rawBody), 'moderator');
    checkSites(body.sites);
    if (opts.directory.isConfigured(body.name)) throw new AppError('name_taken', 409, `"${body.name}" is a configured moderator`);
    const token = newToken();
    const created: ModeratorAccount = { ...body, tokenSha256: tokenHash(token), createdAt: opts.now().toISOString(), createdBy: 'admin' };
    if (!(await opts.accounts.create(created))) throw new AppError('name_taken', 409, `moderator "${body.name}" exists (revoked names are not reused)`);
    res.status(201).set('Cache-Control', 'no-store').json({ ...view(created), token });
  });

  router.patch('/moderators/:name', async (req, res) => {
    const body = parseOr422(ChangeBody, parseOptionalJsonBody(req.rawBody), 'change');
    checkSites(body.sites);
    const before = await account(String(req.params.name));
    if (before.revokedAt) throw new AppError('revoked', 409, 'the account is revoked');
    const after = { ...before, ...body };
    await opts.accounts.replace(before, after);
    res.json(view(after));
  });

  router.post('/moderators/:name/rotate', async (req, res) => {
    const before = await account(String(req.params.name));
    if (before.revokedAt) throw new AppError('revoked', 409, 'the account is revoked');
    const token = newToken();
    const after = { ...before, tokenSha256: tokenHash(token), rotatedAt: opts.now().toISOString() };
    await opts.accounts.replace(before, after);
    res.set('Cache-Control', 'no-store').json({ ...view(after), token });
  });

  router.delete('/moderators/:name', async (req, res) => {
    const before = await account(String(req.params.name));
    if (!before.revokedAt) await opts.accounts.replace(before, { ...before, revokedAt: opts.now().toISOString() });
    res.status(204).end();
  });

  return router;
}
