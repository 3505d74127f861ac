/**
 * Request signing shared by webhooks (CMS → us) and callbacks (us → CMS), in the `X-Signature` header.
 *
 * Scheme v2 (every request to the API):
 *   `X-Signature: t=<unix seconds>[,n=<nonce>],v2=<hex HMAC-SHA256(secret, "<t>.<n>.<METHOD>.<path>.<raw body>")>[,v2=…]`
 * where METHOD is upper-case, `path` is the request target exactly as sent on the request line (path
 * and query string, percent-encoding unchanged, e.g. `/v1/sites/demo/comments/c%3A1`), `n` is an
 * optional nonce of 1–64 characters `[A-Za-z0-9_-]` (empty in the string when absent) that lets a
 * sender repeat an identical request within the same second, and `raw body` is the exact bytes ("" for
 * GET). Several `v2=` values let a sender sign with old and new secrets during rotation.
 *
 * Scheme v1 (deprecated; accepted only on `POST /v1/sites/:site/comments`, and used by callbacks):
 *   `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=…]`.
 * v1 covers neither method nor path, so it is refused everywhere else.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Signature';

/** The v1 digest over `"<t>.<raw body>"` (callbacks and the deprecated comment POST). */
export function computeSignature(secret: string, timestamp: number, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return hmac.digest('hex');
}

/** What a v2 signature covers besides the body. */
export interface SignedRequest {
  method: string;
  /** Request target as sent: path plus query string, percent-encoding unchanged. */
  path: string;
  rawBody: Buffer | string;
}

/** The prefix of the v2 canonical string; the raw body bytes follow it. */
export const canonicalPrefixV2 = (timestamp: number, nonce: string, method: string, path: string) => `${timestamp}.${nonce}.${method.toUpperCase()}.${path}.`;

/** The v2 digest over `"<t>.<n>.<METHOD>.<path>.<raw body>"`. */
export function computeSignatureV2(secret: string, timestamp: number, nonce: string, req: SignedRequest): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(canonicalPrefixV2(timestamp, nonce, req.method, req.path));
  hmac.update(req.rawBody);
  return hmac.digest('hex');
}

/** Builds a v1 header signed with every given secret (callbacks). */
export function signatureHeader(secrets: string | string[], rawBody: Buffer | string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  const list = Array.isArray(secrets) ? secrets : [secrets];
  return [`t=${t}`, ...list.map((s) => `v1=${computeSignature(s, t, rawBody)}`)].join(',');
}

export interface SignOptions {
  now?: number;
  /** Default: 16 random hex characters; pass `''` for none. */
  nonce?: string;
}

/** Builds a v2 header for a request, signed with every given secret. */
export function signRequest(secrets: string | string[], req: SignedRequest, options: SignOptions = {}): string {
  const t = Math.floor((options.now ?? Date.now()) / 1000);
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  const list = Array.isArray(secrets) ? secrets : [secrets];
  return [`t=${t}`, ...(nonce ? [`n=${nonce}`] : []), ...list.map((s) => `v2=${computeSignatureV2(s, t, nonce, req)}`)].join(',');
}

export interface ParsedSignature {
  timestamp: number;
  nonce: string;
  /** v1 digests (lower-case hex). */
  signatures: string[];
  /** v2 digests (lower-case hex). */
  v2: string[];
}

/** Parses the header; null unless it has a timestamp and at least one v1 or v2 digest. */
export function parseSignatureHeader(header: string | undefined): ParsedSignature | null {
  if (!header || header.length > 4096) return null;
  let timestamp: number | undefined;
  let nonce = '';
  const signatures: string[] = [];
  const v2: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'n' && /^[A-Za-z0-9_-]{1,64}$/.test(value)) nonce = value;
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
    else if (key === 'v2' && /^[0-9a-f]{64}$/i.test(value)) v2.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length + v2.length === 0) return null;
  return { timestamp, nonce, signatures, v2 };
}

export type VerifyFailure = 'missing' | 'malformed' | 'stale' | 'mismatch' | 'v1_not_allowed';
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };
/** A successful request verification names what was signed, so a replay of it can be recognised. */
export type RequestVerifyResult = { ok: true; scheme: 'v1' | 'v2'; replayId: string } | { ok: false; reason: VerifyFailure };

/** True when any candidate equals any expected digest; every pair is compared, in constant time. */
function anyMatch(expected: string[], candidates: string[]): boolean {
  let matched = false;
  for (const e of expected) {
    const eb = Buffer.from(e, 'hex');
    for (const c of candidates) if (timingSafeEqual(eb, Buffer.from(c, 'hex'))) matched = true;
  }
  return matched;
}

const isFresh = (timestamp: number, toleranceSeconds: number, now: number) => Math.abs(Math.floor(now / 1000) - timestamp) <= toleranceSeconds;

/**
 * Checks only what needs no body: the header is present, well-formed and fresh. Lets the API refuse
 * unsigned requests before reading (and buffering) their bodies.
 */
export function precheckSignature(header: string | undefined, toleranceSeconds: number, allowV1: boolean, now = Date.now()): VerifyResult {
  const pre = precheck(header, toleranceSeconds, allowV1, now);
  return pre.ok ? { ok: true } : pre;
}

/** `precheckSignature`, keeping the parsed header for the full check (parsed once per request). */
function precheck(header: string | undefined, toleranceSeconds: number, allowV1: boolean, now: number): { ok: true; parsed: ParsedSignature } | { ok: false; reason: VerifyFailure } {
  if (!header) return { ok: false, reason: 'missing' };
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, reason: 'malformed' };
  if (parsed.v2.length === 0 && !allowV1) return { ok: false, reason: 'v1_not_allowed' };
  if (!isFresh(parsed.timestamp, toleranceSeconds, now)) return { ok: false, reason: 'stale' };
  return { ok: true, parsed };
}

/**
 * v1 check (callbacks): the timestamp must be within `toleranceSeconds` of `now`, and some `v1`
 * must match some secret.
 */
export function verifySignature(header: string | undefined, rawBody: Buffer, secrets: readonly string[], toleranceSeconds: number, now = Date.now()): VerifyResult {
  const pre = precheck(header, toleranceSeconds, true, now);
  if (!pre.ok) return pre;
  const { parsed } = pre;
  const expected = secrets.map((s) => computeSignature(s, parsed.timestamp, rawBody));
  return anyMatch(expected, parsed.signatures) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

export interface VerifyRequestOptions {
  secrets: readonly string[];
  toleranceSeconds: number;
  /** Accept the deprecated v1 scheme (only the comment POST does). */
  allowV1: boolean;
  now?: number;
}

/**
 * Checks a request's header against its method, path and body: v2 when the header has any `v2=`
 * (then v1 values are ignored), else v1 when allowed. `replayId` is a digest of everything signed
 * (not of the signature values, which a replayer could drop or reorder), the same whichever secret
 * matched.
 */
export function verifyRequest(header: string | undefined, req: SignedRequest, opts: VerifyRequestOptions): RequestVerifyResult {
  const now = opts.now ?? Date.now();
  const pre = precheck(header, opts.toleranceSeconds, opts.allowV1, now);
  if (!pre.ok) return pre;
  const { parsed } = pre;
  const { timestamp: t, nonce } = parsed;
  const useV2 = parsed.v2.length > 0;
  const expected = opts.secrets.map((s) => (useV2 ? computeSignatureV2(s, t, nonce, req) : computeSignature(s, t, req.rawBody)));
  if (!anyMatch(expected, useV2 ? parsed.v2 : parsed.signatures)) return { ok: false, reason: 'mismatch' };
  const signed = createHash('sha256');
  signed.update(useV2 ? `v2.${canonicalPrefixV2(t, nonce, req.method, req.path)}` : `v1.${t}.`);
  signed.update(req.rawBody);
  return { ok: true, scheme: useV2 ? 'v2' : 'v1', replayId: signed.digest('hex') };
}
