/**
 * What moderators decided about an author (not a comment): ban, suspension until a time, always
 * pre-moderate, trust; their notes (visible to every moderator of the site) and the audit trail of
 * these actions, per author and per site. The worker reads the state for every new comment (those a
 * moderation group asks for in the same tick in one MGET).
 */
import type { RedisClient as Redis } from './redis';
import type { Keys } from './keys';
import { TickBatch } from './tick-batch';

/** An author's moderation state; absent fields mean "not set". */
export interface AuthorState {
  banned?: { by: string; at: string; note?: string };
  suspendedUntil?: string;
  premoderate?: boolean;
  trusted?: boolean;
}

export interface AuthorNote {
  by: string;
  at: string;
  text: string;
}

/** One moderator action on an author, as kept in the audit trail. */
export interface AuthorAction {
  at: string;
  by: string;
  authorId: string;
  action: 'ban' | 'unban' | 'suspend' | 'unsuspend' | 'premoderate' | 'unpremoderate' | 'trust' | 'untrust' | 'note';
  note?: string;
  until?: string;
  /** Comments rejected along with a ban. */
  rejected?: number;
}

const LOG_LENGTH = 200;
const AUDIT_LENGTH = 10_000;

export class AuthorStore {
  /** States asked for in the same tick (a moderation group's authors), one MGET per site. */
  private readonly states: TickBatch<string | null>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    this.states = new TickBatch((site, ids) => this.redis.mget(ids.map((id) => this.keys.authorState(site, id))));
  }

  async get(site: string, authorId: string): Promise<AuthorState> {
    const raw = await this.states.get(site, authorId);
    return raw ? (JSON.parse(raw) as AuthorState) : {};
  }

  /** Stores the new state and the action in the author's and the site's audit trail, atomically. */
  async apply(site: string, state: AuthorState, action: AuthorAction): Promise<void> {
    const json = JSON.stringify(action);
    const multi = this.redis.multi();
    if (Object.keys(state).length) multi.set(this.keys.authorState(site, action.authorId), JSON.stringify(state));
    else multi.del(this.keys.authorState(site, action.authorId));
    multi
      .lpush(this.keys.authorLog(site, action.authorId), json)
      .ltrim(this.keys.authorLog(site, action.authorId), 0, LOG_LENGTH - 1)
      .lpush(this.keys.audit(site), json)
      .ltrim(this.keys.audit(site), 0, AUDIT_LENGTH - 1);
    await multi.exec();
  }

  async addNote(site: string, authorId: string, note: AuthorNote): Promise<void> {
    const action: AuthorAction = { at: note.at, by: note.by, authorId, action: 'note', note: note.text };
    await this.redis
      .multi()
      .rpush(this.keys.authorNotes(site, authorId), JSON.stringify(note))
      .lpush(this.keys.authorLog(site, authorId), JSON.stringify(action))
      .ltrim(this.keys.authorLog(site, authorId), 0, LOG_LENGTH - 1)
      .lpush(this.keys.audit(site), JSON.stringify(action))
      .ltrim(this.keys.audit(site), 0, AUDIT_LENGTH - 1)
      .exec();
  }

  async notes(site: string, authorId: string): Promise<AuthorNote[]> {
    return (await this.redis.lrange(this.keys.authorNotes(site, authorId), 0, -1)).map((s) => JSON.parse(s) as AuthorNote);
  }

  /** The author's audit trail, newest first. */
  async log(site: string, authorId: string, limit = 50): Promise<AuthorAction[]> {
    return (await this.redis.lrange(this.keys.authorLog(site, authorId), 0, limit - 1)).map((s) => JSON.parse(s) as AuthorAction);
  }

  /** The site's audit trail of actions on authors, newest first. */
  async audit(site: string, limit = 100): Promise<AuthorAction[]> {
    return (await this.redis.lrange(this.keys.audit(site), 0, limit - 1)).map((s) => JSON.parse(s) as AuthorAction);
  }
}
