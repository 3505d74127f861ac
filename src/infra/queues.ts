/**
 * The BullMQ `moderation` queue: a job names one comment version (`ModerationJobData`, also the
 * format of jobs queued before grouping) or several of one site (`ModerationGroupData`, see
 * moderation-jobs.ts). Job ids are derived from their content, so repeated deliveries of the same
 * comment make one single-comment job. (CMS callbacks go through the
 * outbox, src/infra/outbox.ts; `CallbackQueue` is its interface for events other than decisions.) Each queue is split into `keys.queueShards` BullMQ queues, each under
 * its own hash-tagged prefix (`<base>:{q<n>}`) so that on Redis Cluster they spread over the masters;
 * a site's jobs always go to the same shard, and workers consume every shard.
 */
import { createHash } from 'node:crypto';
import { Queue, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../logger';
import { queueShard, type Keys } from './keys';

export interface ModerationJobData {
  site: string;
  commentId: string;
  bodyHash: string;
}

/** Several comment versions of one site judged by one job (one BullMQ job's cost for all of them). */
export interface ModerationGroupData {
  site: string;
  comments: Array<{ id: string; bodyHash: string }>;
}

/** What a moderation job carries: one comment (the original format) or a group. */
export type ModerationPayload = ModerationJobData | ModerationGroupData;

/** The body POSTed to a site's callback URL after a decision (the outbox adds `eventId`, `sequence`). */
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

/** The job for `refs` (one site): the single-comment format for one, a group for several. */
export function moderationJob(refs: ModerationJobData[]): { data: ModerationPayload; jobId: string } {
  if (refs.length === 1) return { data: refs[0], jobId: moderationJobId(refs[0]) };
  const data: ModerationGroupData = { site: refs[0].site, comments: refs.map((r) => ({ id: r.commentId, bodyHash: r.bodyHash })) };
  return { data, jobId: `g-${digest(data.site, ...refs.flatMap((r) => [r.commentId, r.bodyHash]))}` };
}

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

/** A BullMQ producer with the service's retry and retention settings, routing each site to its shard. */
export class JobQueue<T extends { site: string }> {
  /** One BullMQ queue per shard. */
  readonly queues: Queue<T>[];

  constructor(name: string, private readonly jobName: string, connection: ConnectionOptions, keys: Keys, private readonly settings: QueueSettings, logger?: Logger) {
    this.queues = Array.from({ length: keys.queueShards }, (_, n) => {
      const queue = new Queue<T>(name, { connection, prefix: keys.queuePrefix(n), skipWaitingForReady: true });
      (queue as Queue).on('error', rateLimitedErrorLog(logger, { queue: name, shard: n }));
      return queue;
    });
  }

  /** The first shard's queue (the only one unless `queueShards` > 1). */
  get queue(): Queue<T> {
    return this.queues[0];
  }

  /** The queue that holds `site`'s jobs. */
  forSite(site: string): Queue<T> {
    return this.queues[queueShard(site, this.queues.length)];
  }

  private get jobOptions() {
    return {
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.backoffMs, jitter: 0.5 },
      removeOnComplete: { count: this.settings.keepCompleted },
      removeOnFail: { count: this.settings.keepFailed },
    };
  }

  /** Adds a job unless one with `jobId` exists already; resolves only once Redis has it. */
  async add(data: T, jobId: string): Promise<string> {
    // BullMQ's generic job-name typing is stricter than we need here.
    const job = await (this.forSite(data.site) as Queue).add(this.jobName, data, { jobId, ...this.jobOptions });
    return job.id!;
  }

  /** Adds several jobs, one `addBulk` (one round trip) per shard; resolves once Redis has them all. */
  async addBulk(jobs: Array<{ data: T; jobId: string }>): Promise<void> {
    const byShard = new Map<Queue<T>, Array<{ data: T; jobId: string }>>();
    for (const j of jobs) {
      const q = this.forSite(j.data.site);
      const list = byShard.get(q);
      if (list) list.push(j);
      else byShard.set(q, [j]);
    }
    await Promise.all([...byShard].map(([q, list]) => (q as Queue).addBulk(list.map((j) => ({ name: this.jobName, data: j.data, opts: { jobId: j.jobId, ...this.jobOptions } })))));
  }

  /** Job counts summed over the shards. */
  async getJobCounts(...types: Parameters<Queue['getJobCounts']>): Promise<Record<string, number>> {
    const all = await Promise.all(this.queues.map((q) => q.getJobCounts(...types)));
    const sum: Record<string, number> = {};
    for (const counts of all) for (const [k, v] of Object.entries(counts)) sum[k] = (sum[k] ?? 0) + v;
    return sum;
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }
}

export type ModerationQueue = JobQueue<ModerationPayload>;

/**
 * Where CMS events other than decisions go (decisions write theirs in the decision script): the
 * outbox, which gives each event an id and its subject's next sequence and delivers in order.
 */
export interface CallbackQueue {
  add(data: CallbackJobData): Promise<string>;
}

export function createModerationQueue(connection: ConnectionOptions, keys: Keys, settings: QueueSettings, logger?: Logger): ModerationQueue {
  return new JobQueue<ModerationPayload>(keys.moderationQueue, 'moderate', connection, keys, settings, logger);
}
