/** What the moderators' routes need, built once per process by `moderatorExtensions`. */
import type { RedisClient as Redis } from '../../infra/redis';
import type { ArticleStore } from '../../infra/article-store';
import type { AuthorStore } from '../../infra/author-store';
import type { DeskStatsStore } from '../../infra/desk-stats-store';
import type { Keys } from '../../infra/keys';
import type { ReportStore } from '../../infra/report-store';
import type { ModeratorAuthorDeps } from '../../use-cases/moderator-author';
import type { ClaimStore } from '../../infra/claim-store';
import type { CommentStore } from '../../infra/comment-store';
import type { SiteEventHub } from '../../infra/site-event-hub';
import type { StreamTickets } from '../../infra/stream-tickets';
import type { Logger } from '../../logger';
import type { ModeratorDecideDeps } from '../../use-cases/moderator-decide';
import type { ModeratorQueueDeps } from '../../use-cases/moderator-queue';

export interface ModerationApiDeps {
  redis: Redis;
  keys: Keys;
  comments: CommentStore;
  reports: ReportStore;
  authors: AuthorStore;
  desk: DeskStatsStore;
  people: ModeratorAuthorDeps;
  articles: ArticleStore;
  claims: ClaimStore;
  queue: ModeratorQueueDeps;
  decide: ModeratorDecideDeps;
  tickets: StreamTickets;
  hub: SiteEventHub;
  logger: Logger;
  /** Interval of the keep-alive comments on event streams. */
  heartbeatMs: number;
}

/** The authenticated moderator's name (requireModerator ran before). */
export function moderatorName(req: Express.Request): string {
  const caller = req.caller;
  if (caller?.kind !== 'moderator') throw new Error('route reached without a moderator');
  return caller.moderator.name;
}

/** The authenticated moderator's role. */
export function moderatorRole(req: Express.Request): 'moderator' | 'senior' {
  const caller = req.caller;
  if (caller?.kind !== 'moderator') throw new Error('route reached without a moderator');
  return caller.moderator.role;
}
