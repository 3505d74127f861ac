/**
 * Every error `code` the API answers with, its HTTP status and what it means: the source of the
 * OpenAPI error schemas and of docs/errors.md (a test keeps all three in step with the code).
 */
export interface ErrorCodeInfo {
  status: number;
  description: string;
}

export const ERROR_CODES = {
  empty_body: { status: 400, description: 'The request body is empty; send a JSON object.' },
  invalid_utf8: { status: 400, description: 'The request body is not valid UTF-8.' },
  malformed_json: { status: 400, description: 'The request body is not valid JSON.' },
  bad_body: { status: 400, description: 'The request body could not be read (aborted upload, bad length).' },
  bad_path: { status: 400, description: 'The request path holds a malformed %-escape.' },
  bad_cursor: { status: 400, description: 'The queue cursor was not made by this listing; start again without one.' },
  bad_signature: { status: 401, description: 'Missing, malformed, stale or wrong signature (`X-Signature`, or `X-Coral-Signature` on the Coral phase).' },
  unauthorized: { status: 401, description: 'Missing or unknown moderator bearer token, or a missing, expired or used event-stream ticket.' },
  admin_disabled: { status: 403, description: 'The default admin token is refused in production; set `admin.tokenSha256`.' },
  senior_only: { status: 403, description: 'The comment was escalated: only a senior moderator can decide it.' },
  forbidden: { status: 403, description: 'The moderator token has no access to this site.' },
  not_found: { status: 404, description: 'Unknown site, comment or endpoint.' },
  coral_not_configured: { status: 404, description: 'The site has no Coral signing secret, so its Coral endpoint is off.' },
  claimed: { status: 409, description: 'Another moderator holds the claim on this comment (`details.claimedBy`, `details.expiresAt`).' },
  changed: { status: 409, description: 'The comment was decided since the moderator loaded it (`expectedStatus` no longer holds).' },
  signature_replayed: { status: 409, description: 'This signed request was already received; sign it again (new timestamp or nonce) to resend it.' },
  key_conflict: { status: 409, description: 'The id collides with stored data of another kind; nothing was written.' },
  already_reported: { status: 409, description: 'This reader already reported this comment.' },
  name_taken: { status: 409, description: 'A moderator account (or a configured moderator) has this name; revoked names are not reused.' },
  revoked: { status: 409, description: 'The moderator account is revoked.' },
  stale: { status: 409, description: 'The comment was edited since it was loaded; reload and decide again.' },
  payload_too_large: { status: 413, description: 'The body is over the configured limit (`BODY_LIMIT_BYTES`, default 2 MB).' },
  unsupported_encoding: { status: 415, description: 'The body uses a content encoding the API does not read.' },
  invalid_request: { status: 422, description: 'The body or query failed validation; `details` lists `{path, message}` per failing field.' },
  reason_required: { status: 422, description: 'A rejection needs a `reasonCode`.' },
  internal: { status: 500, description: 'An unexpected error; nothing about it is shown to the caller (see the logs by `X-Request-Id`).' },
  busy: { status: 503, description: 'Too many uploads in progress; retry after `Retry-After` seconds.' },
  unavailable: { status: 503, description: 'Redis is unreachable; nothing was stored. Retry after `Retry-After` seconds.' },
  perspective_invalid_argument: { status: 400, description: 'Perspective-compatible API: bad request (Google status `INVALID_ARGUMENT`), e.g. an unsupported language or attribute.' },
  perspective_permission_denied: { status: 403, description: 'Perspective-compatible API: missing or unknown key (Google status `PERMISSION_DENIED`).' },
  perspective_quota_exceeded: { status: 429, description: "Perspective-compatible API: the key's rate limit is used up (Google status `RESOURCE_EXHAUSTED`)." },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes of the Perspective-compatible API: answered in Google's format, where `code` is the HTTP status. */
export const GOOGLE_FORMAT_CODES: readonly ErrorCode[] = ['perspective_invalid_argument', 'perspective_permission_denied', 'perspective_quota_exceeded'];
