/**
 * Repeat-post counting (how many comments posted the same text lately), batched: the counts asked for
 * in the same tick — a moderation group's comments load their contexts side by side — are one script
 * call per site (its keys share the site's cluster slot) instead of one call each.
 *
 * A text's posters live in one key per text that expires `windowSeconds` after its latest post. Nearly
 * every text is posted once, so its key is a string holding that one comment id (one `SET NX EX`, where a
 * set would take SADD, EXPIRE and SCARD); a second poster turns it into a set of ids. Sets written by
 * earlier versions are read and extended as sets.
 */
import { script, type RedisClient as Redis } from './redis';

/** Lua: `forget_poster(key, commentId)` takes a comment out of a text's posters (erasure), in either form. */
export const FORGET_POSTER_LUA = `
local function forget_poster(key, id)
  local first = redis.pcall('GET', key)
  if type(first) == 'string' then
    if first == id then redis.call('DEL', key) end
  elseif type(first) == 'table' then
    redis.call('SREM', key, id)
  end
end
`;

// KEYS: one posters key per count. ARGV: comment id and window seconds per count. In order: two counts of
// the same text see each other, as two calls one after the other would. GET on a set answers WRONGTYPE
// (a table under pcall): several posters already.
const COUNT_REPEATS = `
local function post(key, id, window)
  if redis.call('SET', key, id, 'NX', 'EX', window) then return 1 end
  local first = redis.pcall('GET', key)
  if type(first) == 'string' then
    if first ~= id then
      redis.call('DEL', key)
      redis.call('SADD', key, first, id)
    end
    redis.call('EXPIRE', key, window)
    if first == id then return 1 end
    return 2
  end
  redis.call('SADD', key, id)
  redis.call('EXPIRE', key, window)
  return redis.call('SCARD', key)
end
local out = {}
for i = 1, #KEYS do out[i] = post(KEYS[i], ARGV[2 * i - 1], ARGV[2 * i]) end
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
    this.run = script(redis, 'cmRecentPostersV2', null, COUNT_REPEATS);
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
