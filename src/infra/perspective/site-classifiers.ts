/**
 * Chooses each site's classifier: the local model, or Perspective with the local model as fallback
 * for sites that opt in. Sites sharing one API key share its Redis token bucket, Perspective client
 * and circuit breaker. The key is read from the environment variable the site names, never logged.
 */
import { keyBase } from '../keys';
import type { RedisClient as Redis } from '../redis';
import type { Logger } from '../../logger';
import type { Config, SiteConfig } from '../../../config';
import type { Classifier } from '../../moderation/types';
import { CircuitBreaker } from './circuit-breaker';
import { FallbackClassifier } from './fallback-classifier';
import { PerspectiveClassifier } from './perspective-classifier';
import { RedisTokenBucket, apiKeyId } from './rate-limiter';

export interface SiteClassifiersOptions {
  config: Readonly<Config>;
  /** A worker's ioredis connection; only EVAL is used. */
  redis: Redis;
  /** The local model: the default for every site, and the fallback for Perspective. */
  local: Classifier;
  logger: Logger;
  /** Where each site's `perspective.apiKeyEnv` is looked up (the same object given to `loadConfig`). */
  env: Readonly<Record<string, string | undefined>>;
}

/** A site's Perspective mode, `off` when the block is missing. */
const modeOf = (site: SiteConfig) => site.perspective?.mode ?? 'off';

/**
 * Start-up warnings, one per site that enables Perspective: the API ends after 2026, and how to
 * switch it off. Empty when no site uses it. `createSiteClassifiers` logs them itself.
 */
export function perspectiveNotices(config: Readonly<Config>): string[] {
  return config.sites.flatMap((site, i) => {
    const mode = modeOf(site);
    if (mode === 'off') return [];
    return [
      `Site "${site.id}" uses the Perspective API (mode "${mode}"). Google's Perspective API stops serving after 2026 ` +
        '(new quota already ended); once it does, every comment falls back to the local model. ' +
        `To switch it off now, set sites[${i}].perspective.mode to "off" or remove that site's "perspective" block. See docs/perspective.md.`,
    ];
  });
}

/**
 * Builds every site's classifier once and returns a lookup. Sites without Perspective (or whose key
 * variable is unset, which is logged as a warning) and unknown site ids get `local`.
 */
export function createSiteClassifiers(options: SiteClassifiersOptions): (siteId: string) => Classifier {
  const { config, redis, local, logger, env } = options;
  const log = logger.child({ component: 'perspective' });
  for (const notice of perspectiveNotices(config)) log.warn(notice);

  const p = config.perspective;
  // Quota and health belong to the key, not the site.
  const shared = new Map<string, { limiter: RedisTokenBucket; breaker: CircuitBreaker }>();
  const partsFor = (apiKey: string) => {
    const keyId = apiKeyId(apiKey);
    let parts = shared.get(keyId);
    if (!parts) {
      parts = {
        limiter: new RedisTokenBucket({ redis, prefix: keyBase(config.redis.prefix), keyId, requestsPerSecond: p.requestsPerSecond, burst: p.burst }),
        breaker: new CircuitBreaker({
          failureThreshold: p.breakerFailureThreshold,
          coolDownMs: p.breakerCoolDownMs,
          onStateChange: (from, to) => log[to === 'open' ? 'warn' : 'info']({ keyId, from, to }, `perspective circuit ${to}`),
        }),
      };
      shared.set(keyId, parts);
    }
    return parts;
  };

  const bySite = new Map<string, Classifier>();
  for (const site of config.sites) {
    const mode = modeOf(site);
    if (mode === 'off' || !site.perspective) continue;
    const apiKey = env[site.perspective.apiKeyEnv];
    if (!apiKey) {
      log.warn({ site: site.id, apiKeyEnv: site.perspective.apiKeyEnv }, 'Perspective enabled but its key variable is not set; this site uses the local model');
      continue;
    }
    const { limiter, breaker } = partsFor(apiKey);
    const { languages } = site.perspective;
    const perspective = new PerspectiveClassifier({ apiKey, endpoint: p.endpoint, timeoutMs: p.timeoutMs, maxTextBytes: p.maxTextBytes, languages });
    bySite.set(
      site.id,
      new FallbackClassifier({
        mode,
        perspective,
        local,
        limiter,
        breaker,
        maxWaitMs: p.maxWaitMs,
        backoffInitialMs: p.backoffInitialMs,
        backoffMaxMs: p.backoffMaxMs,
        uncertainBand: site.perspective.uncertainBand,
        logger: log.child({ site: site.id }),
      }),
    );
    log.info({ site: site.id, mode, requestsPerSecond: p.requestsPerSecond, timeoutMs: p.timeoutMs }, 'Perspective enabled');
  }
  return (siteId) => bySite.get(siteId) ?? local;
}
