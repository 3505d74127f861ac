/**
 * Request bodies are read raw (signatures cover the exact bytes), then decoded as strict UTF-8
 * and parsed as JSON by `jsonBody`, each failure with its own clear status.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError, badRequest } from '../../errors';

/** Reads the body as bytes up to `limitBytes`; larger bodies are answered 413. */
export function rawBody(limitBytes: number) {
  const reader = express.raw({ type: () => true, limit: limitBytes });
  return (req: Request, res: Response, next: NextFunction) =>
    reader(req, res, (err?: unknown) => {
      if (err) return next(translateBodyError(err, limitBytes));
      req.rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      next();
    });
}

function translateBodyError(err: unknown, limitBytes: number): AppError {
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.too.large') return new AppError('payload_too_large', 413, `request body exceeds ${limitBytes} bytes`);
  if (e.type === 'encoding.unsupported' || e.status === 415) return new AppError('unsupported_encoding', 415, e.message ?? 'unsupported content encoding');
  return new AppError('bad_body', e.status && e.status < 500 ? e.status : 400, e.message ?? 'could not read request body', { cause: err });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes and parses the raw body as JSON: 400 for empty, non-UTF-8 or malformed bodies. */
export function parseJsonBody(raw: Buffer | undefined): unknown {
  if (!raw || raw.length === 0) throw badRequest('empty_body', 'request body is empty; send a JSON object');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw badRequest('invalid_utf8', 'request body is not valid UTF-8');
  }
  if (text.trim() === '') throw badRequest('empty_body', 'request body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest('malformed_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Like `parseJsonBody`, but an empty body means `{}` (for requests whose fields are all optional). */
export const parseOptionalJsonBody = (raw: Buffer | undefined): unknown => (raw?.length ? parseJsonBody(raw) : {});
