/**
 * The drop-in protocols as routers for `createApp`: the Perspective-compatible API (`/v1alpha1`),
 * Coral's external moderation phase (`/v1/integrations/coral/:site`), the inline check
 * (`/v1/sites/:site/comments:check`) and the API description (`/openapi.json`).
 */
import { keyBase } from '../infra/keys';
import type { Router } from 'express';
import type { Runtime } from '../container';
import { AuthorStore } from '../infra/author-store';
import { createPublisher } from '../infra/events';
import { LabelStore } from '../infra/label-store';
import { ApiKeyDirectory } from '../security/api-keys';
import type { DecideInlineDeps } from '../use-cases/decide-inline';
import { precheckCaller, requireSignature, resolveSite } from './middleware/auth';
import { rawBody } from './middleware/body';
import { openApiRoute } from './openapi';
import { checkRoutes } from './routes/check';
import { coralRoutes } from './routes/coral';
import { perspectiveCompatRoutes } from './routes/perspective-compat';
import { createSchemas } from './schemas';

export function dropinRoutes(runtime: Runtime): Array<{ path: string; router: Router }> {
  const { config } = runtime;
  const { comments, articles, siteTerms } = runtime.apiStores;
  const judgeInline = runtime.judgeInline.bind(runtime);
  const inline: DecideInlineDeps = {
    keys: runtime.keys,
    comments,
    articles,
    jobs: runtime.jobs,
    threadSize: config.worker.threadSize,
    repeatWindowSeconds: config.worker.repeatWindowSeconds,
    now: runtime.now,
    siteTerms,
    publish: createPublisher(runtime.apiRedis, runtime.keys),
    // Moderators' decisions about authors (ban, suspension, trust) apply inline as in the worker.
    authors: new AuthorStore(runtime.apiRedis, runtime.keys),
    judgeInline,
  };
  const tolerance = config.http.signatureToleranceSeconds;
  // As on the site API: site and caller checked before the body is read, the full signature check last.
  const site = checkRoutes({ ...inline, schemas: createSchemas(config.limits) }, [
    resolveSite(runtime.sites),
    precheckCaller(runtime.moderators, tolerance),
    rawBody(config.http.bodyLimitBytes),
    requireSignature({ toleranceSeconds: tolerance, seen: runtime.seenSignatures }),
  ]);
  return [
    {
      path: '/v1alpha1',
      router: perspectiveCompatRoutes({
        keys: new ApiKeyDirectory(config.sites),
        redis: runtime.apiRedis,
        redisPrefix: keyBase(config.redis.prefix),
        judge: judgeInline,
        labels: new LabelStore(runtime.apiRedis, runtime.keys),
        storesSuggestions: (id) => runtime.sites.get(id)?.storeSuggestedScores ?? false,
        now: runtime.now,
      }),
    },
    { path: '/v1/integrations/coral', router: coralRoutes({ ...inline, sites: runtime.sites, bodyLimitBytes: config.http.bodyLimitBytes, commentChars: config.limits.commentChars }) },
    { path: '/v1/sites/:site', router: site },
    { path: '/', router: openApiRoute(config) },
  ];
}
