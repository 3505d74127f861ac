/**
 * Versioned capped lists (an article's thread list, an author's decisions; see `LIST_VERSION_LUA`) as
 * this process last read them: entries parsed once, newest first, at most `cap`. A read sends what it
 * holds and gets back only the entries pushed since, or the whole list when entries left it otherwise
 * (an erasure, an edit moving a comment) or it was deleted. The lists read in the same tick (a moderation
 * group's comments load their contexts side by side) are one script call per group of keys sharing a
 * cluster slot (one site's keys), and a read already in flight is shared. Entries are never modified: a
 * change pushes a new one.
 */
import { InFlight } from './in-flight';
import { LISTS_READ } from './comment-scripts';
import { LruMap } from './lru-map';
import { script, type RedisClient as Redis } from './redis';
import { TickBatch } from './tick-batch';

/** A list as this process last read it, and the version it had then. */
interface Held<T> {
  pushes: number;
  token: string;
  entries: readonly T[];
}

/** A list's answer: its version and entries, or why it could not be read (a key of the wrong type). */
type Reply = [number, string, 0 | 1, string[]] | ['error', string];

export class VersionedLists<T> {
  private readonly held: LruMap<string, Held<T>>;
  private readonly inFlight = new InFlight<readonly T[]>();
  private readonly batch: TickBatch<readonly T[]>;

  /**
   * @param capacity lists held at most (least recently read dropped first)
   * @param cap entries held and read per list
   */
  constructor(redis: Redis, capacity: number, private readonly cap: number, private readonly parse: (entry: string) => T) {
    this.held = new LruMap(capacity);
    // Key count given per call.
    const readMany = script<Reply[]>(redis, 'cmListsReadV1', null, LISTS_READ);
    this.batch = new TickBatch(async (_group, keys) => {
      const sent = keys.map((key) => ({ key, held: this.held.get(key) }));
      const replies = await readMany(keys.length, ...keys, this.cap, ...sent.flatMap((s) => [s.held?.pushes ?? -1, s.held?.token ?? '']));
      // A list that cannot be read (a key of the wrong type) fails the reads of that list only.
      return replies.map((reply, i) => this.merge(sent[i].key, sent[i].held, reply));
    });
  }

  /** The list's first `cap` entries, newest first. `group`: the keys read together (one cluster slot). */
  read(group: string, key: string): Promise<readonly T[]> {
    return this.inFlight.run(key, () => this.batch.get(group, key));
  }

  private merge(key: string, held: Held<T> | undefined, reply: Reply): readonly T[] | Error {
    if (reply[0] === 'error') return new Error(reply[1]);
    const [pushes, token, onlyNew, raw] = reply;
    const fresh = raw.map(this.parse);
    const entries = onlyNew && held ? (fresh.length ? [...fresh, ...held.entries].slice(0, this.cap) : held.entries) : fresh;
    // Reads of one list overlap only across ticks; the one that saw the most pushes is kept.
    const now = this.held.get(key);
    if (!token) this.held.delete(key);
    else if (!now || now.token !== token || now.pushes <= pushes) this.held.set(key, { pushes, token, entries });
    return entries;
  }
}
