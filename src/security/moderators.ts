/**
 * Moderator bearer tokens, known only by their SHA-256 hashes, each scoped to some sites: those in
 * the config, and accounts managed through the admin API (looked up in Redis on every request, so
 * a new, rotated or revoked token takes effect at once).
 */
import { createHash } from 'node:crypto';
import type { ModeratorConfig } from '../../config';
import type { AccountStore, ModeratorRole } from '../infra/account-store';

export interface Moderator {
  name: string;
  sites: readonly string[];
  /** `senior` moderators alone decide escalated comments. */
  role: ModeratorRole;
}

export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export class ModeratorDirectory {
  private readonly byHash: Map<string, Moderator>;

  constructor(
    moderators: readonly ModeratorConfig[],
    private readonly accounts?: AccountStore,
  ) {
    this.byHash = new Map(moderators.map((m) => [m.tokenSha256, { name: m.name, sites: m.sites, role: m.role ?? 'senior' }]));
  }

  /** The moderator a bearer token belongs to, or null. Only the token's hash is compared. */
  async authenticate(token: string): Promise<Moderator | null> {
    const hash = tokenHash(token);
    const configured = this.byHash.get(hash);
    if (configured) return configured;
    const account = await this.accounts?.byTokenHash(hash);
    return account ? { name: account.name, sites: account.sites, role: account.role } : null;
  }

  /** Whether `name` belongs to a configured moderator (account names must differ from those). */
  isConfigured(name: string): boolean {
    return [...this.byHash.values()].some((m) => m.name === name);
  }
}

export const canAccess = (moderator: Moderator, site: string) => moderator.sites.includes(site);
