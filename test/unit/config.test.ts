import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, sha256Hex } from '../../config';

describe('configuration', () => {
  it('runs on the embedded defaults: site demo with its secret and moderator token', () => {
    const config = loadConfig({ env: {} });
    expect(config.sites.map((s) => s.id)).toEqual(['demo']);
    expect(config.sites[0].webhookSecrets).toEqual(['demo-secret']);
    expect(config.moderators[0].tokenSha256).toBe(sha256Hex('demo-moderator'));
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('refuses to start in production while a default secret or token is in use', () => {
    expect(() => loadConfig({ env: { NODE_ENV: 'production' } })).toThrow(/default secret[\s\S]*default token/);
  });

  it('takes single keys from the environment and names the key when a value is wrong', () => {
    expect(loadConfig({ env: { PORT: '8080', REDIS_PREFIX: '{x}' } }).http.port).toBe(8080);
    expect(() => loadConfig({ env: { PORT: 'eighty' } })).toThrow(/PORT: expected a number/);
    expect(() => loadConfig({ env: { WORKER_CONCURRENCY: '0' } })).toThrow(/worker\.concurrency/);
  });

  it('drops silent Redis connections after 30 s unless told otherwise, never sooner than a blocking fetch lasts', () => {
    expect(loadConfig({ env: {} }).redis.socketTimeoutMs).toBe(30_000);
    expect(loadConfig({ env: { REDIS_SOCKET_TIMEOUT_MS: '0' } }).redis.socketTimeoutMs).toBe(0);
    expect(loadConfig({ env: { REDIS_SOCKET_TIMEOUT_MS: '15000' } }).redis.socketTimeoutMs).toBe(15_000);
    expect(() => loadConfig({ env: { REDIS_SOCKET_TIMEOUT_MS: '5000' } })).toThrow(/redis\.socketTimeoutMs must be 0 \(never\) or at least 11000/);
  });

  it('reads sites from CONFIG_FILE with secrets taken from the environment', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'sites.json');
    writeFileSync(
      file,
      JSON.stringify({
        sites: [{ id: 'news', webhookSecrets: ['${NEWS_SECRET}'], callbackUrl: 'https://cms.example/hook' }],
        moderators: [{ name: 'ann', tokenSha256: sha256Hex('ann-token'), sites: ['news'] }],
      }),
    );
    const config = loadConfig({ env: { CONFIG_FILE: file, NEWS_SECRET: 'a-long-secret', NODE_ENV: 'production' } });
    expect(config.sites).toHaveLength(1);
    expect(config.sites[0].webhookSecrets).toEqual(['a-long-secret']);
    expect(() => loadConfig({ env: { CONFIG_FILE: file } })).toThrow(/NEWS_SECRET is not set/);
  });

  it('rejects a moderator scoped to an unknown site and duplicate site ids', () => {
    expect(() => loadConfig({ env: {}, overrides: { moderators: [{ name: 'x', tokenSha256: sha256Hex('t'), sites: ['nope'] }] } })).toThrow(/unknown site "nope"/);
    expect(() => loadConfig({ env: {}, overrides: { sites: [{ id: 'a', webhookSecrets: ['12345678'] }, { id: 'a', webhookSecrets: ['12345678'] }], moderators: [] } })).toThrow(/duplicate site id/);
  });
});
