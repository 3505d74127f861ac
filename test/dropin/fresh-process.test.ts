/**
 * From a fresh `npm start` on the embedded defaults (nothing configured): the real
 * `perspective-api-client` and Coral's requests, signed with the demo Coral secret, get correct
 * answers, and /openapi.json is served.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Perspective from 'perspective-api-client';
import { analyzeUrl, withCallSettings } from '../../src/infra/perspective/http-hook';
import { coralSignatureHeader } from '../../src/security/coral-signature';
import { deleteKeys, REDIS_URL, uniquePrefix, waitFor } from '../integration/harness';
import { freePort } from './service';

const ROOT = path.resolve(__dirname, '../..');
let child: ChildProcess;
let output = '';
let baseUrl = '';
const prefix = uniquePrefix('fresh');

beforeAll(async () => {
  const port = await freePort();
  // What `npm start` runs, with no CONFIG_FILE: the demo site, its demo key and Coral secret.
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', REDIS_URL, REDIS_PREFIX: prefix, REDIS_START_LOCAL: 'false', LOG_LEVEL: 'warn', CALLBACK_ATTEMPTS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) || undefined, `service to start:\n${output}`, 30_000);
  baseUrl = `http://127.0.0.1:${port}`;
}, 40_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await deleteKeys(prefix);
}, 40_000);

it('answers the real perspective-api-client with the demo key', async () => {
  const body = (await withCallSettings({ url: analyzeUrl(`${baseUrl}/v1alpha1`), timeoutMs: 10_000, outcome: {} }, () =>
    new Perspective({ apiKey: 'demo-perspective-key' }).analyze('You are a complete idiot.', { attributes: ['TOXICITY', 'INSULT'] }),
  )) as { attributeScores: Record<string, { summaryScore: { value: number; type: string } }> };
  expect(body.attributeScores.INSULT.summaryScore).toEqual({ value: expect.any(Number), type: 'PROBABILITY' });
  expect(body.attributeScores.INSULT.summaryScore.value).toBeGreaterThan(0.7);
}, 20_000);

it("answers Coral's toxic phase request so Coral reads the score", async () => {
  const res = await fetch(`${baseUrl}/v1alpha1/comments:analyze?key=demo-perspective-key`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ comment: { text: 'Thanks for the careful reporting.' }, doNotStore: true, requestedAttributes: { TOXICITY: {} }, languages: ['en'] }),
  });
  expect(res.status).toBe(200);
  const data = (await res.json()) as { attributeScores: Record<string, { summaryScore: { value: number } }> };
  expect(data.attributeScores['TOXICITY'].summaryScore.value).toBeLessThan(0.3);
});

it("answers a Coral external moderation request signed with the demo secret", async () => {
  const raw = JSON.stringify(
    { action: 'NEW', comment: { body: 'You are a complete idiot and a liar.', parentID: null }, author: { id: 'u1', role: 'COMMENTER' }, story: { id: 'story-1', url: 'https://news.example/1' }, site: { id: 's1' }, tenantID: 't1', tenantDomain: 'news.example' },
    null,
    2,
  );
  const res = await fetch(`${baseUrl}/v1/integrations/coral/demo`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Coral-Signature': coralSignatureHeader(['demo-coral-secret'], raw) }, body: raw });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'REJECTED', actions: [{ actionType: 'FLAG', reason: 'COMMENT_DETECTED_TOXIC' }] });
});

it('serves /openapi.json', async () => {
  const res = await fetch(`${baseUrl}/openapi.json`);
  expect(res.status).toBe(200);
  expect((await res.json()).openapi).toBe('3.1.0');
});
