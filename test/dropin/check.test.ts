/** `POST /v1/sites/:site/comments:check`: the decision inline, signed like a comment, stored only when asked. */
import request from 'supertest';
import { CmsClient } from '../../src/client/cms-client';
import { MODERATOR_TOKEN, SECRETS, startDropinService, type DropinService } from './service';

let svc: DropinService;
let cms: CmsClient;
beforeAll(async () => {
  svc = await startDropinService('check');
  cms = new CmsClient({ baseUrl: svc.baseUrl, site: 'demo', secret: SECRETS.demo });
}, 30_000);
afterAll(() => svc.close());

const comment = (id: string, body: string) => ({ id, articleId: 'a-1', author: { id: 'reader-7', name: 'Sam' }, body, article: { title: 'Harbour plan approved', body: 'The council approved the harbour plan on Tuesday.' } });

it('answers the decision with reasons, spans and messages, and stores nothing', async () => {
  const body = 'You are a complete idiot.';
  const res = await cms.signed<Record<string, unknown>>('POST', '/comments:check', comment('c-1', body));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ id: 'c-1', status: 'rejected', stored: false });
  const insult = (res.body.reasons as Array<{ code: string; message: string; spans: Array<{ start: number; end: number }> }>).find((r) => r.code === 'INSULT')!;
  expect(insult.message).toMatch(/idiot/);
  expect(insult.spans.map((s) => body.slice(s.start, s.end))).toContain('idiot');
  expect((await cms.getComment('c-1')).status).toBe(404);
});

it('approves a fine comment', async () => {
  const res = await cms.signed<Record<string, unknown>>('POST', '/comments:check', comment('c-2', 'Good news for the harbour, I think.'));
  expect(res.body).toMatchObject({ status: 'approved', reasons: [] });
});

it('with store: true stores the comment and the same decision', async () => {
  const res = await cms.signed<Record<string, unknown>>('POST', '/comments:check', { ...comment('c-3', 'You are a complete idiot.'), store: true });
  expect(res.body).toMatchObject({ id: 'c-3', status: 'rejected', stored: true });
  const stored = await cms.getComment('c-3');
  expect(stored.body).toMatchObject({ status: 'rejected', decidedBy: 'auto' });
  expect(stored.body.reasons.map((r) => r.code)).toEqual((res.body.reasons as Array<{ code: string }>).map((r) => r.code));
});

it('refuses unsigned requests (401) and invalid bodies (422)', async () => {
  const unsigned = await request(svc.app).post('/v1/sites/demo/comments:check').set('Content-Type', 'application/json').send(JSON.stringify(comment('c-4', 'Hello')));
  expect(unsigned.status).toBe(401);
  const invalid = await cms.signed<{ error: { code: string; details: Array<{ path: string }> } }>('POST', '/comments:check', { ...comment('c-5', 'Hello'), store: 'yes' });
  expect(invalid.status).toBe(422);
  expect(invalid.body.error.details.map((d) => d.path)).toEqual(['store']);
});

it('matches the literal ":check" only', async () => {
  expect((await cms.signed('POST', '/comments:other', comment('c-6', 'Hello'))).status).toBe(404);
  expect((await cms.signed('POST', '/commentsXcheck', comment('c-6', 'Hello'))).status).toBe(404);
});

it("applies a moderator's ban of the author inline, as the worker would", async () => {
  const ban = await fetch(`${svc.baseUrl}/v1/sites/demo/moderation/authors/banned-reader/actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MODERATOR_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'ban', note: 'repeated abuse' }),
  });
  expect(ban.status).toBe(200);
  const res = await cms.signed<Record<string, unknown>>('POST', '/comments:check', { ...comment('c-7', 'A perfectly polite remark.'), author: { id: 'banned-reader' } });
  expect(res.body).toMatchObject({ status: 'rejected', reasons: [{ code: 'MODERATOR', message: 'The author is banned by a moderator' }] });
});
