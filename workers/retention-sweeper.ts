/**
 * Retention: every `intervalMs`, erases each site's comments decided (approved/rejected) longer
 * ago than the site keeps them (`retentionDays`, else `retention.decidedDays`; 0 keeps them), in
 * batches, with an audit record per batch. Safe to run in several worker processes at once.
 */
import type { SiteConfig } from '../config';
import type { Logger } from '../src/logger';
import { sweepRetention, type EraseDeps } from '../src/use-cases/erase';

export interface RetentionSweeperOptions {
  sites: ReadonlyMap<string, SiteConfig>;
  defaultDays: number;
  intervalMs: number;
  deps: EraseDeps;
  logger: Logger;
}

const DAY_MS = 24 * 3600 * 1000;

export function startRetentionSweeper(opts: RetentionSweeperOptions): { close(): void } {
  const retained = [...opts.sites.values()].map((s) => [s.id, s.retentionDays ?? opts.defaultDays] as const).filter(([, days]) => days > 0);
  if (retained.length === 0) return { close: () => undefined };
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      for (const [site, days] of retained) {
        for (;;) {
          const r = await sweepRetention(site, days * DAY_MS, opts.deps);
          if (r.comments > 0) opts.logger.info({ site, ...r }, 'retention: erased comments past their retention');
          if (r.comments < 500) break;
        }
      }
    } catch (err) {
      opts.logger.error({ err: (err as Error).message }, 'retention sweep failed; retrying at the next interval');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), opts.intervalMs);
  timer.unref();
  void sweep();
  return { close: () => clearInterval(timer) };
}
