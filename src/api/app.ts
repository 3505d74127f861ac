/**
 * The HTTP API as an Express app: security headers, request logging and metrics, the public v1
 * routes, and one error handler. Everything it talks to arrives in `ApiDeps`.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config, SiteConfig } from '../../config';
import type { ArticleStore } from '../infra/article-store';
import type { CommentStore } from '../infra/comment-store';
import type { DeadLetterStore } from '../infra/dead-letter-store';
import type { Metrics } from '../infra/metrics';
import type { Outbox } from '../infra/outbox';
import type { ModerationQueue } from '../infra/queues';
import type { Logger } from '../logger';
import type { ModeratorDirectory } from '../security/moderators';
import { requireModeratorOrSignature, requireSignature, resolveSite } from './middleware/auth';
import { rawBody } from './middleware/body';
import { errorHandler, notFoundHandler } from './middleware/errors';
import { commentReadRoutes } from './routes/comments-read';
import { deadLetterRoutes } from './routes/dead-letters';
import { erasureRoutes } from './routes/erasure';
import type { EraseDeps } from '../use-cases/erase';
import { opsRoutes } from './routes/ops';
import { webhookRoutes } from './routes/webhooks';
import { createSchemas } from './schemas';

export interface ApiDeps {
  config: Readonly<Config>;
  /** The configured sites by id. */
  sites: ReadonlyMap<string, SiteConfig>;
  logger: Logger;
  comments: CommentStore;
  articles: ArticleStore;
  queue: ModerationQueue;
  /** CMS events waiting for delivery (re-drive of dead letters). */
  outbox: Outbox;
  /** Erasure of comments and authors. */
  erasure: EraseDeps;
  deadLetters: DeadLetterStore;
  moderators: ModeratorDirectory;
  metrics: Metrics;
  /** Resolves when Redis and the queue are usable; rejects with the reason otherwise. */
  ready: () => Promise<void>;
  now: () => Date;
  /** Further routers (the moderators' API and page), mounted before the 404 handler. */
  extensions?: Array<{ path: string; router: Router }>;
}

export function createApp(deps: ApiDeps): Express {
  const { config, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  app.use(
    helmet({
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
    }),
  );
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customAttributeKeys: { reqId: 'reqId' },
      serializers: {
        // Live-update tickets are single-use credentials: keep them out of the logs.
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/([?&]ticket=)[^&]*/g, '$1[redacted]') }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (res.statusCode >= 500 || err ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use((req, res, next) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ route });
    });
    next();
  });

  app.use(opsRoutes(deps.ready, metrics.registry));

  const tolerance = config.http.signatureToleranceSeconds;
  const signed = requireSignature(tolerance);
  const signedOrModerator = requireModeratorOrSignature(deps.moderators, tolerance);
  const siteApi = express.Router({ mergeParams: true });
  siteApi.use(resolveSite(deps.sites), rawBody(config.http.bodyLimitBytes));
  siteApi.use(webhookRoutes({ ...deps, schemas: createSchemas(config.limits), limits: config.limits }, signed));
  siteApi.use(commentReadRoutes(deps.comments, signedOrModerator));
  siteApi.use(deadLetterRoutes(deps.deadLetters, deps.outbox, signedOrModerator));
  siteApi.use(erasureRoutes(deps.erasure, signedOrModerator));
  app.use('/v1/sites/:site', siteApi);

  for (const ext of deps.extensions ?? []) app.use(ext.path, ext.router);
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
