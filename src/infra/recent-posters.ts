/**
 * Repeat-post counting (how many comments posted the same text lately), batched: the counts asked for
 * in the same tick — a moderation group's comments load their contexts side by side — are one script
 * call per site (its keys share the site's cluster slot) instead of one call each.
 */
import { script, type RedisClient as Redis } from './redis';

// KEYS: one set of recent posters per count. ARGV: comment id and window seconds per count. In order:
// two counts of the same text see each other, as two calls one after the other would.
const COUNT_REPEATS = `
local out = {}
for i = 1, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[2 * i - 1])
  redis.call('EXPIRE', KEYS[i], ARGV[2 * i])
  out[i] = redis.call('SCARD', KEYS[i])
end
return out
`;

interface Waiting {
  key: string;
  commentId: string;
  windowSeconds: number;
  resolve: (posters: number) => void;
  reject: (err: unknown) => void;
}

export class RecentPosters {
  private readonly run: (numberOfKeys: number, ...args: Array<string | number>) => Promise<number[]>;
  private waiting = new Map<string, Waiting[]>();

  constructor(redis: Redis) {
    this.run = script(redis, 'cmRecentPostersV1', null, COUNT_REPEATS);
  }

  /** Adds `commentId` to the posters of the set at `key` (a key of `site`); resolves with how many there are. */
  posters(site: string, key: string, commentId: string, windowSeconds: number): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) process.nextTick(() => this.flush());
      const list = this.waiting.get(site);
      const item = { key, commentId, windowSeconds, resolve, reject };
      if (list) list.push(item);
      else this.waiting.set(site, [item]);
    });
  }

  private flush(): void {
    const bySite = [...this.waiting.values()];
    this.waiting = new Map();
    for (const items of bySite) {
      this.run(items.length, ...items.map((i) => i.key), ...items.flatMap((i) => [i.commentId, i.windowSeconds])).then(
        (counts) => items.forEach((i, k) => i.resolve(counts[k])),
        (err: unknown) => items.forEach((i) => i.reject(err)),
      );
    }
  }
}
