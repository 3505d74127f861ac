/** The root pino logger: JSON to stdout, secrets and comment bodies redacted. */
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-signature"]',
  '*.webhookSecrets',
  '*.apiKey',
  '*.token',
  '*.body',
  'comment.body',
  'body',
];

export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'comment-moderation', ...bindings }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
