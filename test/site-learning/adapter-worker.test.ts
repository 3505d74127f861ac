/**
 * End to end on the real service: the retraining job trains the site's adapter once enough labels arrive,
 * workers use it (and a newer version) without a restart, decisions record the adapter version, and
 * `classify --site` uses the same adapter.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { loadLocalClassifier } from '../../src/classifier/local-classifier';
import { AdapterStore } from '../../src/infra/adapter-store';
import { CommentStore } from '../../src/infra/comment-store';
import { LabelStore } from '../../src/infra/label-store';
import type { CommentRecord } from '../../src/moderation/record';
import { signRequest } from '../../src/security/signature';
import { trainSite } from '../../src/use-cases/train-site';
import { REDIS_URL, startService, waitFor, type TestService } from '../integration/harness';
import { siteHistory } from './site-data';

const ROOT = path.resolve(__dirname, '../..');
const SETTINGS = { adapterCacheMs: 200, retrainEveryMs: 1_000, minLabels: 100, minNewLabels: 20 };

let svc: TestService;
let labels: LabelStore;
let adapters: AdapterStore;
let comments: CommentStore;
beforeAll(async () => {
  svc = await startService({ name: 'site-adapter', overrides: { siteLearning: SETTINGS } });
  labels = new LabelStore(svc.runtime.apiRedis, svc.runtime.keys);
  adapters = new AdapterStore(svc.runtime.apiRedis, svc.runtime.keys);
  comments = new CommentStore(svc.runtime.apiRedis, svc.runtime.keys);
});
afterAll(() => svc.close());

async function moderated(id: string, body: string): Promise<CommentRecord> {
  const raw = JSON.stringify({ id, articleId: 'art-live', author: { id: `u-${id}` }, body });
  const url = '/v1/sites/demo/comments';
  await request(svc.app).post(url).set('Content-Type', 'application/json').set('X-Signature', signRequest('demo-secret', { method: 'POST', path: url, rawBody: raw })).send(raw).expect(202);
  return waitFor(async () => {
    const r = await comments.get('demo', id);
    return r && r.status !== 'queued' ? r : undefined;
  }, `a decision on ${id}`, 60_000);
}

const SLURRING = 'Typical sprocketeers behaviour, pushing the bus lanes on the rest of us.';

describe('site adapters in the service', () => {
  it('keeps the general model while the site has too few labels', async () => {
    await labels.addLabels('demo', siteHistory(2, 12, 3, 'few'));
    const deps = { labels, adapters, classifier: loadLocalClassifier(), settings: svc.config.siteLearning, now: () => new Date() };
    expect(await trainSite('demo', deps)).toEqual({ status: 'too-few-labels', labels: 24, needed: 100 });
    const record = await moderated('before', SLURRING);
    expect(record.decision?.adapter).toBeUndefined();
    expect(record.decision?.reasons.map((r) => r.code)).not.toContain('SITE_STANDARD');
  }, 90_000);

  it('is trained by the repeatable job once enough labels arrived, and decides with its version recorded', async () => {
    await labels.addLabels('demo', siteHistory(20, 12, 5, 'job'));
    const adapter = await waitFor(() => adapters.current('demo').then((a) => a ?? undefined), 'the retraining job to store an adapter', 240_000);
    expect(adapter).toMatchObject({ site: 'demo', version: 1, labelCount: 264, generalModelVersion: loadLocalClassifier().version });
    expect(adapter.report.adaptedAuc).toBeGreaterThan(adapter.report.generalAuc);

    const record = await moderated('after', SLURRING);
    expect(record.decision).toMatchObject({ adapter: { site: 'demo', version: 1 }, modelVersion: loadLocalClassifier().version });
    expect(record.status).not.toBe('approved');
    expect(record.decision!.reasons[0]).toMatchObject({ code: 'SITE_STANDARD', message: expect.stringContaining('"sprocketeers"') });
    const url = '/v1/sites/demo/comments/after';
    const view = await request(svc.app).get(url).set('X-Signature', signRequest('demo-secret', { method: 'GET', path: url, rawBody: '' })).expect(200);
    expect(view.body.adapter).toMatchObject({ version: 1, score: expect.any(Number) });

    // Inline judgments (comments:check, and so the Perspective and Coral routes) use the same adapter.
    const checkUrl = '/v1/sites/demo/comments:check';
    const checkBody = JSON.stringify({ id: 'inline', articleId: 'art-live', author: { id: 'u-inline' }, body: SLURRING });
    const inline = await request(svc.app).post(checkUrl).set('Content-Type', 'application/json').set('X-Signature', signRequest('demo-secret', { method: 'POST', path: checkUrl, rawBody: checkBody })).send(checkBody).expect(200);
    expect(inline.body.reasons.map((r: { code: string }) => r.code)).toContain('SITE_STANDARD');

    const civil = await moderated('civil', 'I think the school budget deserves a proper debate before the vote.');
    expect(civil).toMatchObject({ status: 'approved', decision: { adapter: { version: 1 } } });
  }, 300_000);

  it('is picked up by running workers without a restart when a new version is stored', async () => {
    const current = (await adapters.current('demo'))!;
    // The same weights with a threshold nothing reaches: the site now only records its score.
    const version = await adapters.save('demo', { ...current, thresholds: { flag: 1.01, reject: 1.01 } }, current);
    expect(version).toBe(2);
    const record = await waitFor(async () => {
      const r = await moderated(`v2-${Date.now()}`, SLURRING);
      return r.decision?.adapter?.version === 2 ? r : undefined;
    }, 'a decision by adapter v2', 60_000);
    expect(record.decision!.reasons.map((r) => r.code)).not.toContain('SITE_STANDARD');
  }, 90_000);

  const run = (script: string, args: string[], input = '') =>
    spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), script, ...args], {
      cwd: ROOT,
      input,
      encoding: 'utf8',
      env: { ...process.env, REDIS_URL, REDIS_PREFIX: svc.prefix, LOG_LEVEL: 'silent', SITE_LEARNING_MIN_LABELS: '100' },
    });

  it('is used by `npm run classify -- --site`', () => {
    const input = [JSON.stringify({ id: 'x-1', body: SLURRING }), JSON.stringify({ id: 'x-2', body: SLURRING })].join('\n') + '\n';
    const site = run('src/cli/classify.ts', ['--site', 'demo'], input);
    expect(site.status).toBe(0);
    const lines = site.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ id: 'x-1', adapter: { version: 2, score: expect.any(Number) } });
    expect(site.stderr).toMatch(/site demo adapter v2/);
    const general = JSON.parse(run('src/cli/classify.ts', [], input).stdout.trim().split('\n')[0]);
    expect(general.adapter).toBeUndefined();
    expect(general.scores).toEqual(lines[0].scores);
  }, 90_000);

  it('is trained by `npm run train:site`, which prints the cross-validated report and stores the next version', () => {
    const r = run('scripts/train-site.ts', ['--site', 'demo']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/264 labels \(\d+ rejected\) on 22 articles; 5 folds split by article/);
    const general = Number(/ROC-AUC general model .*: ([\d.]+)/.exec(r.stdout)![1]);
    const adapted = Number(/ROC-AUC adapted .*: ([\d.]+)/.exec(r.stdout)![1]);
    expect(adapted).toBeGreaterThan(general);
    expect(r.stdout).toMatch(/flag {3}at [\d.]+: precision [\d.]+, recall [\d.]+ \(target precision 0.8\)/);
    expect(r.stdout).toMatch(/stored as adapter v3; workers use it within \d+ ms/);
  }, 120_000);
});
