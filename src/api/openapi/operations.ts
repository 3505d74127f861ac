/**
 * Every route of the API as data: path, security, the zod schemas that validate its input (the same
 * objects the routes use), its answers and the error codes it may give. `document.ts` turns this
 * into OpenAPI 3.1; a test checks it against the routes the app really mounts.
 */
import type { z } from 'zod';
import type { Config } from '../../../config';
import { ChangeBody, CreateBody } from '../admin';
import { ActionBody, AuthorCommandBody, BulkBody, NoteBody, QueueQuery, ReportBody, SearchQuery } from '../moderation/schemas';
import { checkSchema } from '../routes/check';
import { CoralRequest, CoralResponse } from '../routes/coral/schemas';
import { RedriveRequest } from '../routes/dead-letters';
import { labelBatchSchema, LabelsAdded } from '../routes/labels';
import { AnalyzeRequest, AnalyzeResponse, GoogleError, SuggestScoreRequest, SuggestScoreResponse } from '../routes/perspective-compat/schemas';
import { createSchemas } from '../schemas';
import type { ErrorCode } from './errors';
import * as R from './responses';

export type Security = 'signature' | 'moderator' | 'admin' | 'perspectiveKey' | 'coralSignature' | 'ticket';

export interface Answer {
  description: string;
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template, e.g. `/v1/sites/{site}/comments/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Alternatives: any one of them is enough. Empty: no authentication. */
  security: Security[];
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, Answer>;
  errors: ErrorCode[];
}

const BODY: ErrorCode[] = ['empty_body', 'invalid_utf8', 'malformed_json', 'bad_body', 'payload_too_large', 'unsupported_encoding', 'invalid_request'];
const SIGNED: ErrorCode[] = ['bad_signature', 'signature_replayed', 'not_found', 'bad_path', 'busy', 'unavailable', 'internal'];
const MODERATOR: ErrorCode[] = ['unauthorized', 'forbidden', 'not_found', 'unavailable', 'internal'];
const PERSPECTIVE: ErrorCode[] = ['perspective_invalid_argument', 'perspective_permission_denied', 'perspective_quota_exceeded', 'unavailable', 'internal'];
const ADMIN: ErrorCode[] = ['unauthorized', 'admin_disabled', 'unavailable', 'internal'];
const site = '/v1/sites/{site}';
const mod = `${site}/moderation`;

/** The zod object inside a `z.preprocess` pipe (query schemas drop empty parameters first). */
const inner = (schema: z.ZodType) => ((schema as unknown as { out?: z.ZodObject }).out ?? schema) as z.ZodObject;

export function operations(config: Readonly<Config>): Operation[] {
  const s = createSchemas(config.limits);
  return [
    { method: 'get', path: '/healthz', operationId: 'health', summary: 'Liveness', tag: 'ops', security: [], responses: { 200: { description: 'The process runs.', schema: R.Health } }, errors: [] },
    {
      method: 'get', path: '/readyz', operationId: 'ready', summary: 'Readiness: Redis and the queue answer', tag: 'ops', security: [],
      responses: { 200: { description: 'Ready.', schema: R.Ready }, 503: { description: 'Not ready (with Retry-After).', schema: R.NotReady } }, errors: [],
    },
    { method: 'get', path: '/metrics', operationId: 'metrics', summary: 'Prometheus metrics', tag: 'ops', security: [], responses: { 200: { description: 'Prometheus text format.', contentType: 'text/plain' } }, errors: [] },
    { method: 'get', path: '/openapi.json', operationId: 'openapi', summary: 'This document', tag: 'ops', security: [], responses: { 200: { description: 'OpenAPI 3.1.' } }, errors: [] },

    {
      method: 'put', path: `${site}/articles/{articleId}`, operationId: 'putArticle', summary: 'Create or update an article (context for its comments)', tag: 'cms', security: ['signature'], body: s.Article,
      responses: { 200: { description: 'Updated.', schema: R.ArticleSaved }, 201: { description: 'Created.', schema: R.ArticleSaved } }, errors: [...SIGNED, ...BODY],
    },
    {
      method: 'post', path: `${site}/comments`, operationId: 'postComment', summary: 'Send a comment for moderation (stored and queued before the answer)', tag: 'cms', security: ['signature'], body: s.Comment,
      responses: { 202: { description: 'Stored and queued; the decision comes by callback.', schema: R.Queued } }, errors: [...SIGNED, ...BODY],
    },
    {
      method: 'post', path: `${site}/comments/batch`, operationId: 'postComments', summary: 'Send up to `limits.batchSize` comments', tag: 'cms', security: ['signature'], body: s.Batch,
      responses: { 202: { description: 'A result per item.', schema: R.BatchAccepted }, 422: { description: 'Every item was invalid.', schema: R.BatchAccepted } }, errors: [...SIGNED, ...BODY],
    },
    {
      method: 'post', path: `${site}/comments:check`, operationId: 'checkComment', summary: 'The decision inline, for pre-publication nudges; `store: true` also stores the comment and decision', tag: 'cms', security: ['signature'],
      body: checkSchema(s), responses: { 200: { description: 'The decision now.', schema: R.CheckResult } }, errors: [...SIGNED, ...BODY],
    },
    {
      method: 'post', path: `${site}/labels`, operationId: 'postLabels', summary: "Add past moderation decisions to the site's labelled history (site learning; all or none)", tag: 'cms', security: ['signature'],
      body: labelBatchSchema(config.limits.batchSize), responses: { 201: { description: 'All stored.', schema: LabelsAdded } }, errors: [...SIGNED, ...BODY],
    },
    {
      method: 'get', path: `${site}/comments/{id}`, operationId: 'getComment', summary: 'A comment with its decision, reasons and history', tag: 'cms', security: ['signature', 'moderator'],
      responses: { 200: { description: 'The comment.', schema: R.CommentView } }, errors: [...SIGNED, 'unauthorized', 'forbidden'],
    },
    {
      method: 'get', path: `${site}/callbacks/dead-letters`, operationId: 'listDeadLetters', summary: 'Callbacks that exhausted their retries', tag: 'cms', security: ['signature', 'moderator'],
      responses: { 200: { description: 'Dead letters.', schema: R.DeadLetters } }, errors: [...SIGNED, 'unauthorized', 'forbidden'],
    },
    {
      method: 'post', path: `${site}/callbacks/dead-letters/redrive`, operationId: 'redriveDeadLetters', summary: 'Queue dead-lettered callbacks again (all, or `ids`)', tag: 'cms', security: ['signature', 'moderator'], body: RedriveRequest,
      responses: { 202: { description: 'Queued again.', schema: R.Redriven } }, errors: [...SIGNED, 'unauthorized', 'forbidden', ...BODY],
    },
    {
      method: 'delete', path: `${site}/comments/{id}`, operationId: 'eraseComment', summary: 'Erase a comment and everything that names it (audited; docs/reliability.md)', tag: 'cms', security: ['signature', 'moderator'],
      responses: { 200: { description: 'What was erased (`comments: 0` when nothing was stored).', schema: R.Erased } }, errors: [...SIGNED, 'unauthorized', 'forbidden'],
    },
    {
      method: 'delete', path: `${site}/authors/{authorId}`, operationId: 'eraseAuthor', summary: "Erase every comment and record of an author (audited)", tag: 'cms', security: ['signature', 'moderator'],
      responses: { 200: { description: 'What was erased.', schema: R.Erased } }, errors: [...SIGNED, 'unauthorized', 'forbidden'],
    },

    { method: 'get', path: '/v1/moderation/me', operationId: 'me', summary: "The token's moderator and sites (sign-in)", tag: 'moderators', security: ['moderator'], responses: { 200: { description: 'Who.', schema: R.Me } }, errors: ['unauthorized', 'internal'] },
    {
      method: 'get', path: `${mod}/queue`, operationId: 'listQueue', summary: 'A page of the flagged queue', tag: 'moderators', security: ['moderator'], query: inner(QueueQuery),
      responses: { 200: { description: 'Items, total and the next cursor.', schema: R.QueueListing } }, errors: [...MODERATOR, 'bad_cursor', 'invalid_request'],
    },
    {
      method: 'get', path: `${mod}/queue/{id}`, operationId: 'getQueueItem', summary: 'One item with its article, parent, thread and author history', tag: 'moderators', security: ['moderator'],
      responses: { 200: { description: 'The item in context.', schema: R.QueueItemContext } }, errors: MODERATOR,
    },
    {
      method: 'post', path: `${mod}/queue/{id}/claim`, operationId: 'claimItem', summary: 'Claim an item while reviewing it', tag: 'moderators', security: ['moderator'],
      responses: { 200: { description: 'Claimed.', schema: R.Claim } }, errors: [...MODERATOR, 'claimed'],
    },
    {
      method: 'delete', path: `${mod}/queue/{id}/claim`, operationId: 'releaseItem', summary: 'Release a claim', tag: 'moderators', security: ['moderator'],
      responses: { 204: { description: 'Released.' } }, errors: [...MODERATOR, 'claimed'],
    },
    ...(['approve', 'reject', 'escalate', 'requeue'] as const).map(
      (action): Operation => ({
        method: 'post', path: `${mod}/queue/{id}/${action}`, operationId: `${action}Item`, summary: `${action[0].toUpperCase()}${action.slice(1)} one comment`, tag: 'moderators', security: ['moderator'], body: ActionBody,
        responses: { 200: { description: 'The item after the decision, with its history.', schema: R.ActionResult } }, errors: [...MODERATOR, ...BODY, 'changed', 'stale', 'reason_required', 'key_conflict', 'senior_only'],
      }),
    ),
    {
      method: 'post', path: `${mod}/queue/bulk`, operationId: 'bulkDecide', summary: 'Approve or reject up to 200 comments', tag: 'moderators', security: ['moderator'], body: BulkBody,
      responses: { 200: { description: 'A result per comment.', schema: R.BulkResult } }, errors: [...MODERATOR, ...BODY],
    },
    { method: 'get', path: `${mod}/desk`, operationId: 'desk', summary: "The desk lead's figures for the last 24 hours, with SVG charts", tag: 'moderators', security: ['moderator'], responses: { 200: { description: 'Figures and charts.', schema: R.Desk } }, errors: MODERATOR },
    {
      method: 'get', path: `${mod}/authors/{authorId}`, operationId: 'getAuthor', summary: "An author's state, notes, action log and recent decisions", tag: 'moderators', security: ['moderator'],
      responses: { 200: { description: 'The author.', schema: R.AuthorRecord } }, errors: MODERATOR,
    },
    {
      method: 'post', path: `${mod}/authors/{authorId}/actions`, operationId: 'actOnAuthor', summary: 'Ban, unban, suspend, unsuspend, pre-moderate or trust an author', tag: 'moderators', security: ['moderator'], body: AuthorCommandBody,
      responses: { 200: { description: "The author's new state.", schema: R.AuthorActionResult } }, errors: [...MODERATOR, ...BODY],
    },
    {
      method: 'post', path: `${mod}/authors/{authorId}/notes`, operationId: 'noteOnAuthor', summary: 'Add a moderators\' note about an author', tag: 'moderators', security: ['moderator'], body: NoteBody,
      responses: { 201: { description: 'The note.', schema: R.AuthorNote } }, errors: [...MODERATOR, ...BODY],
    },
    { method: 'get', path: `${mod}/audit`, operationId: 'audit', summary: 'Actions on authors, newest first', tag: 'moderators', security: ['moderator'], responses: { 200: { description: 'The audit log.', schema: R.Audit } }, errors: MODERATOR },
    {
      method: 'get', path: `${mod}/search`, operationId: 'search', summary: 'Search comments by text, author or article', tag: 'moderators', security: ['moderator'], query: inner(SearchQuery),
      responses: { 200: { description: 'Matching comments.', schema: R.SearchResult } }, errors: [...MODERATOR, 'invalid_request'],
    },
    {
      method: 'post', path: `${site}/comments/{id}/reports`, operationId: 'reportComment', summary: "A reader's report, forwarded by the CMS", tag: 'cms', security: ['signature'], body: ReportBody,
      responses: { 201: { description: 'Counted.', schema: R.ReportResult } }, errors: [...SIGNED, ...BODY, 'already_reported'],
    },
    {
      method: 'post', path: `${mod}/events/ticket`, operationId: 'eventTicket', summary: 'A single-use ticket for the live-update stream', tag: 'moderators', security: ['moderator'],
      responses: { 200: { description: 'The ticket.', schema: R.Ticket } }, errors: MODERATOR,
    },
    {
      method: 'get', path: `${mod}/events`, operationId: 'events', summary: 'Live updates (server-sent events) for the moderators\' page', tag: 'moderators', security: ['ticket'],
      responses: { 200: { description: 'An event stream: `data: <json>` per decision or moderator action.', contentType: 'text/event-stream' } }, errors: ['unauthorized', 'not_found', 'unavailable'],
    },
    { method: 'get', path: '/v1/admin/moderators', operationId: 'listModerators', summary: 'Moderator accounts', tag: 'admin', security: ['admin'], responses: { 200: { description: 'Accounts (never their tokens).', schema: R.Accounts } }, errors: ADMIN },
    {
      method: 'post', path: '/v1/admin/moderators', operationId: 'createModerator', summary: 'Create a moderator account; its token is shown once', tag: 'admin', security: ['admin'], body: CreateBody,
      responses: { 201: { description: 'Created, with its token.', schema: R.AccountWithToken } }, errors: [...ADMIN, ...BODY, 'name_taken'],
    },
    {
      method: 'patch', path: '/v1/admin/moderators/{name}', operationId: 'changeModerator', summary: "Change an account's sites or role", tag: 'admin', security: ['admin'], body: ChangeBody,
      responses: { 200: { description: 'The account.', schema: R.Account } }, errors: [...ADMIN, ...BODY, 'not_found', 'revoked'],
    },
    {
      method: 'post', path: '/v1/admin/moderators/{name}/rotate', operationId: 'rotateModerator', summary: "Replace an account's token; the new one is shown once", tag: 'admin', security: ['admin'],
      responses: { 200: { description: 'The account with its new token.', schema: R.AccountWithToken } }, errors: [...ADMIN, 'not_found', 'revoked'],
    },
    { method: 'delete', path: '/v1/admin/moderators/{name}', operationId: 'revokeModerator', summary: 'Revoke an account (its name is not reused)', tag: 'admin', security: ['admin'], responses: { 204: { description: 'Revoked.' } }, errors: [...ADMIN, 'not_found'] },
    { method: 'get', path: '/moderate', operationId: 'moderatePage', summary: "The moderators' web page", tag: 'moderators', security: [], responses: { 200: { description: 'HTML.', contentType: 'text/html' } }, errors: [] },

    {
      method: 'post', path: '/v1alpha1/comments:analyze', operationId: 'perspectiveAnalyze', summary: "Perspective's AnalyzeComment, answered by the local model (docs/perspective.md)", tag: 'perspective', security: ['perspectiveKey'], body: AnalyzeRequest,
      responses: { 200: { description: 'Attribute scores.', schema: AnalyzeResponse } }, errors: PERSPECTIVE,
    },
    {
      method: 'post', path: '/v1alpha1/comments:suggestscore', operationId: 'perspectiveSuggestScore', summary: "Perspective's SuggestCommentScore: kept as a label for the key's site", tag: 'perspective', security: ['perspectiveKey'], body: SuggestScoreRequest,
      responses: { 200: { description: 'Accepted.', schema: SuggestScoreResponse } }, errors: PERSPECTIVE,
    },
    {
      method: 'post', path: '/v1/integrations/coral/{site}', operationId: 'coralPhase', summary: "Coral Talk's external moderation phase (docs/coral.md)", tag: 'coral', security: ['coralSignature'], body: CoralRequest,
      responses: { 200: { description: 'Flag, withhold or reject, in Coral\'s format.', schema: CoralResponse }, 204: { description: 'No opinion: the comment looks fine.' } },
      errors: ['bad_signature', 'not_found', 'coral_not_configured', 'unavailable', 'internal', ...BODY],
    },
  ];
}

export { GoogleError };
