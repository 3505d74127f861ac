/**
 * Loads, validates and freezes the configuration once at start-up.
 *
 * Sources, later ones winning: `config/default.json` (the embedded demo site), the JSON file named by
 * `CONFIG_FILE` (its `sites` and `moderators` replace the defaults'), then single environment variables.
 * String values may reference the environment as `${NAME}`, so secrets can stay out of files.
 * This module is the only place that reads `process.env` (callers pass it in).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigSchema, type Config } from './schema';
import defaults from './default.json';

export type { Config, SiteConfig, ModeratorConfig } from './schema';

/** Secrets and tokens of the embedded defaults: refused when `NODE_ENV=production`. */
export const DEFAULT_SECRETS = ['demo-secret', 'demo-coral-secret'];
export const DEFAULT_TOKENS = ['demo-moderator', 'demo-perspective-key'];
export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Environment variable → config path. Numbers and booleans are parsed. */
export const ENV_KEYS: Array<[string, string[], 'string' | 'number' | 'boolean']> = [
  ['NODE_ENV', ['env'], 'string'],
  ['LOG_LEVEL', ['logLevel'], 'string'],
  ['PORT', ['http', 'port'], 'number'],
  ['HOST', ['http', 'host'], 'string'],
  ['BODY_LIMIT_BYTES', ['http', 'bodyLimitBytes'], 'number'],
  ['TRUST_PROXY', ['http', 'trustProxy'], 'boolean'],
  ['BATCH_BODY_LIMIT_BYTES', ['http', 'batchBodyLimitBytes'], 'number'],
  ['HTTP_MAX_UPLOADS', ['http', 'maxConcurrentUploads'], 'number'],
  ['HTTP_HEADERS_TIMEOUT_MS', ['http', 'headersTimeoutMs'], 'number'],
  ['HTTP_REQUEST_TIMEOUT_MS', ['http', 'requestTimeoutMs'], 'number'],
  ['HTTP_KEEP_ALIVE_TIMEOUT_MS', ['http', 'keepAliveTimeoutMs'], 'number'],
  ['HTTP_MAX_REQUESTS_PER_SOCKET', ['http', 'maxRequestsPerSocket'], 'number'],
  ['HTTP_MAX_CONNECTIONS', ['http', 'maxConnections'], 'number'],
  ['METRICS_TOKEN', ['metrics', 'token'], 'string'],
  ['ADMIN_TOKEN_SHA256', ['admin', 'tokenSha256'], 'string'],
  ['COMMENT_MAX_CHARS', ['limits', 'commentChars'], 'number'],
  ['REDIS_URL', ['redis', 'url'], 'string'],
  ['REDIS_PREFIX', ['redis', 'prefix'], 'string'],
  ['REDIS_START_LOCAL', ['redis', 'startLocal'], 'boolean'],
  ['REDIS_CLUSTER_NODES', ['redis', 'clusterNodes'], 'string'],
  ['REDIS_QUEUE_SHARDS', ['redis', 'queueShards'], 'number'],
  ['REDIS_SOCKET_TIMEOUT_MS', ['redis', 'socketTimeoutMs'], 'number'],
  ['API_PROCESSES', ['http', 'processes'], 'number'],
  ['WORKER_CONCURRENCY', ['worker', 'concurrency'], 'number'],
  ['WORKER_METRICS_PORT', ['worker', 'metricsPort'], 'number'],
  ['WORKER_WATCHDOG_INTERVAL_MS', ['worker', 'watchdogIntervalMs'], 'number'],
  ['WORKER_WATCHDOG_IDLE_MS', ['worker', 'watchdogIdleMs'], 'number'],
  ['MODERATION_GROUP_WINDOW_MS', ['worker', 'groupWindowMs'], 'number'],
  ['MODERATION_GROUP_MAX', ['worker', 'groupMax'], 'number'],
  ['CALLBACK_TIMEOUT_MS', ['callbacks', 'timeoutMs'], 'number'],
  ['CALLBACK_ATTEMPTS', ['callbacks', 'attempts'], 'number'],
  ['CALLBACK_BACKOFF_MS', ['callbacks', 'backoffMs'], 'number'],
  ['CALLBACK_CONCURRENCY', ['callbacks', 'concurrency'], 'number'],
  ['CALLBACK_POLL_MS', ['callbacks', 'pollMs'], 'number'],
  ['RETENTION_DECIDED_DAYS', ['retention', 'decidedDays'], 'number'],
  ['RETENTION_SWEEP_INTERVAL_MS', ['retention', 'sweepIntervalMs'], 'number'],
  ['SITE_LEARNING_ENABLED', ['siteLearning', 'enabled'], 'boolean'],
  ['SITE_LEARNING_MIN_LABELS', ['siteLearning', 'minLabels'], 'number'],
  ['SITE_LEARNING_MIN_NEW_LABELS', ['siteLearning', 'minNewLabels'], 'number'],
  ['SITE_LEARNING_RETRAIN_EVERY_MS', ['siteLearning', 'retrainEveryMs'], 'number'],
  ['SITE_LEARNING_ADAPTER_CACHE_MS', ['siteLearning', 'adapterCacheMs'], 'number'],
  ['PERSPECTIVE_ENDPOINT', ['perspective', 'endpoint'], 'string'],
  ['PERSPECTIVE_RPS', ['perspective', 'requestsPerSecond'], 'number'],
  ['PERSPECTIVE_TIMEOUT_MS', ['perspective', 'timeoutMs'], 'number'],
];

function parseEnvValue(name: string, raw: string, type: 'string' | 'number' | 'boolean'): unknown {
  if (type === 'string') return raw;
  if (type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${name}: expected a number, got "${raw}"`);
    return n;
  }
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name}: expected true or false, got "${raw}"`);
}

function setPath(obj: Record<string, unknown>, keys: string[], value: unknown): void {
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

/** Replaces `${NAME}` in every string with the environment's value; a missing variable is an error. */
function interpolate(value: unknown, env: Env, where: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(`${where}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, `${where}.${k}`)]));
  }
  return value;
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
    return out;
  }
  return over;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

export interface LoadConfigOptions {
  env?: Env;
  /** Extra values merged last (tests use this instead of files). */
  overrides?: Record<string, unknown>;
}

/** Builds the validated, frozen config; throws `ConfigError` naming the offending key. */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<Config> {
  const env = options.env ?? {};
  let raw: unknown = structuredClone(defaults);
  if (env.CONFIG_FILE) {
    const file = path.resolve(env.CONFIG_FILE);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`CONFIG_FILE ${file}: ${(err as Error).message}`);
    }
    raw = deepMerge(raw, parsed);
  }
  raw = interpolate(raw, env, 'config');
  for (const [name, keys, type] of ENV_KEYS) {
    const v = env[name];
    if (v !== undefined && v !== '') setPath(raw as Record<string, unknown>, keys, parseEnvValue(name, v, type));
  }
  raw = deepMerge(raw, options.overrides);

  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.env === 'production') assertNoDefaultSecrets(config);
  return deepFreeze(config);
}

/** Production refuses to run with the demo secret or token anywhere. */
export function assertNoDefaultSecrets(config: Config): void {
  const problems: string[] = [];
  const defaultHashes = new Set(DEFAULT_TOKENS.map(sha256Hex));
  for (const site of config.sites) {
    site.webhookSecrets.forEach((s, i) => {
      if (DEFAULT_SECRETS.includes(s)) problems.push(`sites[${site.id}].webhookSecrets[${i}] is the default secret`);
    });
    site.coral.signingSecrets.forEach((s, i) => {
      if (DEFAULT_SECRETS.includes(s)) problems.push(`sites[${site.id}].coral.signingSecrets[${i}] is the default secret`);
    });
    site.perspectiveKeys.forEach((k, i) => {
      if (defaultHashes.has(k.keySha256)) problems.push(`sites[${site.id}].perspectiveKeys[${i}] (${k.name}) is the default key`);
    });
  }
  config.moderators.forEach((m, i) => {
    if (defaultHashes.has(m.tokenSha256)) problems.push(`moderators[${i}] (${m.name}) uses the default token`);
  });
  if (problems.length) {
    throw new ConfigError(
      `refusing to start with NODE_ENV=production while default secrets are in use:\n  ${problems.join('\n  ')}\n` +
        'Set CONFIG_FILE to a config with your own sites, secrets and moderator token hashes (see docs/configuration.md, "Production refusals").',
    );
  }
}
