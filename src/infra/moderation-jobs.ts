/**
 * Adding moderation jobs, several comments per job. BullMQ's cost is per job (~70 Redis commands to
 * add, take, complete and trim one), so comments of one site stored close together share a job:
 * those enqueued within `windowMs` of the first (0: in the same event-loop turn), at most `maxGroup`
 * per job. Each caller's promise settles only when the job naming its comment is in Redis (or its
 * add failed), so a request is never acknowledged for a comment that is not queued. At low load a
 * group holds one comment and the job has the original single-comment format and id.
 */
import { moderationJob, type ModerationJobData, type ModerationQueue } from './queues';

/** Where the API puts the comments it stored: resolves once each one's job is in Redis. */
export interface ModerationJobs {
  enqueue(ref: ModerationJobData): Promise<void>;
  /** Many at once (a batch request): cut into groups per site and added together. */
  enqueueMany(refs: ModerationJobData[]): Promise<void>;
}

export interface CoalescingOptions {
  windowMs: number;
  maxGroup: number;
}

interface Waiting {
  ref: ModerationJobData;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Cuts `refs` into groups of one site each, at most `max` long, in order. */
export function groupBySite(refs: ModerationJobData[], max: number): ModerationJobData[][] {
  const open = new Map<string, ModerationJobData[]>();
  const groups: ModerationJobData[][] = [];
  for (const ref of refs) {
    let group = open.get(ref.site);
    if (!group || group.length >= max) {
      group = [];
      open.set(ref.site, group);
      groups.push(group);
    }
    group.push(ref);
  }
  return groups;
}

export class CoalescingModerationJobs implements ModerationJobs {
  private waiting: Waiting[] = [];
  /** Cancels the pending flush, while one is scheduled. */
  private cancel: (() => void) | undefined;

  constructor(
    private readonly queue: ModerationQueue,
    private readonly opts: CoalescingOptions,
  ) {}

  enqueue(ref: ModerationJobData): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ref, resolve, reject });
      if (this.cancel) return;
      if (this.opts.windowMs > 0) {
        const t = setTimeout(() => void this.flush(), this.opts.windowMs);
        this.cancel = () => clearTimeout(t);
      } else {
        const t = setImmediate(() => void this.flush());
        this.cancel = () => clearImmediate(t);
      }
    });
  }

  async enqueueMany(refs: ModerationJobData[]): Promise<void> {
    if (refs.length) await this.add(refs);
  }

  /** Adds every waiting comment's job now (one `addBulk` per queue shard). */
  flush(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    if (!waiting.length) return Promise.resolve();
    return this.add(waiting.map((w) => w.ref)).then(
      () => waiting.forEach((w) => w.resolve()),
      (err: unknown) => waiting.forEach((w) => w.reject(err)),
    );
  }

  /** The jobs of `refs`, grouped per site and `maxGroup`, added in one `addBulk` per queue shard. */
  private add(refs: ModerationJobData[]): Promise<void> {
    return this.queue.addBulk(groupBySite(refs, this.opts.maxGroup).map(moderationJob));
  }
}
