/**
 * A supertest request signed as a CMS signs it: scheme v2 over method, path (as sent) and the raw
 * body, with a fresh nonce, so two identical payloads are two requests (not a replay).
 */
import type { Express } from 'express';
import request from 'supertest';
import { SIGNATURE_HEADER, signRequest, type SignOptions } from '../../src/security/signature';

export function signed(app: Express, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, secret: string | string[], body?: string | Buffer, options: SignOptions = {}) {
  const raw = body ?? '';
  const header = signRequest(secret, { method, path, rawBody: raw }, options);
  const req = request(app)[method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](path).set(SIGNATURE_HEADER, header);
  if (body === undefined) return req;
  // Send the bytes exactly as signed.
  return req.set('Content-Type', 'application/json').serialize((bytes: string | Buffer) => bytes as string).send(raw as string);
}
