/**
 * Reads shared while in flight: the same read asked for again before the first answered (a moderation
 * group's comments on one article load their contexts side by side) waits for that one instead of
 * sending its own. Either answer would be a snapshot of the same moment, so sharing changes no result.
 */
export class InFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();

  /** `read()`'s promise, or the one already running under `key`. */
  run(key: string, read: () => Promise<T>): Promise<T> {
    const running = this.pending.get(key);
    if (running) return running;
    const p = read().finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }
}
