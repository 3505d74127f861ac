/**
 * Coral Talk's request signing (external moderation phases, webhooks):
 * `X-Coral-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`, several comma-separated while
 * a secret is rotated. No timestamp is signed, so replays cannot be told apart here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CORAL_SIGNATURE_HEADER = 'X-Coral-Signature';

/** A header value signed with every given secret, as Coral sends it. */
export function coralSignatureHeader(secrets: readonly string[], rawBody: Buffer | string): string {
  return secrets.map((s) => `sha256=${createHmac('sha256', s).update(rawBody).digest('hex')}`).join(',');
}

export type CoralVerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

/** Some `sha256=` value must match some secret (constant-time comparison over the digest bytes). */
export function verifyCoralSignature(header: string | undefined, rawBody: Buffer, secrets: readonly string[]): CoralVerifyResult {
  if (!header) return { ok: false, reason: 'missing' };
  const candidates = header
    .split(',')
    .map((part) => /^\s*sha256=([0-9a-f]{64})\s*$/i.exec(part)?.[1])
    .filter((v): v is string => v !== undefined)
    .map((hex) => Buffer.from(hex, 'hex'));
  if (!candidates.length) return { ok: false, reason: 'malformed' };
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    for (const c of candidates) if (timingSafeEqual(expected, c)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}
