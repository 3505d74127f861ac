/**
 * Prometheus gauges of the flagged queue, read from Redis at scrape time so every process reports
 * the same figures: `moderation_flagged_backlog{site}` (items waiting now) and
 * `moderation_flagged_oldest_age_seconds{site}` (how long the oldest has waited).
 */
import { Gauge, type Registry } from 'prom-client';
import type { DeskStatsStore } from '../../infra/desk-stats-store';

/** Registers the gauges (once per registry); returns a function that removes them. */
export function registerDeskGauges(registry: Registry, desk: DeskStatsStore, sites: readonly string[], now: () => Date): () => void {
  const names = ['moderation_flagged_backlog', 'moderation_flagged_oldest_age_seconds'];
  if (names.some((n) => registry.getSingleMetric(n))) return () => undefined;
  const read = async () => Promise.all(sites.map(async (site) => [site, await desk.backlog(site, now())] as const));
  new Gauge({
    name: names[0],
    help: 'Flagged comments waiting for a moderator now',
    labelNames: ['site'],
    registers: [registry],
    async collect() {
      for (const [site, b] of await read()) this.set({ site }, b.backlog);
    },
  });
  new Gauge({
    name: names[1],
    help: 'Age of the oldest flagged comment waiting for a moderator, in seconds (0 when none)',
    labelNames: ['site'],
    registers: [registry],
    async collect() {
      for (const [site, b] of await read()) this.set({ site }, Math.round(b.oldestAgeSeconds));
    },
  });
  return () => names.forEach((n) => registry.removeSingleMetric(n));
}
