/**
 * Site adapters in Redis: the current adapter of each site as JSON, versioned by a counter. Workers read
 * them through `AdapterCache`, which checks the version key at most once per `ttlMs` and re-reads the
 * adapter only when the version changed, so a new adapter is in use everywhere within `ttlMs`, without
 * a restart.
 */
import { script, type RedisClient as Redis } from './redis';
import type { SiteAdapter } from '../site-learning/types';
import type { TrainedAdapter } from '../site-learning/train';
import type { Keys } from './keys';

// Sets the adapter with the next version, atomically: readers never see a version without its adapter.
const SAVE = `
local v = redis.call('INCR', KEYS[2])
local adapter = cjson.decode(ARGV[1])
adapter['version'] = v
redis.call('SET', KEYS[1], cjson.encode(adapter))
return v`;

/** What a training attempt saw. */
export interface TrainingAttempt {
  labelCount: number;
  labelAdditions: number;
  generalModelVersion: string;
}

export class AdapterStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Stores a trained adapter as the site's current one; returns its version. */
  async save(site: string, trained: TrainedAdapter, counts: { labelCount: number; labelAdditions: number }): Promise<number> {
    const adapter: Omit<SiteAdapter, 'version'> = { ...trained, site, labelCount: counts.labelCount, labelAdditions: counts.labelAdditions };
    const v = await script<number>(this.redis, 'siteAdapterSave', 2, SAVE)(this.keys.adapter(site), this.keys.adapterVersion(site), JSON.stringify(adapter));
    return Number(v);
  }

  /** The site's current adapter, or null when it has none (it keeps the general model). */
  async current(site: string): Promise<SiteAdapter | null> {
    const json = await this.redis.get(this.keys.adapter(site));
    return json ? (JSON.parse(json) as SiteAdapter) : null;
  }

  /** The current version number (0: none yet); a cheap check before re-reading the adapter. */
  async version(site: string): Promise<number> {
    return Number((await this.redis.get(this.keys.adapterVersion(site))) ?? 0);
  }

  /** Remembers what the last training saw, so the job waits for new labels (or a new general model) before trying again. */
  async markAttempt(site: string, attempt: TrainingAttempt): Promise<void> {
    await this.redis.set(this.keys.adapterAttempt(site), JSON.stringify(attempt));
  }

  async lastAttempt(site: string): Promise<TrainingAttempt | null> {
    const json = await this.redis.get(this.keys.adapterAttempt(site));
    return json ? (JSON.parse(json) as TrainingAttempt) : null;
  }

  /** Removes the site's adapter: it goes back to the general model (the version counter stays). */
  async remove(site: string): Promise<void> {
    await this.redis.del(this.keys.adapter(site));
  }
}

/** Per-process cache of the sites' adapters, refreshed by version. */
export class AdapterCache {
  private readonly entries = new Map<string, { checkedAt: number; version: number; adapter: SiteAdapter | null }>();

  constructor(
    private readonly store: AdapterStore,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The site's adapter as of at most `ttlMs` ago (null: the general model decides). If Redis cannot be
   * asked, the adapter known before is used; with none known yet, the error is thrown (the job retries).
   */
  async get(site: string): Promise<SiteAdapter | null> {
    const now = this.clock();
    const entry = this.entries.get(site);
    if (entry && now - entry.checkedAt < this.ttlMs) return entry.adapter;
    let version: number;
    try {
      version = await this.store.version(site);
    } catch (err) {
      if (entry) return entry.adapter;
      throw err;
    }
    if (entry && entry.version === version && entry.adapter?.version === version) {
      entry.checkedAt = now;
      return entry.adapter;
    }
    const adapter = version ? await this.store.current(site) : null;
    this.entries.set(site, { checkedAt: now, version, adapter });
    return adapter;
  }
}
