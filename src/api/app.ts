/**
 * The HTTP API as an Express app: security headers, request logging and metrics, the public v1
 * routes, and one error handler. Everything it talks to arrives in `ApiDeps`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config, SiteConfig } from '../../config';
import type { ArticleStore } from '../infra/article-store';
import type { CommentStore } from '../infra/comment-store';
import type { DeadLetterStore } from '../infra/dead-letter-store';
import type { LabelStore } from '../infra/label-store';
import type { Metrics } from '../infra/metrics';
import type { Outbox } from '../infra/outbox';
import type { ModerationJobs } from '../infra/moderation-jobs';
import type { Logger } from '../logger';
import type { ModeratorDirectory } from '../security/moderators';
import type { SeenSignatures } from '../infra/seen-signatures';
import { precheckCaller, requireModeratorOrSignature, requireSignature, resolveSite } from './middleware/auth';
import { rawBody, UploadSlots } from './middleware/body';
import { errorHandler, notFoundHandler } from './middleware/errors';
import { commentReadRoutes } from './routes/comments-read';
import { deadLetterRoutes } from './routes/dead-letters';
import { erasureRoutes } from './routes/erasure';
import type { EraseDeps } from '../use-cases/erase';
import { labelRoutes } from './routes/labels';
import { opsRoutes } from './routes/ops';
import { webhookRoutes } from './routes/webhooks';
import { createSchemas } from './schemas';
import { createIngestLane, headersSetBy, requestIdOf } from './ingest-lane';

export interface ApiDeps {
  config: Readonly<Config>;
  /** The configured sites by id. */
  sites: ReadonlyMap<string, SiteConfig>;
  logger: Logger;
  comments: CommentStore;
  articles: ArticleStore;
  /** Where stored comments' moderation jobs go (grouped). */
  jobs: ModerationJobs;
  /** CMS events waiting for delivery (re-drive of dead letters). */
  outbox: Outbox;
  /** Erasure of comments and authors. */
  erasure: EraseDeps;
  deadLetters: DeadLetterStore;
  /** Sites' labelled histories (POST …/labels); the route is absent without it. */
  labels?: LabelStore;
  moderators: ModeratorDirectory;
  metrics: Metrics;
  /** Signed requests already accepted (replay protection). */
  seenSignatures: SeenSignatures;
  /** The process's cap on bodies read at once (default: one of the app's own). */
  uploadSlots?: UploadSlots;
  /** Resolves when Redis and the queue are usable; rejects with the reason otherwise. */
  ready: () => Promise<void>;
  now: () => Date;
  /** Further routers (the moderators' API and page), mounted before the site API; each checks its own callers. */
  extensions?: Array<{ path: string; router: Router }>;
}

export function createApp(deps: ApiDeps): Express {
  const { config, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  app.use(securityHeaders);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = requestIdOf(req);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customAttributeKeys: { reqId: 'reqId' },
      serializers: {
        // Live-update tickets are single-use credentials: keep them out of the logs.
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/([?&]ticket=)[^&]*/g, '$1[redacted]') }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      // Successful requests are logged at debug: at thousands of comments a second an info line per
      // request would cost more CPU than storing the comment. Failures stay at warn/error.
      customLogLevel: (_req, res, err) => (res.statusCode >= 500 || err ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use((req, res, next) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = routeLabel(req);
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ route });
    });
    next();
  });

  app.use(opsRoutes(deps.ready, metrics.registry, { token: config.metrics.token, production: config.env === 'production' }));
  // Extensions (the moderators' API under /v1/sites/:site/moderation) check their own callers, so
  // they go before the site API's pre-body signature check.
  for (const ext of deps.extensions ?? []) app.use(ext.path, ext.router);

  const signature = { toleranceSeconds: config.http.signatureToleranceSeconds, seen: deps.seenSignatures };
  const slots = deps.uploadSlots ?? new UploadSlots(config.http.maxConcurrentUploads);
  const webhook = { ...deps, schemas: createSchemas(config.limits), limits: config.limits };
  const signed = requireSignature(signature);
  const signedOrModerator = requireModeratorOrSignature(deps.moderators, signature);
  const siteApi = express.Router({ mergeParams: true });
  // Site and caller are checked before a byte of body is read; bodies share one cap on concurrent uploads.
  siteApi.use(
    resolveSite(deps.sites),
    precheckCaller(deps.moderators, signature.toleranceSeconds),
    rawBody({
      limitBytes: config.http.bodyLimitBytes,
      limitFor: (req) => (req.method === 'POST' && BATCH_ROUTES.has(req.path) ? config.http.batchBodyLimitBytes : undefined),
      slots,
    }),
  );
  siteApi.use(webhookRoutes(webhook, signed));
  siteApi.use(commentReadRoutes(deps.comments, signedOrModerator));
  if (deps.labels) siteApi.use(labelRoutes(deps.labels, config.limits.batchSize, signed));
  siteApi.use(deadLetterRoutes(deps.deadLetters, deps.outbox, signedOrModerator));
  siteApi.use(erasureRoutes(deps.erasure, signedOrModerator));
  app.use('/v1/sites/:site', siteApi);

  app.use(notFoundHandler());
  app.use(errorHandler());

  // The comment webhook skips Express when it can (src/api/ingest-lane.ts); everything else, and any
  // comment request the lane leaves, goes through the app above.
  const lane = createIngestLane({ sites: deps.sites, signature, slots, bodyLimitBytes: config.http.bodyLimitBytes, headers: headersSetBy(securityHeaders), logger: deps.logger, metrics, webhook });
  // `app(req, res)` calls `app.handle` (Express 5, lib/express.js), so the app object, its routes and
  // every server or test that mounts it keep working unchanged.
  const entry = app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void };
  const handle = entry.handle.bind(app);
  entry.handle = (req, res, next) => {
    if (!lane(req, res)) handle(req, res, next);
  };
  return app;
}

/** Routes that take many items in one body, with the larger body limit. */
const BATCH_ROUTES = new Set(['/comments/batch', '/labels']);

/** The route's pattern for metrics labels: never a site id, comment id or unmatched raw path. */
function routeLabel(req: express.Request): string {
  if (!req.route) return 'unmatched';
  return `${req.baseUrl.replace(/^\/v1\/sites\/[^/]+/, '/v1/sites/:site')}${req.route.path}`;
}
