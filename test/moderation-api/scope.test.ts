/**
 * Per-site access: a moderator token sees and touches only its own sites, nothing of another site
 * leaks through any route, and live updates reach only the site's own streams.
 */
import request from 'supertest';
import { submitFlagged } from '../support/comments';
import { openEventStream } from '../support/event-stream';
import { moderatorApi } from '../support/moderator-api';
import { startTestService, TOKENS, waitFor, type TestService } from '../support/service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ name: 'mod-scope', heartbeatMs: 200 });
  await submitFlagged(service, { id: 'demo-secret-1', body: 'demo only: you are an idiot', author: { id: 'demo-author', name: 'Demo Person' } }, 'demo');
  await submitFlagged(service, { id: 'other-1', body: 'other only: you moron' }, 'other');
});
afterAll(() => service.close());

const otherOnDemo = () => moderatorApi(service, TOKENS.other, 'demo');

describe('a token scoped to site `other`', () => {
  it.each([
    ['GET', '/queue'],
    ['GET', '/queue/demo-secret-1'],
    ['GET', '/queue/does-not-exist'],
    ['POST', '/queue/demo-secret-1/claim'],
    ['DELETE', '/queue/demo-secret-1/claim'],
    ['POST', '/queue/demo-secret-1/approve'],
    ['POST', '/queue/demo-secret-1/reject'],
    ['POST', '/queue/demo-secret-1/escalate'],
    ['POST', '/queue/bulk'],
    ['POST', '/events/ticket'],
  ])('gets 403 and no data for %s %s on site `demo`', async (method, path) => {
    const api = otherOnDemo();
    const res = await (method === 'GET' ? api.get(path) : method === 'DELETE' ? api.delete(path) : api.post(path, { action: 'approve', ids: ['demo-secret-1'], reasonCode: 'INSULT' }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(JSON.stringify(res.body)).not.toMatch(/idiot|Demo Person|demo-author/);
  });

  it('changed nothing on site `demo`', async () => {
    const item = (await moderatorApi(service).get('/queue/demo-secret-1').expect(200)).body.item;
    expect(item).toMatchObject({ status: 'flagged', claimedBy: null });
  });

  it("sees its own site's queue, where site `demo`'s comments do not exist", async () => {
    const own = moderatorApi(service, TOKENS.other, 'other');
    const ids = (await own.get('/queue').expect(200)).body.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(['other-1']);
    await own.get('/queue/demo-secret-1').expect(404);
    await own.post('/queue/demo-secret-1/approve').expect(404);
    expect((await own.post('/queue/bulk', { action: 'approve', ids: ['demo-secret-1'] }).expect(200)).body.results[0].status).toBe(404);
  });
});

describe('authentication', () => {
  it('answers 401 without a token or with an unknown one, and 404 for an unknown site', async () => {
    await request(service.app).get('/v1/sites/demo/moderation/queue').expect(401);
    await moderatorApi(service, 'not-a-token').get('/queue').expect(401);
    await moderatorApi(service, TOKENS.demo, 'nowhere').get('/queue').expect(404);
  });

  it('tells a signed-in moderator who they are and which sites they may moderate', async () => {
    const res = await request(service.app).get('/v1/moderation/me').set('Authorization', `Bearer ${TOKENS.other}`).expect(200);
    expect(res.body).toEqual({ name: 'other-moderator', role: 'senior', sites: [{ id: 'other', name: 'Other' }] });
    await request(service.app).get('/v1/moderation/me').set('Authorization', 'Bearer nope').expect(401);
  });
});

describe('live updates', () => {
  const ticket = async (token: string, site: string) => (await moderatorApi(service, token, site).post('/events/ticket').expect(200)).body.ticket as string;
  const streamUrl = (site: string, t: string) => `${service.baseUrl}/v1/sites/${site}/moderation/events?ticket=${encodeURIComponent(t)}`;

  it("streams the site's own events only, with heartbeats", async () => {
    const stream = await openEventStream(streamUrl('demo', await ticket(TOKENS.demo, 'demo')));
    try {
      expect(stream.status).toBe(200);
      await stream.next((e) => e.event === 'ready');
      await submitFlagged(service, { id: 'live-other' }, 'other');
      await submitFlagged(service, { id: 'live-demo' }, 'demo');
      expect(await stream.next((e) => e.id === 'live-demo')).toMatchObject({ type: 'decided', status: 'flagged', site: 'demo' });
      await moderatorApi(service).post('/queue/live-demo/approve').expect(200);
      expect(await stream.next((e) => e.id === 'live-demo' && e.status === 'approved')).toMatchObject({ decidedBy: 'demo-moderator' });
      await stream.next((e) => e.event === 'comment');
      expect(stream.events.some((e) => e.id === 'live-other' || e.site === 'other')).toBe(false);
    } finally {
      stream.close();
    }
    await waitFor(() => (service.moderation.hub.listenerCount('demo') === 0 ? true : undefined), 'the stream to be cleaned up');
  });

  it('opens a stream only with a fresh ticket for that site, once, never with the token itself', async () => {
    const t = await ticket(TOKENS.demo, 'demo');
    expect((await openEventStream(streamUrl('other', t))).status).toBe(401); // wrong site
    const ok = await openEventStream(streamUrl('demo', t));
    expect(ok.status).toBe(200);
    ok.close();
    expect((await openEventStream(streamUrl('demo', t))).status).toBe(401); // used already
    expect((await openEventStream(streamUrl('demo', TOKENS.demo))).status).toBe(401);
    expect((await openEventStream(`${service.baseUrl}/v1/sites/demo/moderation/events`)).status).toBe(401);
  });
});

describe('the page', () => {
  it('is served at /moderate under a strict Content-Security-Policy', async () => {
    const res = await request(service.app).get('/moderate').expect(200);
    expect(res.type).toBe('text/html');
    const csp = res.headers['content-security-policy'];
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    await request(service.app).get('/moderate/app.js').expect(200).expect('Content-Type', /javascript/);
    await request(service.app).get('/moderate/app.css').expect(200).expect('Content-Type', /css/);
  });
});
