/**
 * Moderator accounts created through the admin API, in Redis so every API process sees a new,
 * rotated or revoked token at once (no restart). Only SHA-256 hashes of tokens are stored.
 */
import type { RedisClient as Redis } from './redis';
import type { Keys } from './keys';

export type ModeratorRole = 'moderator' | 'senior';

export interface ModeratorAccount {
  name: string;
  role: ModeratorRole;
  sites: string[];
  tokenSha256: string;
  createdAt: string;
  createdBy: string;
  rotatedAt?: string;
  revokedAt?: string;
}

// KEYS: accounts, tokens. ARGV: name, json, tokenHash. 0 when the name exists (even revoked).
const CREATE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
return 1
`;

// KEYS: accounts, tokens. ARGV: name, new json, old token hash, new token hash (or '' to revoke).
const REPLACE = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], ARGV[4], ARGV[1]) end
return 1
`;

export class AccountStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Creates the account; false when the name is taken. */
  async create(account: ModeratorAccount): Promise<boolean> {
    return (await this.redis.eval(CREATE, 2, this.keys.moderatorAccounts, this.keys.moderatorTokens, account.name, JSON.stringify(account), account.tokenSha256)) === 1;
  }

  async get(name: string): Promise<ModeratorAccount | null> {
    const raw = await this.redis.hget(this.keys.moderatorAccounts, name);
    return raw ? (JSON.parse(raw) as ModeratorAccount) : null;
  }

  async list(): Promise<ModeratorAccount[]> {
    return Object.values(await this.redis.hgetall(this.keys.moderatorAccounts))
      .map((s) => JSON.parse(s) as ModeratorAccount)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Stores the changed account; its token hash moves with it (or is dropped once revoked). */
  async replace(before: ModeratorAccount, after: ModeratorAccount): Promise<void> {
    await this.redis.eval(REPLACE, 2, this.keys.moderatorAccounts, this.keys.moderatorTokens, after.name, JSON.stringify(after), before.tokenSha256, after.revokedAt ? '' : after.tokenSha256);
  }

  /** The live (not revoked) account a token hash belongs to. */
  async byTokenHash(hash: string): Promise<ModeratorAccount | null> {
    const name = await this.redis.hget(this.keys.moderatorTokens, hash);
    if (!name) return null;
    const account = await this.get(name);
    return account && !account.revokedAt && account.tokenSha256 === hash ? account : null;
  }
}
