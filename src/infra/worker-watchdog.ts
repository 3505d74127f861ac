/**
 * Keeps BullMQ workers taking jobs. Every `checkEveryMs` the watchdog looks at each worker it
 * started and replaces it — force-closes it and starts a new one with the same options — when
 *  - it stopped running although nobody is shutting the runtime down (`stopped`), or
 *  - jobs have been ready in its queue for `idleMs` while it held none and started none (`idle`):
 *    the state of a worker whose blocking fetch never returns.
 * A worker busy with jobs, or idle with nothing to do, is left alone; so is a paused one, and a
 * check that cannot read the queue (Redis away) decides nothing.
 *
 * Replacing loses no job: a stuck worker holds none, and a job a closed worker still held keeps
 * its lock until it expires, then BullMQ's stalled check hands it to the new worker (moderation
 * jobs are idempotent: a retry skips comments already decided).
 */
import type { Job, Queue, Worker } from 'bullmq';
import type { Logger } from '../logger';

export type StuckReason = 'stopped' | 'idle';

export interface WatchedWorker {
  /** Names the worker in logs and metrics, e.g. `moderation:0`. */
  name: string;
  /** Starts a worker — the first one and every replacement — with the same options. */
  start: () => Worker;
  /** Jobs of the worker's queue that are ready to run now (waiting + prioritized). */
  readyJobs: () => Promise<number>;
}

export interface WorkerWatchdogOptions {
  checkEveryMs: number;
  /** How long jobs may stay ready while a worker holds none before it counts as stuck. */
  idleMs: number;
  logger: Logger;
  /** Told of every replacement (e.g. to count it). */
  onReplace?: (name: string, reason: StuckReason) => void;
  /** How long `close()` waits for the workers (a stuck one may never finish closing); default 30 s. */
  closeTimeoutMs?: number;
}

interface Slot {
  spec: WatchedWorker;
  /** The worker `watch` started (and answered). */
  first: Worker;
  worker: Worker;
  /** Ids of the jobs this worker is processing (from its own events). */
  held: Set<string>;
  /** When this worker last started or finished a job (or was started). */
  lastProgress: number;
  /** Since when the checks have seen jobs ready while this worker held none. */
  readySince?: number;
}

/** Watches workers and replaces those that stopped taking jobs; `close()` closes every current one. */
export class WorkerWatchdog {
  private readonly slots: Slot[] = [];
  private readonly retiring = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private closing = false;

  constructor(private readonly opts: WorkerWatchdogOptions) {}

  /** Starts the worker and watches it from now on. */
  watch(spec: WatchedWorker): Worker {
    const slot: Slot = { spec, first: undefined as unknown as Worker, worker: undefined as unknown as Worker, held: new Set(), lastProgress: Date.now() };
    this.launch(slot);
    slot.first = slot.worker;
    this.slots.push(slot);
    this.schedule();
    return slot.worker;
  }

  /** The worker running now in place of `first` (what `watch` answered): itself, or its latest replacement. */
  current(first: Worker): Worker {
    return this.slots.find((s) => s.first === first)?.worker ?? first;
  }

  /** The workers running now (replacements in place of the workers they replaced). */
  get workers(): Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /**
   * Stops checking, then closes every current worker gracefully and waits for them and for replaced
   * ones, at most `closeTimeoutMs`: a worker stuck on a dead connection may never finish closing.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    await this.checking;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.opts.closeTimeoutMs ?? 30_000)));
    const closed = Promise.allSettled([...this.slots.map((s) => s.worker.close()), ...this.retiring]);
    if ((await Promise.race([closed, timeout])) === 'timeout') this.opts.logger.warn({ workers: this.slots.map((s) => s.spec.name) }, 'workers still closing; not waiting any longer');
    clearTimeout(timer);
  }

  private schedule(): void {
    if (this.timer || this.closing) return;
    this.timer = setTimeout(() => {
      this.checking = Promise.all(this.slots.map((s) => this.check(s))).then(() => undefined);
      void this.checking.finally(() => {
        this.timer = undefined;
        this.schedule();
      });
    }, this.opts.checkEveryMs);
    this.timer.unref();
  }

  private launch(slot: Slot): void {
    const worker = slot.spec.start();
    slot.worker = worker;
    slot.held = new Set();
    slot.lastProgress = Date.now();
    slot.readySince = undefined;
    const held = slot.held;
    worker.on('active', (job: Job) => {
      if (job.id) held.add(job.id);
      slot.lastProgress = Date.now();
    });
    const done = (job: Job | undefined) => {
      // 'failed' also reports jobs of other workers (stalled out): only this worker's own count.
      if (job?.id && held.delete(job.id)) slot.lastProgress = Date.now();
    };
    worker.on('completed', done);
    worker.on('failed', done);
  }

  private async check(slot: Slot): Promise<void> {
    const worker = slot.worker;
    if (this.closing || worker.isPaused()) return;
    if (!worker.isRunning()) return this.replace(slot, 'stopped');
    if (slot.held.size > 0) {
      slot.readySince = undefined;
      return;
    }
    const ready = await slot.spec.readyJobs().catch(() => undefined);
    if (ready === undefined || this.closing || worker !== slot.worker) return;
    if (ready === 0) {
      slot.readySince = undefined;
      return;
    }
    const now = Date.now();
    slot.readySince ??= now;
    if (now - Math.max(slot.readySince, slot.lastProgress) >= this.opts.idleMs) this.replace(slot, 'idle', ready);
  }

  private replace(slot: Slot, reason: StuckReason, readyJobs?: number): void {
    const stuck = slot.worker;
    const { name } = slot.spec;
    this.opts.logger.error(
      { worker: name, reason, readyJobs, idleMs: reason === 'idle' ? this.opts.idleMs : undefined, alert: 'worker_replaced' },
      reason === 'stopped' ? 'a worker stopped running; started a new one' : 'a worker took no jobs while jobs were waiting; replaced it',
    );
    this.opts.onReplace?.(name, reason);
    // The new worker first: a close that hangs (its connection is the stuck part) must not stop jobs.
    this.launch(slot);
    const retired = stuck
      .close(true)
      .catch((err: Error) => this.opts.logger.warn({ worker: name, err: err.message }, 'the replaced worker did not close cleanly'))
      .finally(() => this.retiring.delete(retired));
    this.retiring.add(retired);
  }
}

/** Jobs of `queue` ready to run now: waiting, prioritized, and delayed ones already due (a worker promotes those). */
export async function readyJobsOf(queue: Queue): Promise<number> {
  const [counts, due] = await Promise.all([queue.getJobCounts('wait', 'prioritized'), queue.getDelayedCount(Date.now())]);
  return (counts.wait ?? 0) + (counts.prioritized ?? 0) + due;
}
