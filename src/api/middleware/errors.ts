/** Maps errors to HTTP answers `{error: {code, message, details?}}`; unknown errors become 500. */
import type { NextFunction, Request, Response } from 'express';
import { AppError, badRequest, unavailable } from '../../errors';
import { isConnectionError } from '../../infra/redis';
import '../request-context';

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // The router could not decode a path parameter (`/comments/%zz`).
  if (err instanceof URIError) return badRequest('bad_path', 'the request path holds a malformed %-escape');
  if (err instanceof Error && /^(WRONGTYPE|WRONGKEYTYPE)/.test(err.message)) {
    return new AppError('key_conflict', 409, 'the id collides with stored data of another kind; nothing was written', { cause: err });
  }
  if (isConnectionError(err)) return unavailable('storage is unreachable; nothing was stored, retry later', err);
  return new AppError('internal', 500, 'internal error', { cause: err });
}

/** The API's error body: `{error: {code, message, details?}}`. */
export const errorBody = (e: AppError) => ({
  status: e.status,
  body: { error: { code: e.code, message: e.expose ? e.message : 'internal error', ...(e.details !== undefined ? { details: e.details } : {}) } },
});

/** Error middleware; `format` lets a protocol answer in its own error format (Perspective's). */
export function errorHandler(format: (e: AppError) => { status: number; body: unknown } = errorBody) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const appError = toAppError(err);
    if (appError.status >= 500) req.log?.error({ err }, 'request failed');
    if (res.headersSent) return res.end();
    // Refused before its body was read: close the connection rather than read (or buffer) the rest.
    if (!req.complete) res.setHeader('Connection', 'close');
    for (const [k, v] of Object.entries(appError.headers ?? {})) res.setHeader(k, v);
    const { status, body } = format(appError);
    res.status(status).json(body);
  };
}

export function notFoundHandler() {
  return (_req: Request, res: Response) => res.status(404).json({ error: { code: 'not_found', message: 'no such endpoint' } });
}
