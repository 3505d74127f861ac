/**
 * Process entry: `--role all` (default: API and workers in one process), `--role api` or
 * `--role worker` (scale workers out). Loads the config, makes sure Redis answers, starts the
 * roles, and shuts down gracefully on SIGTERM/SIGINT. With `http.processes` ≠ 1 the `api` role is a
 * Node cluster: this process forks that many API processes sharing the port and passes signals on.
 */
import cluster from 'node:cluster';
import http from 'node:http';
import os from 'node:os';
import express from 'express';
import { ConfigError, loadConfig } from '../config';
import { moderatorExtensions, type ModeratorExtensions } from './api/moderation';
import { Runtime } from './container';
import { redisAnswers, startLocalRedis, type LocalRedis } from './infra/local-redis';
import { clusterNodesOf } from './infra/redis';
import { youngGenerationNotice } from './runtime-flags';
import { opsRoutes } from './api/routes/ops';
import { createHttpServer } from './api/server';
import { perspectiveNotices } from './infra/perspective/site-classifiers';
import { createLogger } from './logger';

type Role = 'all' | 'api' | 'worker';

function parseRole(argv: string[]): Role {
  const i = argv.indexOf('--role');
  const role = (i >= 0 ? argv[i + 1] : 'all') as Role;
  if (!['all', 'api', 'worker'].includes(role)) throw new ConfigError(`--role must be all, api or worker (got "${role}")`);
  return role;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
}

async function main(): Promise<void> {
  const role = parseRole(process.argv.slice(2));
  const config = loadConfig({ env: process.env });
  const logger = createLogger(config.logLevel, { role });

  let localRedis: LocalRedis | null = null;
  // A Redis Cluster is never started locally: its nodes are checked by the connection itself.
  if (!clusterNodesOf(config.redis) && !(await redisAnswers(config.redis.url))) {
    if (config.redis.startLocal && config.env !== 'production') localRedis = await startLocalRedis(config.redis.url);
    if (!localRedis) {
      throw new ConfigError(
        `Redis does not answer at REDIS_URL=${config.redis.url}. Start one (e.g. \`redis-server\`, \`docker compose up redis\`, or \`apt-get install redis-server\`) or point REDIS_URL at yours (see docs/configuration.md).`,
      );
    }
    logger.warn({ url: config.redis.url }, 'started a private, non-persistent redis-server for local use; it stops with this process');
  }

  const processes = config.http.processes === 0 ? os.availableParallelism() : config.http.processes;
  if (role === 'api' && processes > 1 && cluster.isPrimary) return superviseApiProcesses(processes, logger, localRedis);

  const runtime = await Runtime.create({ config, logger, env: process.env });
  const servers: http.Server[] = [];
  let moderation: ModeratorExtensions | undefined;
  if (role !== 'worker') {
    moderation = moderatorExtensions({ runtime, config, logger });
    const server = createHttpServer(runtime.createApp(moderation), config.http);
    const port = await listen(server, config.http.port, config.http.host);
    servers.push(server);
    logger.info({ port }, `API listening on http://${config.http.host}:${port}`);
  }
  // Workers log the Perspective notices when they build their classifiers; an API-only process says it here.
  if (role === 'api') for (const notice of perspectiveNotices(config)) logger.warn(notice);
  if (role !== 'api') {
    runtime.startWorkers();
    logger.info({ concurrency: config.worker.concurrency }, 'workers started');
    const notice = youngGenerationNotice(process.execArgv, process.env.NODE_OPTIONS);
    if (notice) logger.warn(notice);
    if (role === 'worker') {
      const ops = express().use(opsRoutes(() => runtime.ready(), runtime.metrics.registry, { token: config.metrics.token, production: config.env === 'production' }));
      const server = createHttpServer(ops, config.http);
      const port = await listen(server, config.worker.metricsPort, config.http.host);
      servers.push(server);
      logger.info({ port }, 'worker health and metrics listening');
    }
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing jobs in flight');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 30_000).unref();
    await moderation?.close(); // ends live-update streams, which would otherwise hold the server open
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await runtime.close();
    localRedis?.stop();
    clearTimeout(force);
    logger.info('stopped');
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** The primary of an API cluster: forks the API processes, replaces one that dies, forwards SIGTERM/SIGINT. */
function superviseApiProcesses(count: number, logger: ReturnType<typeof createLogger>, localRedis: LocalRedis | null): void {
  let stopping = false;
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        localRedis?.stop();
        logger.info('stopped');
      }
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'API process exited; starting another');
    cluster.fork();
  });
  logger.info({ processes: count }, 'API cluster started');
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down the API processes');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  const message = err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err);
  process.stderr.write(`comment-moderation: ${message}\n`);
  process.exit(1);
});
