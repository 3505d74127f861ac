/**
 * The factory the worker calls: which site gets which classifier, the key taken from the given
 * environment and never logged, and the start-up notice that Perspective ends after 2026.
 */
import type Redis from 'ioredis';
import { loadConfig } from '../../config';
import { createSiteClassifiers, perspectiveNotices } from '../../src/infra/perspective/site-classifiers';
import { FakePerspective, INTERNAL_500 } from './support/fake-perspective';
import { TinyLocal, captureLogger, connect, deleteKeys, uniquePrefix } from './support/helpers';

const KEY = 'AIzaFAKE-site-key-do-not-log';
const prefix = uniquePrefix('sites');
let redis: Redis;
let fake: FakePerspective;

beforeAll(async () => {
  redis = connect();
  fake = await FakePerspective.start();
});
afterAll(async () => {
  await fake.close();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

const site = (id: string, perspective?: object) => ({ id, webhookSecrets: ['a-long-secret'], ...(perspective ? { perspective } : {}) });

function configWith(sites: object[]) {
  return loadConfig({
    overrides: {
      redis: { prefix },
      perspective: { endpoint: fake.endpoint, requestsPerSecond: 20 },
      sites,
      moderators: [],
    },
  });
}

const config = () =>
  configWith([
    site('plain'),
    site('off', { mode: 'off' }),
    site('strict', { mode: 'perspective', apiKeyEnv: 'STRICT_PERSPECTIVE_KEY' }),
    site('thrifty', { mode: 'local-then-perspective', apiKeyEnv: 'STRICT_PERSPECTIVE_KEY' }),
    site('keyless', { mode: 'perspective', apiKeyEnv: 'MISSING_PERSPECTIVE_KEY' }),
  ]);

describe('createSiteClassifiers', () => {
  it('gives the local model to sites without Perspective, switched off, without a key, or unknown', () => {
    const local = new TinyLocal();
    const { logger, lines } = captureLogger();
    const classifierFor = createSiteClassifiers({ config: config(), redis, local, logger, env: { STRICT_PERSPECTIVE_KEY: KEY } });
    for (const id of ['plain', 'off', 'keyless', 'nope']) expect(classifierFor(id)).toBe(local);
    expect(classifierFor('strict')).not.toBe(local);
    expect(classifierFor('thrifty').name).toBe('local-then-perspective');
    expect(lines.join('')).toMatch(/"site":"keyless".*MISSING_PERSPECTIVE_KEY.*local model/);
  });

  it('sends the key from the given environment and keeps it out of every log line, failures included', async () => {
    const { logger, lines } = captureLogger();
    const classifierFor = createSiteClassifiers({ config: config(), redis, local: new TinyLocal(), logger, env: { STRICT_PERSPECTIVE_KEY: KEY } });
    expect((await classifierFor('strict').classify({ text: 'you idiot' })).provider).toBe('perspective');
    expect(fake.requests.at(-1)?.key).toBe(KEY);
    fake.reply = () => INTERNAL_500;
    expect((await classifierFor('strict').classify({ text: 'hello' })).provider).toBe('local (perspective unavailable: server error)');
    expect(lines.some((l) => l.includes('"kind":"server-error"'))).toBe(true);
    expect(lines.join('\n')).not.toContain(KEY);
  });

  it('logs the end-of-2026 notice at start-up for each site that enables Perspective', () => {
    const { logger, lines } = captureLogger();
    createSiteClassifiers({ config: config(), redis, local: new TinyLocal(), logger, env: {} });
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 40 && /2026/.test(l.msg));
    expect(warnings).toHaveLength(3);
  });
});

describe('perspectiveNotices', () => {
  it('says nothing when no site uses Perspective', () => {
    expect(perspectiveNotices(configWith([site('plain'), site('off', { mode: 'off' })]))).toEqual([]);
  });

  it('says the API ends after 2026 and how to switch it off, naming the setting', () => {
    const notices = perspectiveNotices(configWith([site('plain'), site('strict', { mode: 'perspective' })]));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('"strict"');
    expect(notices[0]).toMatch(/stops serving after 2026/);
    expect(notices[0]).toContain('set sites[1].perspective.mode to "off"');
    expect(notices[0]).toMatch(/remove .*"perspective" block/);
  });
});
