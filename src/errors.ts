/**
 * One error type for everything the service reports on purpose: a stable machine-readable `code`,
 * the HTTP status it maps to, and whether its message may be shown to the caller.
 */
export interface AppErrorOptions {
  cause?: unknown;
  /** Show `message` to API callers (default: true for 4xx, false for 5xx). */
  expose?: boolean;
  /** Structured details for the caller, e.g. failing fields. */
  details?: unknown;
  /** Extra response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly expose: boolean;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.expose = options.expose ?? status < 500;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(code, 400, message, { details });
export const unauthorized = (message: string) => new AppError('unauthorized', 401, message);
export const forbidden = (message: string) => new AppError('forbidden', 403, message);
export const notFound = (what: string) => new AppError('not_found', 404, `${what} not found`);
export const unprocessable = (message: string, details: unknown) => new AppError('invalid_request', 422, message, { details });
export const unavailable = (message: string, cause?: unknown) =>
  new AppError('unavailable', 503, message, { cause, expose: true, headers: { 'Retry-After': '5' } });
