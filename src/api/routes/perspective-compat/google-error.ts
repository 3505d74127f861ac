/**
 * Errors of the Perspective-compatible API in Google's JSON error format, with the HTTP codes
 * Perspective uses: `{error: {code, message, status}}` (400 INVALID_ARGUMENT, 403 PERMISSION_DENIED,
 * 429 RESOURCE_EXHAUSTED). Other errors of ours (a Redis outage: 503) keep their status.
 */
import { AppError } from '../../../errors';
import { errorHandler } from '../../middleware/errors';

const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** The body of a Google-format error. */
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string };
}

export const invalidArgument = (message: string) => new AppError('perspective_invalid_argument', 400, message);
export const permissionDenied = (message: string) => new AppError('perspective_permission_denied', 403, message);
export const quotaExceeded = (message: string, retryAfterSeconds: number) =>
  new AppError('perspective_quota_exceeded', 429, message, { headers: { 'Retry-After': String(retryAfterSeconds) } });

export function googleErrorBody(err: AppError): GoogleErrorBody {
  const status = err.status === 413 ? 400 : err.status;
  return { error: { code: status, message: err.expose ? err.message : 'Internal error encountered.', status: GOOGLE_STATUS[status] ?? (status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL') } };
}

/** Error middleware of the compatible API's router. */
export const googleErrorHandler = () =>
  errorHandler((e) => {
    const body = googleErrorBody(e);
    return { status: body.error.code, body };
  });
