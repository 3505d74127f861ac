/**
 * The BullMQ `moderation` queue: one job per comment version. Job ids are derived from their
 * content, so repeated deliveries of the same comment make one job. (Callbacks to the CMS go
 * through the outbox, `outbox.ts`.)
 */
import { createHash } from 'node:crypto';
import { Queue, type ConnectionOptions } from 'bullmq';
import type { Keys } from './keys';

export interface ModerationJobData {
  site: string;
  commentId: string;
  bodyHash: string;
}

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40);

/** Deterministic job id: site + comment id + body hash (BullMQ ids may not contain ':'). */
export const moderationJobId = (d: ModerationJobData) => `m-${digest(d.site, d.commentId, d.bodyHash)}`;

export interface QueueSettings {
  attempts: number;
  backoffMs: number;
  keepCompleted: number;
  keepFailed: number;
}

/** A BullMQ producer with the service's retry and retention settings. */
export class JobQueue<T> {
  readonly queue: Queue<T>;

  constructor(name: string, private readonly jobName: string, connection: ConnectionOptions, prefix: string, private readonly settings: QueueSettings) {
    this.queue = new Queue<T>(name, { connection, prefix, skipWaitingForReady: true });
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

export function createModerationQueue(connection: ConnectionOptions, keys: Keys, settings: QueueSettings): ModerationQueue {
  return new JobQueue<ModerationJobData>(keys.moderationQueue, 'moderate', connection, keys.prefix, settings);
}
