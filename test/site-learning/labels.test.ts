/** A site's labelled history in: the signed API, the import tool, and moderator decisions; all or nothing. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { LabelStore } from '../../src/infra/label-store';
import { signRequest } from '../../src/security/signature';
import type { SiteLabel } from '../../src/site-learning/types';
import { recordSuggestedScore } from '../../src/use-cases/suggest-score';
import { submitFlagged } from '../support/comments';
import { moderatorApi } from '../support/moderator-api';
import { REDIS_URL, SECRETS, startTestService, type TestService } from '../support/service';

const ROOT = path.resolve(__dirname, '../..');

let service: TestService;
let store: LabelStore;
beforeAll(async () => {
  service = await startTestService({ name: 'site-labels' });
  store = new LabelStore(service.redis, service.runtime.keys);
});
afterAll(() => service.close());

async function labelsOf(site: string): Promise<Map<string, SiteLabel>> {
  const out = new Map<string, SiteLabel>();
  for await (const l of store.siteLabels(site)) out.set(l.id, l);
  return out;
}

function post(site: string, body: unknown, secret: string = SECRETS[site as 'demo' | 'other']) {
  const raw = JSON.stringify(body);
  const url = `/v1/sites/${site}/labels`;
  return request(service.app).post(url).set('Content-Type', 'application/json').set('X-Signature', signRequest(secret, { method: 'POST', path: url, rawBody: raw })).send(raw);
}

/** Runs `npm run --silent labels:import -- --site S` (via tsx) with `input` on stdin. */
function importLabels(site: string, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/labels-import.ts', '--site', site], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL, REDIS_PREFIX: service.prefix, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('POST /v1/sites/:site/labels', () => {
  it('stores a signed batch and answers with the count', async () => {
    const res = await post('other', { labels: [
      { id: 'p-1', body: 'Thanks for the report.', label: 'approved', articleId: 'a-1', decidedAt: '2024-05-01T10:00:00Z' },
      { id: 'p-2', body: 'The glimmerfolk ruin everything.', label: 'rejected', reasonCode: 'IDENTITY_ATTACK', articleId: 'a-1', article: { title: 'Harbour', body: 'The plan.' }, parentBody: 'Hm.' },
    ] }).expect(201);
    expect(res.body).toEqual({ added: 2, labels: 2 });
    const stored = await labelsOf('other');
    expect(stored.get('p-2')).toMatchObject({ label: 'rejected', reasonCode: 'IDENTITY_ATTACK', article: { title: 'Harbour' }, parentBody: 'Hm.', source: 'api' });
    expect(await store.counts('other')).toEqual({ labels: 2, additions: 2 });
  });

  it('answers 422 with an error per bad label and stores none of the batch', async () => {
    const res = await post('other', { labels: [
      { id: 'q-1', body: 'fine', label: 'approved' },
      { id: 'q-2', body: 'x', label: 'deleted' },
      { body: 'no id', label: 'approved' },
    ] }).expect(422);
    expect(res.body.error.message).toMatch(/2 of 3 labels are invalid; none was stored/);
    expect(res.body.error.details).toEqual([
      { index: 1, id: 'q-2', errors: [expect.objectContaining({ path: 'label' })] },
      { index: 2, errors: [expect.objectContaining({ path: 'id' })] },
    ]);
    expect((await labelsOf('other')).has('q-1')).toBe(false);
  });

  it('refuses an unsigned or wrongly signed request, and a batch over the limit', async () => {
    await request(service.app).post('/v1/sites/other/labels').set('Content-Type', 'application/json').send('{"labels":[]}').expect(401);
    await post('other', { labels: [{ id: 'z', body: 'z', label: 'approved' }] }, SECRETS.demo).expect(401);
    const many = Array.from({ length: 1001 }, (_, i) => ({ id: `m-${i}`, body: 'ok', label: 'approved' }));
    const res = await post('other', { labels: many }).expect(422);
    expect(JSON.stringify(res.body.error.details)).toMatch(/at most 1000/);
    expect((await store.counts('other')).labels).toBe(2);
  });
});

describe('npm run labels:import', () => {
  it('imports every line of a good file in one go', async () => {
    const lines = [
      { id: 'i-1', body: 'A fair point about the budget.', label: 'approved', articleId: 'b-1' },
      { id: 'i-2', body: 'Sprocketeers again.', label: 'rejected', articleId: 'b-1' },
      { id: 'i-3', body: 'Agreed.', label: 'approved' },
    ];
    const r = await importLabels('demo', lines.map((l) => JSON.stringify(l)).join('\n') + '\n\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ site: 'demo', imported: 3, labels: 3 });
    expect((await labelsOf('demo')).get('i-2')).toMatchObject({ label: 'rejected', articleId: 'b-1', source: 'import' });
  }, 60_000);

  it('reports each bad line with its line number and imports nothing', async () => {
    const input = [
      JSON.stringify({ id: 'j-1', body: 'Good line.', label: 'approved' }),
      '{not json',
      JSON.stringify({ id: 'j-3', body: 'Bad label.', label: 'spam' }),
      JSON.stringify({ id: 'j-4', body: 'Fine too.', label: 'rejected', decidedAt: 'yesterday' }),
    ].join('\n');
    const r = await importLabels('demo', input);
    expect(r.code).toBe(1);
    const errors = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(errors.map((e) => [e.line, e.id])).toEqual([[2, undefined], [3, 'j-3'], [4, 'j-4']]);
    expect(errors[2].errors[0].path).toBe('decidedAt');
    expect(r.stderr).toMatch(/3 bad line\(s\); nothing was imported/);
    expect((await labelsOf('demo')).has('j-1')).toBe(false);
    expect((await store.counts('demo')).labels).toBe(3);
  }, 60_000);
});

describe('moderator decisions', () => {
  it('become labels of the same site history, with their article, replacing an imported label of that comment', async () => {
    await store.addLabels('demo', [{ id: 'md-1', body: 'you are an idiot', label: 'approved', source: 'import' }]);
    await submitFlagged(service, { id: 'md-1', body: 'you are an idiot', articleId: 'art-md' });
    await moderatorApi(service).post('/queue/md-1/reject', { reasonCode: 'INSULT' }).expect(200);
    expect((await labelsOf('demo')).get('md-1')).toMatchObject({ label: 'rejected', reasonCode: 'INSULT', articleId: 'art-md', source: 'moderator' });
  });
});

describe('suggested scores (Perspective suggestscore)', () => {
  it('become labels of the site history with source suggestscore', async () => {
    await recordSuggestedScore({ site: 'other', text: 'Typical sprocketeers.', scores: { TOXICITY: 1 }, by: 'key-1', commentId: 'sg-1' }, store, new Date('2026-01-02T00:00:00Z'));
    expect((await labelsOf('other')).get('sg-1')).toMatchObject({ body: 'Typical sprocketeers.', label: 'rejected', source: 'suggestscore', decidedAt: '2026-01-02T00:00:00.000Z' });
  });
});
