/**
 * People (ban with reject-pending, suspend, pre-moderate, trust, notes, audit, the signed
 * user.moderated callback, the worker honouring them), search, the replay of missed live events
 * (Last-Event-ID) and the desk's Prometheus gauges.
 */
import request from 'supertest';
import { submit, submitFlagged } from '../support/comments';
import { openEventStream } from '../support/event-stream';
import { moderatorApi } from '../support/moderator-api';
import { startTestService, waitFor, type TestService } from '../support/service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ name: 'mod-people' });
});
afterAll(() => service.close());

const mod = () => moderatorApi(service);
const act = (authorId: string, body: object) => mod().post(`/authors/${authorId}/actions`, body);
const userCallback = (authorId: string, action: string) =>
  waitFor(() => service.receiver.received.find((c) => (c.payload as unknown as { type: string; user?: { id: string }; action?: string })?.type === 'user.moderated' && (c.payload as unknown as { user: { id: string } }).user.id === authorId && (c.payload as unknown as { action: string }).action === action), `user.moderated ${action} for ${authorId}`);

describe('actions on authors', () => {
  it('bans an author and rejects all their pending comments; the CMS gets a signed user.moderated callback', async () => {
    for (const n of [1, 2, 3]) await submitFlagged(service, { id: `troll-${n}`, author: { id: 'troll', name: 'Troll' } });
    await submitFlagged(service, { id: 'bystander-1', author: { id: 'bystander', name: 'B' } });
    const res = await act('troll', { action: 'ban', rejectPending: true, reasonCode: 'HARASSMENT', note: 'serial abuse' }).expect(200);
    expect(res.body.action).toMatchObject({ action: 'ban', by: 'demo-moderator', rejected: 3, note: 'serial abuse' });
    for (const n of [1, 2, 3]) expect((await mod().get(`/queue/troll-${n}`).expect(200)).body.item.status).toBe('rejected');
    expect((await mod().get('/queue/bystander-1').expect(200)).body.item.status).toBe('flagged');
    const cb = await userCallback('troll', 'ban');
    expect(cb.verification).toEqual({ ok: true });
    expect(cb.payload).toMatchObject({ site: 'demo', decidedBy: 'demo-moderator', state: { banned: { by: 'demo-moderator' } } });
    const author = (await mod().get('/authors/troll').expect(200)).body;
    expect(author.state.banned).toBeTruthy();
    expect(author.log[0]).toMatchObject({ action: 'ban', rejected: 3 });
    expect((await mod().get('/audit').expect(200)).body.items[0]).toMatchObject({ authorId: 'troll', action: 'ban' });
  });

  it('the worker rejects a banned author’s new comment, flags a pre-moderated one and approves a trusted one', async () => {
    const banned = await submit(service, { id: 'troll-new', articleId: 'a1', author: { id: 'troll' }, body: 'A perfectly polite remark about the budget.' });
    expect(banned.status).toBe('rejected');
    expect(banned.decision?.reasons[0]).toMatchObject({ code: 'MODERATOR', message: expect.stringMatching(/banned/) });

    await act('newbie', { action: 'premoderate', on: true }).expect(200);
    expect((await submit(service, { id: 'newbie-1', articleId: 'a1', author: { id: 'newbie' }, body: 'A perfectly polite remark about the budget.' })).status).toBe('flagged');

    await act('regular', { action: 'trust', on: true }).expect(200);
    expect((await submit(service, { id: 'regular-1', articleId: 'a1', author: { id: 'regular' }, body: 'you are an idiot' })).status).toBe('approved');

    await act('hothead', { action: 'suspend', hours: 24, note: 'cool off' }).expect(200);
    expect((await submit(service, { id: 'hothead-1', articleId: 'a1', author: { id: 'hothead' }, body: 'Polite words only.' })).decision?.reasons[0].message).toMatch(/suspended until/);
    await act('hothead', { action: 'unsuspend' }).expect(200);
    const after = await submit(service, { id: 'hothead-2', articleId: 'a1', author: { id: 'hothead' }, body: 'Polite words only, again.' });
    expect(after.status).not.toBe('rejected');
    expect(after.decision?.reasons.map((r) => r.code)).not.toContain('MODERATOR');
    await userCallback('hothead', 'unsuspend');
  });

  it('keeps notes every moderator of the site sees, and validates actions', async () => {
    await mod().post('/authors/troll/notes', { text: 'Same person as @troll2, per the desk' }).expect(201);
    const seen = await moderatorApi(service, 'second-moderator-token').get('/authors/troll').expect(200);
    expect(seen.body.notes).toEqual([expect.objectContaining({ by: 'demo-moderator', text: 'Same person as @troll2, per the desk' })]);
    await act('troll', { action: 'suspend' }).expect(422);
    await act('troll', { action: 'explode' }).expect(422);
    await moderatorApi(service, 'other-moderator-token').get('/authors/troll').expect(403);
  });
});

describe('search', () => {
  it('finds comments by text, by author and by article', async () => {
    await submitFlagged(service, { id: 'se-1', articleId: 'art-se', author: { id: 'se-author', name: 'Searcher' }, body: 'you idiot, the zeppelin tax is a scam' });
    await submitFlagged(service, { id: 'se-2', articleId: 'art-se', body: 'idiot idiot idiot' });
    const byText = (await mod().get('/search?q=ZEPPELIN').expect(200)).body;
    expect(byText.items.map((i: { id: string }) => i.id)).toEqual(['se-1']);
    expect((await mod().get('/search?authorId=se-author').expect(200)).body.items.map((i: { id: string }) => i.id)).toEqual(['se-1']);
    expect((await mod().get('/search?articleId=art-se').expect(200)).body.items.map((i: { id: string }) => i.id).sort()).toEqual(['se-1', 'se-2']);
    expect((await mod().get('/search?articleId=art-se&q=zeppelin').expect(200)).body.items).toHaveLength(1);
  });
});

describe('live events', () => {
  it('replays the events a page missed while disconnected (Last-Event-ID), then continues live', async () => {
    const ticket = async () => (await mod().post('/events/ticket').expect(200)).body.ticket;
    const url = (t: string, last?: string) => `${service.baseUrl}/v1/sites/demo/moderation/events?ticket=${t}${last ? `&lastEventId=${last}` : ''}`;
    const first = await openEventStream(url(await ticket()));
    await first.next((e) => e.event === 'ready');
    await submitFlagged(service, { id: 'ev-1' });
    const seen = await first.next((e) => e.id === 'ev-1');
    first.close();
    await waitFor(() => (service.moderation.hub.listenerCount('demo') === 0 ? true : undefined), 'the stream to close');

    await submitFlagged(service, { id: 'ev-2' });
    await mod().post('/queue/ev-1/approve').expect(200);

    const again = await openEventStream(url(await ticket(), String(seen.eventId)));
    const ready = await again.next((e) => e.event === 'ready');
    expect(ready.replayed).toBeGreaterThanOrEqual(2);
    const replayed = again.events.filter((e) => e.event === 'message').map((e) => `${e.id}:${e.status}`);
    expect(replayed).toEqual(expect.arrayContaining(['ev-2:flagged', 'ev-1:approved']));
    expect(replayed).not.toContain('ev-1:flagged');
    await submitFlagged(service, { id: 'ev-3' });
    await again.next((e) => e.id === 'ev-3');
    expect(again.events.filter((e) => e.id === 'ev-3')).toHaveLength(1);
    again.close();
  });
});

describe('desk figures as Prometheus gauges', () => {
  it('reports the flagged backlog and the oldest item age, with route labels free of site ids', async () => {
    const { body } = await mod().get('/queue?limit=1').expect(200);
    const text = (await request(service.app).get('/metrics').expect(200)).text;
    expect(text).toContain(`moderation_flagged_backlog{site="demo"} ${body.total}`);
    expect(text).toMatch(/moderation_flagged_oldest_age_seconds\{site="demo"\} \d+/);
    expect(text).toContain('route="/v1/sites/:site/moderation/queue"');
    expect(text).not.toMatch(/route="[^"]*\/sites\/demo/);
  });
});
