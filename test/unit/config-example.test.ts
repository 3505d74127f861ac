import path from 'node:path';
import { loadConfig, sha256Hex } from '../../config';

const EXAMPLE = path.resolve(__dirname, '../../config/sites.example.json');
const env = {
  NODE_ENV: 'production',
  CONFIG_FILE: EXAMPLE,
  EXAMPLE_NEWS_WEBHOOK_SECRET: 'a-long-random-secret-for-tests',
  EXAMPLE_NEWS_CALLBACK_URL: 'https://cms.example.com/hooks/comment-moderated',
  MODERATOR_TOKEN_SHA256: sha256Hex('a-real-moderator-token'),
};

describe('config/sites.example.json', () => {
  it('is accepted in production with its secrets taken from the environment', () => {
    const config = loadConfig({ env });
    expect(config.env).toBe('production');
    expect(config.sites).toHaveLength(1);
    expect(config.sites[0]).toMatchObject({
      id: 'example-news',
      webhookSecrets: [env.EXAMPLE_NEWS_WEBHOOK_SECRET],
      callbackUrl: env.EXAMPLE_NEWS_CALLBACK_URL,
    });
    expect(config.moderators).toEqual([
      { name: 'newsroom-moderators', tokenSha256: env.MODERATOR_TOKEN_SHA256, sites: ['example-news'], role: 'senior' },
    ]);
  });

  it('replaces the embedded demo site and moderator instead of adding to them', () => {
    const config = loadConfig({ env });
    expect(config.sites.map((s) => s.id)).not.toContain('demo');
    expect(config.moderators.map((m) => m.name)).not.toContain('demo-moderator');
  });

  it('names the missing environment variable when a secret is not set', () => {
    expect(() => loadConfig({ env: { ...env, EXAMPLE_NEWS_WEBHOOK_SECRET: undefined } })).toThrow(
      /EXAMPLE_NEWS_WEBHOOK_SECRET is not set/,
    );
  });

  it('refuses the embedded defaults in production, naming the default secret', () => {
    expect(() => loadConfig({ env: { NODE_ENV: 'production' } })).toThrow(/webhookSecrets\[0\] is the default secret/);
  });

  it('refuses the example in production when its secret is set to the default one', () => {
    expect(() => loadConfig({ env: { ...env, EXAMPLE_NEWS_WEBHOOK_SECRET: 'demo-secret' } })).toThrow(
      /sites\[example-news\]\.webhookSecrets\[0\] is the default secret/,
    );
  });
});
