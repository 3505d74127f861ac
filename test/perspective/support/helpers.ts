/** Shared bits of the Perspective tests: a tiny local model, Redis with a private prefix, a quiet logger. */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import Redis from 'ioredis';
import pino from 'pino';
import { REDACT_PATHS, type Logger } from '../../../src/logger';
import type { Classifier, ClassifierInput, ClassifierResult } from '../../../src/moderation/types';
import { deleteKeysByPrefix } from '../../../src/infra/redis';

/**
 * Deterministic stand-in for the local model: "idiot" → 0.95 (sure), "maybe" → 0.5 (unsure),
 * anything else → 0.02 (sure). Always adds a spam score, which Perspective does not give.
 */
export class TinyLocal implements Classifier {
  readonly name = 'local';
  readonly version = 'tiny-1';
  calls = 0;

  async classify({ text }: ClassifierInput): Promise<ClassifierResult> {
    this.calls += 1;
    const s = text.includes('idiot') ? 0.95 : text.includes('maybe') ? 0.5 : 0.02;
    return { scores: { toxicity: s, insult: s, spam: 0.01 }, spans: {}, provider: 'local', modelVersion: this.version };
  }
}

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test file uses, hash-tagged like the real one. */
export const uniquePrefix = (name: string) => `{cmtest-${name}-${process.pid}-${randomBytes(3).toString('hex')}}`;

/** A new connection, as each worker process would have. */
export const connect = () => new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

export const deleteKeys = (redis: Redis, prefix: string) => deleteKeysByPrefix(redis, prefix).then(() => undefined);

/** A logger whose JSON lines land in `lines` (with the service's redaction rules). */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream), lines };
}

/** Most requests seen in any window of `windowMs` starting at a request. */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j] < sorted[i] + windowMs) j++;
    best = Math.max(best, j - i);
  }
  return best;
}
