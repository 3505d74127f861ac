/** `GET desk`: the desk lead's figures for the last 24 hours, as data and as SVG charts. */
import { Router } from 'express';
import type { ModerationApiDeps } from './deps';
import { backlogChart, overturnChart, perHourChart } from './desk-charts';

export function deskRoutes(deps: ModerationApiDeps): Router {
  const router = Router({ mergeParams: true });
  router.get('/desk', async (req, res) => {
    const site = req.site!.id;
    const now = deps.decide.now();
    const current = await deps.desk.sampleBacklog(site, now);
    const figures = await deps.desk.figures(site, now);
    res.set('Cache-Control', 'no-store').json({
      current,
      figures,
      charts: { backlog: backlogChart(figures.backlog), perHour: perHourChart(figures.perHour), overturns: overturnChart(figures.overturns) },
    });
  });
  return router;
}
