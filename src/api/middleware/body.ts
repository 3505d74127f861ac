/**
 * Request bodies are read raw (signatures cover the exact bytes), then decoded as strict UTF-8
 * and parsed as JSON by `jsonBody`, each failure with its own clear status.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError, badRequest } from '../../errors';

/** A count of request bodies being read at once; past `max`, new uploads are refused at once. */
export class UploadSlots {
  private inUse = 0;
  constructor(readonly max: number) {}

  tryAcquire(): boolean {
    if (this.inUse >= this.max) return false;
    this.inUse += 1;
    return true;
  }

  release(): void {
    this.inUse = Math.max(0, this.inUse - 1);
  }

  get active(): number {
    return this.inUse;
  }
}

export interface RawBodyOptions {
  limitBytes: number;
  /** A larger limit for some requests (the batch route). */
  limitFor?: (req: Request) => number | undefined;
  /** Shared cap on bodies read at once (every router that reads bodies uses the same slots). */
  slots?: UploadSlots;
}

const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * Reads the body as bytes up to the request's limit: larger bodies are answered 413 (at once when
 * Content-Length says so), and when every upload slot is taken the request is answered 503 with
 * Retry-After without reading its body.
 */
export function rawBody(optionsOrLimit: RawBodyOptions | number) {
  const options = typeof optionsOrLimit === 'number' ? { limitBytes: optionsOrLimit } : optionsOrLimit;
  const readers = new Map<number, ReturnType<typeof express.raw>>();
  const readerFor = (limit: number) => {
    let reader = readers.get(limit);
    if (!reader) readers.set(limit, (reader = express.raw({ type: () => true, limit })));
    return reader;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req)) {
      req.rawBody = Buffer.alloc(0);
      return next();
    }
    const slots = options.slots;
    if (slots && !slots.tryAcquire()) {
      return next(new AppError('busy', 503, 'too many uploads in progress; retry later', { expose: true, headers: { 'Retry-After': '1' } }));
    }
    let released = false;
    const release = () => {
      if (!released) slots?.release();
      released = true;
    };
    req.once('close', release);
    const limit = options.limitFor?.(req) ?? options.limitBytes;
    readerFor(limit)(req, res, (err?: unknown) => {
      release();
      if (err) return next(translateBodyError(err, limit));
      req.rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      next();
    });
  };
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
