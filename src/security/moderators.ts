/** Moderator bearer tokens, known only by their SHA-256 hashes, each scoped to some sites. */
import { createHash } from 'node:crypto';
import type { ModeratorConfig } from '../../config';

export interface Moderator {
  name: string;
  sites: readonly string[];
}

export class ModeratorDirectory {
  private readonly byHash: Map<string, Moderator>;

  constructor(moderators: readonly ModeratorConfig[]) {
    this.byHash = new Map(moderators.map((m) => [m.tokenSha256, { name: m.name, sites: m.sites }]));
  }

  /** The moderator a bearer token belongs to, or null. Only the token's hash is compared. */
  authenticate(token: string): Moderator | null {
    const hash = createHash('sha256').update(token, 'utf8').digest('hex');
    return this.byHash.get(hash) ?? null;
  }
}

export const canAccess = (moderator: Moderator, site: string) => moderator.sites.includes(site);
