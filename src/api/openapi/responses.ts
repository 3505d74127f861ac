/**
 * Schemas of what the API answers, for the OpenAPI document (requests are described by the very
 * schemas that validate them). Objects other services may grow are open (`looseObject`).
 */
import { z } from 'zod';
import { REASON_CODES } from '../../moderation/types';

const Status = z.enum(['queued', 'approved', 'flagged', 'rejected']);
const Decided = z.enum(['approved', 'flagged', 'rejected']);
const DateTime = z.string().meta({ format: 'date-time' });
export const Span = z.object({ start: z.number().int().min(0), end: z.number().int().min(0) }).meta({ id: 'Span', description: 'Half-open range [start, end) of UTF-16 code units in the comment body.' });
export const Reason = z
  .object({ code: z.enum(REASON_CODES), score: z.number().min(0).max(1), message: z.string(), spans: z.array(Span) })
  .meta({ id: 'Reason', description: 'Why a comment was flagged or rejected: code, score, a one-line message a moderator reads, and the spans it points at.' });
export const Scores = z.record(z.string(), z.number()).meta({ id: 'Scores', description: 'Score per category in [0, 1].' });
export const HistoryEntry = z
  .looseObject({ at: DateTime, event: z.enum(['received', 'edited', 'decided', 'moderated', 'escalated']), by: z.string() })
  .meta({ id: 'HistoryEntry' });
const Author = z.object({ id: z.string(), name: z.string().optional() });

export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'Error', description: 'Every error except those of the Perspective-compatible API; `code` is listed in docs/errors.md.' });

export const Queued = z.object({ id: z.string(), status: Status }).meta({ id: 'Accepted' });
export const ArticleSaved = z.object({ id: z.string(), created: z.boolean() });
export const BatchAccepted = z.object({
  accepted: z.number().int(),
  rejected: z.number().int(),
  results: z.array(
    z.object({
      index: z.number().int(),
      id: z.string().optional(),
      status: z.number().int(),
      result: Queued.optional(),
      error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
    }),
  ),
});

export const CommentView = z
  .object({
    id: z.string(),
    articleId: z.string(),
    parentId: z.string().optional(),
    author: Author,
    body: z.string(),
    status: Status,
    reasons: z.array(Reason),
    scores: Scores,
    decidedBy: z.string().nullable(),
    decidedAt: DateTime.nullable(),
    modelVersion: z.string().nullable(),
    policyVersion: z.string().nullable(),
    provider: z.string().nullable(),
    /** The site adapter (site learning) that took part in the decision, if any. */
    adapter: z.object({ site: z.string(), version: z.number().int(), score: z.number() }).nullable(),
    note: z.string().optional(),
    receivedAt: DateTime,
    updatedAt: DateTime,
    history: z.array(HistoryEntry),
  })
  .meta({ id: 'Comment' });

export const CheckResult = z
  .object({
    id: z.string(),
    status: Decided,
    reasons: z.array(Reason),
    scores: Scores,
    modelVersion: z.string(),
    policyVersion: z.string(),
    stored: z.boolean(),
  })
  .meta({ id: 'CheckResult' });

export const CallbackPayload = z
  .object({
    eventId: z.string().meta({ description: 'Unique per event (also in `X-Event-Id`): de-duplicate on it; deliveries are at least once.' }),
    sequence: z.number().int().min(1).meta({ description: "Per comment, 1, 2, 3 …: apply an event only if its sequence is higher than the last applied for that comment." }),
    type: z.literal('comment.moderated'),
    site: z.string(),
    comment: z.object({ id: z.string(), articleId: z.string() }),
    status: Decided,
    reasons: z.array(z.object({ code: z.enum(REASON_CODES), score: z.number(), message: z.string() })),
    decidedBy: z.string(),
    decidedAt: DateTime,
    bodyHash: z.string(),
  })
  .meta({ id: 'CommentModerated', description: "POSTed to the site's callbackUrl after every decision, in order per comment, signed (v1) with every active secret of the site." });

export const CallbackBatch = z
  .object({
    type: z.literal('batch'),
    site: z.string(),
    events: z.array(CallbackPayload).min(1).meta({ description: 'Each event exactly as it would be sent alone (`user.moderated` events too); at most one per comment or author.' }),
  })
  .meta({ id: 'CallbackBatch', description: "POSTed instead of single events to a site with `callbackBatchMax`: up to that many events, `X-Event-Count` their number. 2xx accepts all of them; any other answer retries each." });

export const DeadLetters = z.object({
  count: z.number().int(),
  items: z.array(z.object({ id: z.string(), site: z.string(), subject: z.string().optional(), payload: z.looseObject({ eventId: z.string(), sequence: z.number().int(), type: z.string() }), error: z.string(), attempts: z.number().int(), failedAt: DateTime })),
});
export const Erased = z.object({
  erased: z.object({ comments: z.number().int(), labelsErased: z.number().int(), labelsAnonymised: z.number().int(), deadLettersErased: z.number().int() }),
});
export const Redriven = z.object({ redriven: z.array(z.string()) });

export const Health = z.object({ status: z.literal('ok') });
export const Ready = z.object({ status: z.literal('ready') });
export const NotReady = z.object({ status: z.literal('unavailable'), error: z.string() });

export const Me = z.object({ name: z.string(), role: z.enum(['moderator', 'senior']), sites: z.array(z.object({ id: z.string(), name: z.string() })) });
export const QueueItem = z
  .object({
    id: z.string(),
    articleId: z.string(),
    parentId: z.string().nullable(),
    author: z.object({ id: z.string(), name: z.string().nullable() }),
    body: z.string(),
    status: Status,
    escalated: z.boolean(),
    severity: z.number(),
    reasons: z.array(Reason),
    scores: Scores,
    decidedBy: z.string().nullable(),
    decidedAt: DateTime.nullable(),
    note: z.string().nullable(),
    receivedAt: DateTime,
    claimedBy: z.string().nullable(),
    reports: z.object({ count: z.number().int(), weight: z.number(), reasons: z.record(z.string(), z.number()), total: z.number().int() }),
    autoStatus: z.string().nullable(),
  })
  .meta({ id: 'QueueItem' });
export const QueueListing = z.object({ items: z.array(QueueItem), total: z.number().int(), nextCursor: z.string().nullable() });
const Brief = z.looseObject({ id: z.string(), body: z.string() });
export const QueueItemContext = z.object({
  item: QueueItem,
  reports: z.array(z.looseObject({ reason: z.string(), at: DateTime })),
  article: z.looseObject({ id: z.string(), title: z.string() }).nullable(),
  parent: Brief.nullable(),
  thread: z.array(Brief),
  author: z.object({ id: z.string(), name: z.string().nullable(), recent: z.array(z.looseObject({ commentId: z.string(), status: Decided })) }),
  history: z.array(HistoryEntry),
});
export const Claim = z.object({ id: z.string(), claimedBy: z.string(), expiresAt: z.string() });
export const ActionResult = z.object({ item: QueueItem, history: z.array(HistoryEntry) });
export const BulkResult = z.object({
  done: z.number().int(),
  refused: z.number().int(),
  results: z.array(z.object({ id: z.string(), status: z.number().int(), result: z.object({ status: z.string() }).optional(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
});
export const Ticket = z.object({ ticket: z.string(), expiresInMs: z.number().int() });
export const Desk = z.looseObject({ current: z.unknown(), figures: z.looseObject({}), charts: z.object({ backlog: z.string(), perHour: z.string(), overturns: z.string() }) });
export const AuthorRecord = z.object({ id: z.string(), state: z.looseObject({}), notes: z.array(z.looseObject({ by: z.string(), at: DateTime, text: z.string() })), log: z.array(z.looseObject({})), recent: z.array(z.looseObject({ commentId: z.string() })) });
export const AuthorActionResult = z.object({ authorId: z.string(), state: z.looseObject({}), action: z.unknown() });
export const AuthorNote = z.object({ by: z.string(), at: DateTime, text: z.string() });
export const Audit = z.object({ items: z.array(z.looseObject({})) });
export const SearchResult = z.object({ items: z.array(QueueItem), scanned: z.number().int(), truncated: z.boolean() });
export const ReportResult = z.object({ commentId: z.string(), reports: z.number().int(), weight: z.number(), status: z.string(), requeued: z.boolean() });
export const Account = z
  .object({
    name: z.string(),
    sites: z.array(z.string()),
    role: z.enum(['moderator', 'senior']),
    createdAt: DateTime,
    createdBy: z.string(),
    rotatedAt: DateTime.optional(),
    revokedAt: DateTime.optional(),
  })
  .meta({ id: 'ModeratorAccount' });
export const AccountWithToken = Account.extend({ token: z.string().meta({ description: 'Shown once: only its SHA-256 is stored.' }) });
export const Accounts = z.object({ items: z.array(Account) });
