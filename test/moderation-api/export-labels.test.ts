/** `npm run export:labels`: moderator decisions out as JSON Lines, the latest per comment version. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportLabels } from '../../scripts/export-labels';
import { LabelStore } from '../../src/infra/label-store';
import { submitFlagged } from '../support/comments';
import { moderatorApi } from '../support/moderator-api';
import { REDIS_URL, startTestService, type TestService } from '../support/service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ name: 'mod-export' });
  await submitFlagged(service, { id: 'lb-1', body: 'you are an idiot', articleId: 'art', article: { title: 'Budget vote', body: 'The council voted.' } });
  await submitFlagged(service, { id: 'lb-2', parentId: 'lb-1', body: 'no, YOU are an idiot', articleId: 'art' });
  await moderatorApi(service).post('/queue/lb-1/approve').expect(200);
  await moderatorApi(service).post('/queue/lb-2/approve').expect(200);
  await moderatorApi(service).post('/queue/lb-2/reject', { reasonCode: 'INSULT' }).expect(200); // changed mind: the last one counts
  await submitFlagged(service, { id: 'lb-3', body: 'what an idiot you are', articleId: 'art' });
  await moderatorApi(service).post('/queue/lb-3/reject', { reasonCode: 'INSULT' }).expect(200);
  await moderatorApi(service).post('/queue/lb-3/requeue').expect(200); // undone: no label stands
});
afterAll(() => service.close());

describe('exporting labelled examples', () => {
  it('writes one line per decided comment version with text, context, label and the automatic scores', async () => {
    const lines: string[] = [];
    const counts = await exportLabels({ redis: service.redis, keys: service.runtime.keys, sites: ['demo', 'other'], write: (l) => void lines.push(l) });
    expect(counts).toEqual({ demo: 2, other: 0 });
    const rows = lines.map((l) => JSON.parse(l));
    expect(rows[0]).toMatchObject({ site: 'demo', commentId: 'lb-1', label: 'approved', body: 'you are an idiot', articleTitle: 'Budget vote', moderator: 'demo-moderator' });
    expect(rows[1]).toMatchObject({ commentId: 'lb-2', label: 'rejected', reasonCode: 'INSULT', parentBody: 'you are an idiot' });
    expect(Object.keys(rows[1].autoScores).length).toBeGreaterThan(0);
  });

  it('drops a decision the moderator undid, from the export and from the site learning history', async () => {
    const lines: string[] = [];
    await exportLabels({ redis: service.redis, keys: service.runtime.keys, sites: ['demo'], write: (l) => void lines.push(l) });
    expect(lines.map((l) => JSON.parse(l).commentId)).not.toContain('lb-3');
    const history = [];
    for await (const l of new LabelStore(service.redis, service.runtime.keys).siteLabels('demo')) history.push(l.id);
    expect(history.sort()).toEqual(['lb-1', 'lb-2']);
  });

  it('runs as `npm run export:labels` against the configured Redis', async () => {
    const root = path.join(__dirname, '..', '..');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/export-labels.ts', '--site', 'demo'], {
      cwd: root,
      env: { ...process.env, REDIS_URL, REDIS_PREFIX: service.prefix, LOG_LEVEL: 'silent' },
    });
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l).commentId)).toEqual(['lb-1', 'lb-2']);
    expect(stderr).toMatch(/exported 2 from demo/);
  });
});
