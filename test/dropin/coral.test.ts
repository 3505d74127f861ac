/**
 * Coral Talk's external moderation phase: a request signed and serialised exactly as Coral sends it
 * gets an answer Coral's own validation accepts, the comment and decision are stored like a webhook
 * comment's (history, queue), and bad signatures or bodies are refused.
 */
import request from 'supertest';
import { z } from 'zod';
import { coralComment } from '../../src/api/routes/coral';
import { CoralRequest } from '../../src/api/routes/coral/schemas';
import { CmsClient } from '../../src/client/cms-client';
import { coralSignatureHeader } from '../../src/security/coral-signature';
import { SECRETS, startDropinService, type DropinService } from './service';

let svc: DropinService;
beforeAll(async () => {
  svc = await startDropinService('coral');
}, 30_000);
afterAll(() => svc.close());

/** What Coral's validateResponse accepts (external.ts: Joi schema, unknown keys stripped). */
const CoralAccepts = z.object({
  actions: z.array(z.object({ actionType: z.literal('FLAG'), reason: z.enum(['COMMENT_DETECTED_TOXIC', 'COMMENT_DETECTED_SPAM']) })).optional(),
  status: z.enum(['APPROVED', 'NONE', 'PREMOD', 'REJECTED', 'SYSTEM_WITHHELD']).optional(),
  tags: z.array(z.enum(['FEATURED', 'STAFF'])).optional(),
});

const coralRequest = (body: string, extra: Partial<CoralRequest> = {}): CoralRequest => ({
  action: 'NEW',
  comment: { body, parentID: null },
  author: { id: 'user-1', role: 'COMMENTER' },
  story: { id: 'story-1', url: 'https://news.example/harbour' },
  site: { id: 'site-1' },
  tenantID: 'tenant-1',
  tenantDomain: 'news.example',
  ...extra,
});

/** Serialised and signed as Coral's generateFetchOptions does. */
function send(site: string, payload: unknown, secrets: string[] = [SECRETS.coral], header?: string) {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2);
  return request(svc.app)
    .post(`/v1/integrations/coral/${site}`)
    .set('Content-Type', 'application/json')
    .set('X-Coral-Signature', header ?? coralSignatureHeader(secrets, raw))
    .send(raw);
}

const signedGet = (site: 'demo' | 'other', id: string) => new CmsClient({ baseUrl: svc.baseUrl, site, secret: site === 'demo' ? SECRETS.demo : SECRETS.other }).getComment(id);

it('rejects an insult with a rejection reason Coral knows, and stores comment and decision', async () => {
  const req = coralRequest('You are a complete idiot and a liar.');
  const res = await send('demo', req);
  expect(res.status).toBe(200);
  expect(CoralAccepts.safeParse(res.body).success).toBe(true);
  expect(res.body).toEqual({
    actions: [{ actionType: 'FLAG', reason: 'COMMENT_DETECTED_TOXIC' }],
    status: 'REJECTED',
    moderationAction: { status: 'REJECTED', rejectionReason: { code: 'ABUSIVE', detailedExplanation: expect.stringMatching(/idiot/) } },
  });
  const stored = await signedGet('demo', coralComment(req).id);
  expect(stored.status).toBe(200);
  expect(stored.body).toMatchObject({ status: 'rejected', articleId: 'story-1', decidedBy: 'auto' });
  expect((stored.body.history as Array<{ event: string }>).map((h) => h.event)).toEqual(['received', 'decided']);
});

it('answers 204 (no opinion) for a fine comment, and still stores its decision', async () => {
  const req = coralRequest('Thanks, the harbour plan coverage was clear and useful.');
  const res = await send('demo', req);
  expect(res.status).toBe(204);
  expect(res.text).toBe('');
  expect((await signedGet('demo', coralComment(req).id)).body).toMatchObject({ status: 'approved' });
});

it('withholds a comment for a person where the site flags, and puts it in the moderators\' queue', async () => {
  const req = coralRequest('You are a complete idiot.', { author: { id: 'user-2', role: 'COMMENTER' } });
  const res = await send('other', req, [SECRETS.coralOther]);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ actions: [{ actionType: 'FLAG', reason: 'COMMENT_DETECTED_TOXIC' }], status: 'SYSTEM_WITHHELD' });
  expect(await svc.redis.zscore(svc.runtime.keys.flaggedByPriority('other'), coralComment(req).id)).not.toBeNull();
});

it('maps the same request sent twice to one comment and one decision', async () => {
  const req = coralRequest('Idiots like you should not be allowed to comment.', { author: { id: 'user-3' } });
  const first = await send('demo', req);
  const second = await send('demo', req);
  expect(second.status).toBe(first.status);
  expect(second.body).toEqual(first.body);
  const stored = await signedGet('demo', coralComment(req).id);
  expect((stored.body.history as unknown[]).length).toBe(2);
});

it('uses the thread we hold: a reply names its parent when the CMS sent that comment too', async () => {
  const cms = new CmsClient({ baseUrl: svc.baseUrl, site: 'demo', secret: SECRETS.demo });
  expect((await cms.postComment({ id: 'parent-1', articleId: 'story-9', author: { id: 'anna', name: 'Anna' }, body: 'The harbour plan is good for the town.' })).status).toBe(202);
  const req = coralRequest('I disagree, it costs too much.', { comment: { body: 'I disagree, it costs too much.', parentID: 'parent-1' }, story: { id: 'story-9', url: 'https://news.example/9' } });
  expect((await send('demo', req)).status).toBe(204);
  const record = await svc.runtime.apiStores.comments.get('demo', coralComment(req).id);
  expect(record?.comment.parentId).toBe('parent-1');
});

it('accepts any of several signatures during secret rotation', async () => {
  const raw = JSON.stringify(coralRequest('Good article.', { author: { id: 'user-4' } }), null, 2);
  const header = `${coralSignatureHeader(['wrong-secret-123'], raw)},${coralSignatureHeader([SECRETS.coralNext], raw)}`;
  expect((await send('demo', raw, [], header)).status).toBe(204);
});

it.each([
  ['no signature', ''],
  ['a malformed signature', 'sha1=abc'],
  ['a signature made with another secret', coralSignatureHeader(['not-the-secret'], JSON.stringify(coralRequest('Hello'), null, 2))],
])('refuses %s with 401', async (_what, header) => {
  const res = await send('demo', coralRequest('Hello'), [], header);
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe('bad_signature');
});

it('refuses a body that is not JSON with 400 and a body that is not Coral\'s with 422', async () => {
  expect((await send('demo', '{"action":')).status).toBe(400);
  const res = await send('demo', { action: 'DELETE', comment: { body: 'x' } });
  expect(res.status).toBe(422);
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['action', 'author', 'story', 'tenantID']));
});

it('answers 404 for an unknown site', async () => {
  expect((await send('nowhere', coralRequest('Hello'))).status).toBe(404);
});
