/** `POST /v1/sites/:site/comments/:id/reports`: a reader's report, forwarded by the site's CMS (signed). */
import { Router } from 'express';
import { notFound } from '../../errors';
import { readerReport, type ReaderReportDeps } from '../../use-cases/reader-report';
import { precheckSignatureHeader, requireSignature, resolveSite, type SignatureOptions } from '../middleware/auth';
import { parseJsonBody, rawBody, type UploadSlots } from '../middleware/body';
import { Id, parseOr422 } from '../schemas';
import type { SiteConfig } from '../../../config';
import { ReportBody } from './schemas';

export interface ReportRouteOptions {
  sites: ReadonlyMap<string, SiteConfig>;
  bodyLimitBytes: number;
  /** Shared cap on bodies read at once (a forged but fresh signature header passes the pre-check). */
  slots?: UploadSlots;
  signature: SignatureOptions;
  deps: ReaderReportDeps;
}

export function reportRoute(opts: ReportRouteOptions): Router {
  const router = Router({ mergeParams: true });
  router.post('/comments/:id/reports', resolveSite(opts.sites), precheckSignatureHeader(opts.signature.toleranceSeconds), rawBody({ limitBytes: opts.bodyLimitBytes, slots: opts.slots }), requireSignature(opts.signature), async (req, res) => {
    const id = Id.safeParse(req.params.id);
    if (!id.success) throw notFound(`comment "${String(req.params.id).slice(0, 200)}"`);
    const body = parseOr422(ReportBody, parseJsonBody(req.rawBody), 'report');
    const site = req.site!;
    res.status(201).json(await readerReport({ site: site.id, commentId: id.data, ...body, threshold: site.reportThreshold }, opts.deps));
  });
  return router;
}
