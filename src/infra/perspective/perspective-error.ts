/**
 * Why a Perspective call did not produce scores. Messages never carry the API key: axios errors
 * hold the request URL (`?key=…`), so everything that leaves this module is scrubbed.
 */
import { AppError } from '../../errors';

export const FAILURE_KINDS = [
  'timeout',
  'rate-limited',
  'quota-wait',
  'server-error',
  'network',
  'malformed',
  'auth',
  'rejected',
  'too-long',
  'empty',
  'circuit-open',
  'limiter-error',
] as const;
export type PerspectiveFailure = (typeof FAILURE_KINDS)[number];

/** The `<why>` in `local (perspective unavailable: <why>)`: short, stable, groupable in metrics. */
export const WHY: Record<PerspectiveFailure, string> = {
  timeout: 'timeout',
  'rate-limited': 'rate limited (429)',
  'quota-wait': 'quota: no token in time',
  'server-error': 'server error',
  network: 'network error',
  malformed: 'malformed response',
  auth: 'key refused',
  rejected: 'request rejected',
  'too-long': 'comment over 20 KB',
  empty: 'empty text',
  'circuit-open': 'circuit open',
  'limiter-error': 'rate limiter error',
};

/** Failures that say Perspective itself is unwell; they count towards opening the circuit breaker. */
export const SYSTEMIC: ReadonlySet<PerspectiveFailure> = new Set(['timeout', 'server-error', 'network', 'malformed', 'auth']);

export interface PerspectiveErrorOptions {
  httpStatus?: number;
  /** From a 429's Retry-After header. */
  retryAfterMs?: number;
}

export class PerspectiveError extends AppError {
  override name = 'PerspectiveError';
  readonly httpStatus?: number;
  readonly retryAfterMs?: number;

  constructor(
    readonly kind: PerspectiveFailure,
    message: string,
    options: PerspectiveErrorOptions = {},
  ) {
    super('perspective_unavailable', 503, message, { expose: false });
    this.httpStatus = options.httpStatus;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Removes the key, and any `key=` query parameter, from a message. */
export function scrubKey(message: string, apiKey: string): string {
  const withoutLiteral = apiKey ? message.split(apiKey).join('[redacted]') : message;
  return withoutLiteral.replace(/([?&]key=)[^&\s"']+/gi, '$1[redacted]');
}

interface LibraryError {
  message?: string;
  response?: { status?: number; headers?: Record<string, string | undefined> };
}

/** Turns whatever the library rejected with into a scrubbed `PerspectiveError` (the original is dropped). */
export function toPerspectiveError(err: unknown, axiosCode: string | undefined, apiKey: string): PerspectiveError {
  const e = (err ?? {}) as LibraryError;
  const message = scrubKey(String(e.message ?? err), apiKey);
  const status = e.response?.status;
  if (status === undefined) {
    const kind = axiosCode === 'ECONNABORTED' ? 'timeout' : 'network';
    return new PerspectiveError(kind, `perspective: ${message}`);
  }
  const options = { httpStatus: status };
  if (status === 429) {
    const retryAfter = Number(e.response?.headers?.['retry-after']);
    const retryAfterMs = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined;
    return new PerspectiveError('rate-limited', `perspective: HTTP 429: ${message}`, { ...options, retryAfterMs });
  }
  const kind = status >= 500 ? 'server-error' : status === 401 || status === 403 ? 'auth' : 'rejected';
  return new PerspectiveError(kind, `perspective: HTTP ${status}: ${message}`, options);
}
