/** `GET /v1/moderation/me`: who a bearer token belongs to and which sites it may moderate (sign-in). */
import { Router } from 'express';
import type { SiteConfig } from '../../../config';
import { unauthorized } from '../../errors';
import type { ModeratorDirectory } from '../../security/moderators';

export function meRoute(directory: ModeratorDirectory, sites: ReadonlyMap<string, SiteConfig>): Router {
  const router = Router();
  router.get('/me', async (req, res) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!token) throw unauthorized('missing bearer token');
    const moderator = await directory.authenticate(token);
    if (!moderator) throw unauthorized('unknown or revoked token');
    const visible = moderator.sites.flatMap((id) => {
      const site = sites.get(id);
      return site ? [{ id, name: site.name ?? id }] : [];
    });
    res.set('Cache-Control', 'no-store').json({ name: moderator.name, role: moderator.role, sites: visible });
  });
  return router;
}
