/**
 * Moderators act on people, not only comments: ban (optionally rejecting every flagged comment of
 * the author at once), suspend until a time, always pre-moderate, trust, and notes every moderator
 * of the site sees. Each action lands in the audit trail, goes to the CMS as a signed
 * `user.moderated` callback (the CMS enforces bans on its side) and to other moderators live; the
 * worker applies the state to the author's new comments (see moderation/phases/trust.ts).
 */
import type { AuthorAction, AuthorState, AuthorStore } from '../infra/author-store';
import type { ModerationQueueStore } from '../infra/moderation-queue-store';
import type { ReasonCode } from '../moderation/types';
import { moderatorBulk } from './moderator-bulk';
import type { ModeratorDecideDeps } from './moderator-decide';
import { enqueueUserModerated } from './user-callback';

export type AuthorCommand =
  | { action: 'ban'; note?: string; rejectPending?: boolean; reasonCode?: ReasonCode }
  | { action: 'unban'; note?: string }
  | { action: 'suspend'; hours: number; note?: string }
  | { action: 'unsuspend'; note?: string }
  | { action: 'premoderate'; on: boolean; note?: string }
  | { action: 'trust'; on: boolean; note?: string };

export interface ModeratorAuthorDeps {
  authors: AuthorStore;
  queue: ModerationQueueStore;
  decide: ModeratorDecideDeps;
}

/** The state after a command (pure). */
export function nextState(state: AuthorState, cmd: AuthorCommand, by: string, now: Date): AuthorState {
  const next: AuthorState = { ...state };
  const at = now.toISOString();
  switch (cmd.action) {
    case 'ban':
      next.banned = { by, at, ...(cmd.note ? { note: cmd.note } : {}) };
      delete next.trusted;
      break;
    case 'unban':
      delete next.banned;
      break;
    case 'suspend':
      next.suspendedUntil = new Date(now.getTime() + cmd.hours * 3600_000).toISOString();
      delete next.trusted;
      break;
    case 'unsuspend':
      delete next.suspendedUntil;
      break;
    case 'premoderate':
      if (cmd.on) next.premoderate = true;
      else delete next.premoderate;
      break;
    case 'trust':
      if (cmd.on) next.trusted = true;
      else delete next.trusted;
      break;
  }
  return next;
}

/** The audit name of a command. */
const actionName = (cmd: AuthorCommand): AuthorAction['action'] =>
  cmd.action === 'premoderate' ? (cmd.on ? 'premoderate' : 'unpremoderate') : cmd.action === 'trust' ? (cmd.on ? 'trust' : 'untrust') : cmd.action;

/** Applies the command; with `ban` + `rejectPending`, rejects every flagged comment of the author. */
export async function moderateAuthor(site: string, authorId: string, moderator: string, cmd: AuthorCommand, deps: ModeratorAuthorDeps, role: 'moderator' | 'senior' = 'senior') {
  const now = deps.decide.now();
  const state = nextState(await deps.authors.get(site, authorId), cmd, moderator, now);
  let rejected = 0;
  if (cmd.action === 'ban' && cmd.rejectPending) {
    const ids = await pendingOf(deps.queue, site, authorId);
    const results = await moderatorBulk({ site, moderator, role, action: 'reject', ids, reasonCode: cmd.reasonCode ?? 'HARASSMENT', note: cmd.note ?? 'author banned', expectedStatus: 'flagged' }, deps.decide);
    rejected = results.filter((r) => r.status === 200).length;
  }
  const action: AuthorAction = {
    at: now.toISOString(),
    by: moderator,
    authorId,
    action: actionName(cmd),
    ...(cmd.note ? { note: cmd.note } : {}),
    ...(cmd.action === 'suspend' ? { until: state.suspendedUntil } : {}),
    ...(cmd.action === 'ban' && cmd.rejectPending ? { rejected } : {}),
  };
  await deps.authors.apply(site, state, action);
  await enqueueUserModerated(deps.decide.callbacks, { type: 'user.moderated', site, user: { id: authorId }, action: action.action, state: { ...state }, decidedBy: moderator, decidedAt: action.at, ...(cmd.note ? { note: cmd.note } : {}) });
  await deps.decide.publish(site, { type: 'author', authorId, action: action.action, by: moderator, rejected }).catch(() => undefined);
  return { authorId, state, action };
}

/** Every flagged comment of the author (all pages). */
async function pendingOf(queue: ModerationQueueStore, site: string, authorId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor;
  do {
    const page = await queue.page({ site, sort: 'priority', filter: { authorId }, cursor, limit: 100 });
    ids.push(...page.entries.map((e) => e.id));
    cursor = page.next;
  } while (cursor);
  return ids;
}
