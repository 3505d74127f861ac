/**
 * BullMQ queues: `moderation` (one job per comment version) and `callbacks` (one per decision
 * delivered to the CMS). Job ids are derived from their content, so repeated deliveries of the
 * same comment make one job.
 */
import { createHash } from 'node:crypto';
import { Queue, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../logger';
import type { Keys } from './keys';

export interface ModerationJobData {
  site: string;
  commentId: string;
  bodyHash: string;
}

/** The body POSTed to a site's callback URL. */
export interface CallbackPayload {
  type: 'comment.moderated';
  site: string;
  comment: { id: string; articleId: string };
  status: string;
  reasons: Array<{ code: string; score: number; message: string }>;
  decidedBy: string;
  decidedAt: string;
}

/** The body POSTed when a moderator acts on an author (ban, suspension, pre-moderation, trust). */
export interface UserModeratedPayload {
  type: 'user.moderated';
  site: string;
  user: { id: string };
  action: string;
  state: Record<string, unknown>;
  note?: string;
  decidedBy: string;
  decidedAt: string;
}

export interface CallbackJobData {
  site: string;
  payload: CallbackPayload | UserModeratedPayload;
}

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40);

/** Deterministic job id: site + comment id + body hash (BullMQ ids may not contain ':'). */
export const moderationJobId = (d: ModerationJobData) => `m-${digest(d.site, d.commentId, d.bodyHash)}`;
export const callbackJobId = (p: CallbackPayload | UserModeratedPayload) =>
  p.type === 'user.moderated' ? `um-${digest(p.site, p.user.id, p.action, p.decidedAt)}` : `cb-${digest(p.site, p.comment.id, p.decidedAt, p.status, p.decidedBy)}`;

export interface QueueSettings {
  attempts: number;
  backoffMs: number;
  keepCompleted: number;
  keepFailed: number;
}

/**
 * An `error` listener that logs one structured line (name, code, message; no stack) at most once per
 * `intervalMs`, counting the ones it held back: a Redis outage would otherwise print a stack trace
 * per reconnection attempt (and an EventEmitter without a listener throws).
 */
export function rateLimitedErrorLog(logger: Logger | undefined, fields: Record<string, unknown>, intervalMs = 10_000): (err: Error) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed += 1;
      return;
    }
    last = now;
    logger?.warn({ ...fields, error: { name: err.name, code: (err as { code?: unknown }).code, message: err.message }, suppressed }, 'queue connection error');
    suppressed = 0;
  };
}

/** A BullMQ producer with the service's retry and retention settings. */
export class JobQueue<T> {
  readonly queue: Queue<T>;

  constructor(name: string, private readonly jobName: string, connection: ConnectionOptions, prefix: string, private readonly settings: QueueSettings, logger?: Logger) {
    this.queue = new Queue<T>(name, { connection, prefix, skipWaitingForReady: true });
    (this.queue as Queue).on('error', rateLimitedErrorLog(logger, { queue: name }));
  }

  /** Adds a job unless one with `jobId` exists already; resolves only once Redis has it. */
  async add(data: T, jobId: string): Promise<string> {
    // BullMQ's generic job-name typing is stricter than we need here.
    const job = await (this.queue as Queue).add(this.jobName, data, {
      jobId,
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.backoffMs, jitter: 0.5 },
      removeOnComplete: { count: this.settings.keepCompleted },
      removeOnFail: { count: this.settings.keepFailed },
    });
    return job.id!;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export type ModerationQueue = JobQueue<ModerationJobData>;
export type CallbackQueue = JobQueue<CallbackJobData>;

export function createModerationQueue(connection: ConnectionOptions, keys: Keys, settings: QueueSettings, logger?: Logger): ModerationQueue {
  return new JobQueue<ModerationJobData>(keys.moderationQueue, 'moderate', connection, keys.prefix, settings, logger);
}

export function createCallbackQueue(connection: ConnectionOptions, keys: Keys, settings: QueueSettings, logger?: Logger): CallbackQueue {
  return new JobQueue<CallbackJobData>(keys.callbackQueue, 'deliver', connection, keys.prefix, settings, logger);
}
