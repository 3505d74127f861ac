/** Request shapes of the moderators' API, and the opaque queue cursor. */
import { z } from 'zod';
import { badRequest } from '../../errors';
import { QUEUES, type QueueCursor, type QueueSort } from '../../infra/moderation-queue-store';
import { REPORT_REASONS } from '../../infra/report-store';
import { REASON_CODES, type ReasonCode } from '../../moderation/types';
import { Id } from '../schemas';

/** Codes a moderator may give for a rejection (the automatic-only ones excluded). */
export const REJECT_CODES = REASON_CODES.filter((c) => c !== 'MODERATOR' && c !== 'PREMODERATION') as [ReasonCode, ...ReasonCode[]];

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
/** Query strings often carry empty parameters (`?reason=&sort=age`): treat them as absent. */
const dropEmpty = (v: unknown) => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== '')) : v);

export const QueueQuery = z.preprocess(
  dropEmpty,
  z.strictObject({
    queue: z.enum(QUEUES).default('flagged'),
    reason: z.enum(REASON_CODES).optional(),
    articleId: Id.optional(),
    authorId: Id.optional(),
    sort: z.enum(['priority', 'age']).default('priority'),
    cursor: z.string().max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  }),
);

/** The status the moderator saw; the action is refused (409 changed) if the comment moved on. */
const expectedStatus = z.enum(['queued', 'flagged', 'approved', 'rejected']).optional();

export const ActionBody = z.strictObject({
  reasonCode: z.enum(REJECT_CODES).optional(),
  note: text(2000).optional(),
  expectedStatus,
});

export const BulkBody = z.strictObject({
  action: z.enum(['approve', 'reject']),
  ids: z.array(Id).min(1, 'select at least one comment').max(200, 'at most 200 comments at once'),
  reasonCode: z.enum(REJECT_CODES).optional(),
  note: text(2000).optional(),
  expectedStatus,
});

export const SearchQuery = z.preprocess(
  dropEmpty,
  z.strictObject({
    q: text(200).optional(),
    authorId: Id.optional(),
    articleId: Id.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  }),
);

/** A reader's report, as the CMS forwards it. */
export const ReportBody = z.strictObject({
  reporterId: Id,
  reason: z.enum(REPORT_REASONS),
  note: text(1000).optional(),
});

const authorNote = text(2000).optional();
export const AuthorCommandBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('ban'), note: authorNote, rejectPending: z.boolean().optional(), reasonCode: z.enum(REJECT_CODES).optional() }),
  z.strictObject({ action: z.literal('unban'), note: authorNote }),
  z.strictObject({ action: z.literal('suspend'), hours: z.number().positive().max(24 * 365), note: authorNote }),
  z.strictObject({ action: z.literal('unsuspend'), note: authorNote }),
  z.strictObject({ action: z.literal('premoderate'), on: z.boolean(), note: authorNote }),
  z.strictObject({ action: z.literal('trust'), on: z.boolean(), note: authorNote }),
]);

export const NoteBody = z.strictObject({ text: text(2000).min(1, 'must not be empty') });

/** Cursors are opaque to clients: base64url of [sort, score, id]. */
export function encodeCursor(sort: QueueSort, c: QueueCursor): string {
  return Buffer.from(JSON.stringify([sort, c.score, c.id])).toString('base64url');
}

/** Throws 400 `bad_cursor` for anything not made by `encodeCursor` for the same sort order. */
export function decodeCursor(sort: QueueSort, raw: string): QueueCursor {
  try {
    const [s, score, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (s === sort && typeof score === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(score) && typeof id === 'string' && Id.safeParse(id).success) return { score, id };
  } catch {
    // fall through to the error below
  }
  throw badRequest('bad_cursor', 'cursor is not valid for this listing; start again without a cursor');
}
