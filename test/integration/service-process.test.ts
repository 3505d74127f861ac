/**
 * The service as a user runs it (`npm start`: one process, API + workers): the seed articles and
 * their real comment sections go in through signed webhooks, each comment reaches a stored
 * decision and a signed callback, and SIGTERM stops the process cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CmsClient } from '../../src/client/cms-client';
import { startCallbackReceiver, type CallbackReceiver } from '../../src/client/callback-receiver';
import { loadSeedFixtures } from '../fixtures/seeds';
import { deleteKeys, REDIS_URL, uniquePrefix, waitFor } from './harness';
import { freePort } from '../support/free-port';
import { YOUNG_GENERATION_FLAG } from '../../src/runtime-flags';

const ROOT = path.resolve(__dirname, '../..');
const SECRET = 'process-test-secret';


let child: ChildProcess;
let receiver: CallbackReceiver;
let output = '';
let baseUrl = '';
const prefix = uniquePrefix('process');

beforeAll(async () => {
  receiver = await startCallbackReceiver({ secrets: [SECRET] });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'svc-'));
  const configFile = path.join(dir, 'sites.json');
  writeFileSync(configFile, JSON.stringify({ sites: [{ id: 'demo', webhookSecrets: [SECRET], callbackUrl: receiver.url }] }));
  const port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, CONFIG_FILE: configFile, PORT: String(port), HOST: '127.0.0.1', REDIS_URL, REDIS_PREFIX: prefix, REDIS_START_LOCAL: 'false', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) || undefined, 'service to start', 90_000).catch((err: Error) => {
    throw new Error(`${err.message}; its output:\n${output}`);
  });
  baseUrl = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await receiver.close();
  await deleteKeys(prefix);
});

it('says in its log that it runs without the young-generation flag (started here without it)', async () => {
  const line = await waitFor(async () => output.split('\n').find((l) => l.includes('young generation')), 'the young-generation warning', 30_000);
  expect(JSON.parse(line)).toMatchObject({ level: 40, msg: expect.stringContaining(YOUNG_GENERATION_FLAG) });
});

it('moderates every seed comment and calls the CMS back, signed', async () => {
  const client = new CmsClient({ baseUrl, site: 'demo', secret: SECRET });
  const fixtures = loadSeedFixtures();
  const ids: string[] = [];
  for (const f of fixtures) {
    const { id: articleId, ...article } = f.article;
    expect((await client.putArticle(articleId, article)).status).toBe(201);
    for (const c of f.comments) {
      expect((await client.postComment(c)).status).toBe(202);
      ids.push(c.id);
    }
  }
  expect(ids.length).toBeGreaterThanOrEqual(5);
  for (const id of ids) {
    const view = await waitFor(async () => {
      const r = await client.getComment(id);
      return r.body.status !== 'queued' ? r.body : undefined;
    }, `decision for ${id}`, 60_000);
    expect(['approved', 'flagged', 'rejected']).toContain(view.status);
  }
  await waitFor(() => (new Set(receiver.received.map((r) => r.payload?.comment.id)).size >= ids.length ? true : undefined), 'callbacks', 60_000);
  expect(receiver.received.every((r) => r.verification.ok)).toBe(true);
  expect(new Set(receiver.received.map((r) => r.payload!.comment.id))).toEqual(new Set(ids));
}, 150_000);

it('serves the moderators\' page and API in the same process', async () => {
  const page = await fetch(`${baseUrl}/moderate/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  const queue = await fetch(`${baseUrl}/v1/sites/demo/moderation/queue`, { headers: { authorization: 'Bearer demo-moderator' } });
  expect(queue.status).toBe(200);
  expect((await queue.json()).total).toBeGreaterThanOrEqual(1); // the seed insults wait for a person
});

it('stops cleanly on SIGTERM', async () => {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(output).toContain('stopped');
}, 40_000);

it('stops with a message naming REDIS_URL when no Redis answers', async () => {
  const run = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, REDIS_URL: 'redis://127.0.0.1:1', REDIS_START_LOCAL: 'false', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  run.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
  expect(code).toBe(1);
  expect(err).toMatch(/Redis does not answer at REDIS_URL=redis:\/\/127\.0\.0\.1:1/);
}, 90_000);
