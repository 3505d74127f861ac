/**
 * Reader reports (signed by the CMS), the Reported queue and its priority, re-flagging of approved
 * comments at the site's threshold, reporters' weights, every queue listing, and overturns.
 */
import request from 'supertest';
import { DeskStatsStore } from '../../src/infra/desk-stats-store';
import { LabelStore } from '../../src/infra/label-store';
import { submit, submitFlagged } from '../support/comments';
import { moderatorApi } from '../support/moderator-api';
import { startTestService, waitFor, type TestService } from '../support/service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ name: 'mod-reports' });
});
afterAll(() => service.close());

const mod = () => moderatorApi(service);
const report = (id: string, reporterId: string, reason = 'abusive', note?: string) =>
  service.cms().signed<Record<string, unknown>>('POST', `/comments/${id}/reports`, { reporterId, reason, ...(note ? { note } : {}) });
const ids = async (query: string) => (await mod().get(`/queue?${query}`).expect(200)).body.items.map((i: { id: string }) => i.id);

describe('reader reports', () => {
  it('stores one report per reporter, shows counts and reasons, and lists the comment in the Reported queue', async () => {
    await submitFlagged(service, { id: 'rp-1' });
    const first = await report('rp-1', 'reader-a', 'abusive', 'called me names');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ commentId: 'rp-1', reports: 1, weight: 1, requeued: false });
    expect((await report('rp-1', 'reader-a', 'spam')).status).toBe(409);
    expect((await report('rp-1', 'reader-b', 'offensive')).status).toBe(201);
    expect(await ids('queue=reported')).toContain('rp-1');
    const { body } = await mod().get('/queue/rp-1').expect(200);
    expect(body.item.reports).toMatchObject({ count: 2, weight: 2, reasons: { abusive: 1, offensive: 1 } });
    expect(body.reports.map((r: { reason: string; note: string | null }) => [r.reason, r.note])).toEqual([
      ['abusive', 'called me names'],
      ['offensive', null],
    ]);
  });

  it('refuses unsigned or badly signed reports, unknown comments and bad reasons', async () => {
    await request(service.app).post('/v1/sites/demo/comments/rp-1/reports').send({ reporterId: 'x', reason: 'spam' }).expect(401);
    expect((await report('nope-404', 'reader-a')).status).toBe(404);
    expect((await report('rp-1', 'reader-c', 'boring')).status).toBe(422);
  });

  it('ranks the Reported queue by weighted reports together with the model severity', async () => {
    await submitFlagged(service, { id: 'rp-few', body: 'you idiot' });
    await submitFlagged(service, { id: 'rp-many', body: 'you idiot' });
    await report('rp-few', 'r1');
    for (const r of ['r1', 'r2', 'r3', 'r4']) await report('rp-many', r);
    const order = await ids('queue=reported');
    expect(order.indexOf('rp-many')).toBeLessThan(order.indexOf('rp-few'));
  });

  it('raises a reported comment in the flagged queue above an equally severe one without reports', async () => {
    await submitFlagged(service, { id: 'rp-older', body: 'you idiot!' });
    await submitFlagged(service, { id: 'rp-newer', body: 'you idiot!' });
    const before = await ids('queue=flagged&limit=100');
    expect(before.indexOf('rp-older')).toBeLessThan(before.indexOf('rp-newer'));
    await report('rp-newer', 'r9');
    const after = await ids('queue=flagged&limit=100');
    expect(after.indexOf('rp-newer')).toBeLessThan(after.indexOf('rp-older'));
    const byAge = await ids('sort=age&limit=100');
    expect(byAge.indexOf('rp-older')).toBeLessThan(byAge.indexOf('rp-newer')); // arrival order untouched
  });

  it('puts an approved comment back in front of a person once its reports reach the site threshold (3)', async () => {
    const approved = await submit(service, { id: 'rp-ok', articleId: 'a1', author: { id: 'calm', name: 'Calm' }, body: 'I think the council should publish the budget in full.' });
    expect(approved.status).toBe('approved');
    expect((await report('rp-ok', 'q1')).body).toMatchObject({ requeued: false, status: 'approved' });
    expect((await report('rp-ok', 'q2')).body).toMatchObject({ requeued: false });
    expect((await report('rp-ok', 'q3', 'abusive')).body).toMatchObject({ requeued: true, status: 'flagged' });
    expect(await ids('queue=flagged&limit=100')).toContain('rp-ok');
    const { body } = await mod().get('/queue/rp-ok').expect(200);
    expect(body.item.reasons.map((r: { code: string }) => r.code)).toContain('HARASSMENT');
    expect(body.history.at(-1)).toMatchObject({ event: 'moderated', by: 'reports', from: 'approved', to: 'flagged' });
    await waitFor(() => service.receiver.received.find((c) => c.payload?.comment?.id === 'rp-ok' && c.payload.status === 'flagged'), 'the flagged callback');
  });

  it('weighs down reporters whose reports moderators keep dismissing', async () => {
    for (const n of [1, 2, 3]) {
      await submitFlagged(service, { id: `rp-cry-${n}` });
      await report(`rp-cry-${n}`, 'crier');
      await mod().post(`/queue/rp-cry-${n}/approve`).expect(200);
    }
    expect(await ids('queue=reported')).not.toContain('rp-cry-1'); // resolved by the decision
    await submitFlagged(service, { id: 'rp-cry-4' });
    const res = await report('rp-cry-4', 'crier');
    expect(res.body.weight).toBeCloseTo(0.25, 5);
  });
});

describe('every queue', () => {
  it('lists approved, rejected and escalated comments and a whole article in thread order', async () => {
    for (const id of ['qq-1', 'qq-2', 'qq-3']) await submitFlagged(service, { id, articleId: 'art-q' });
    await mod().post('/queue/qq-1/approve').expect(200);
    await mod().post('/queue/qq-2/reject', { reasonCode: 'INSULT' }).expect(200);
    await mod().post('/queue/qq-3/escalate').expect(200);
    expect((await ids('queue=approved'))[0]).toBe('qq-1');
    expect((await ids('queue=rejected'))[0]).toBe('qq-2');
    expect(await ids('queue=escalated')).toEqual(['qq-3']);
    expect(await ids('queue=article&articleId=art-q')).toEqual(['qq-1', 'qq-2', 'qq-3']);
    await mod().get('/queue?queue=article').expect(422);
    await mod().get('/queue?queue=approved&reason=INSULT').expect(422);
  });

  it('overturns a rejection: the comment moves to Approved, is labelled, and counted as an overturn per reason', async () => {
    await submitFlagged(service, { id: 'ov-1' });
    await mod().post('/queue/ov-1/reject', { reasonCode: 'INSULT' }).expect(200);
    await mod().post('/queue/ov-1/approve', { expectedStatus: 'flagged' }).expect(409);
    const res = await mod().post('/queue/ov-1/approve', { expectedStatus: 'rejected', note: 'satire' }).expect(200);
    expect(res.body.item.status).toBe('approved');
    expect(await ids('queue=rejected')).not.toContain('ov-1');
    expect(await ids('queue=approved')).toContain('ov-1');
    const labels = [];
    for await (const l of new LabelStore(service.redis, service.runtime.keys).all('demo')) if (l.commentId === 'ov-1') labels.push('label' in l ? l.label : 'retracted');
    expect(labels).toEqual(['rejected', 'approved']);
    const desk = (await mod().get('/desk').expect(200)).body;
    const insult = desk.figures.overturns.find((r: { code: string }) => r.code === 'INSULT');
    expect(insult.overturned).toBeGreaterThanOrEqual(1);
    expect(desk.charts.overturns).toMatch(/^<svg[^>]*>.*INSULT/);
  });
});

describe('desk figures', () => {
  it('counts decisions per hour and moderator, and drops hours older than two weeks', async () => {
    const desk = new DeskStatsStore(service.redis, service.runtime.keys);
    const now = new Date('2026-12-01T12:30:00Z');
    await desk.recordDecision('other', 'ann', '2026-12-01T11:10:00Z', ['INSULT'], true);
    await desk.recordDecision('other', 'ann', '2026-12-01T11:50:00Z', ['INSULT'], false);
    await desk.recordDecision('other', 'ann', '2026-11-01T11:00:00Z', ['SPAM'], false);
    const figures = await desk.figures('other', now);
    expect(figures.perHour).toEqual([{ hour: '2026-12-01T11:00Z', moderator: 'ann', decisions: 2 }]);
    expect(figures.overturns.find((r) => r.code === 'INSULT')).toMatchObject({ decided: 2, overturned: 1, rate: 0.5 });
    expect(await service.redis.hexists(service.runtime.keys.deskStats('other'), 'h|2026-11-01T11:00Z|ann')).toBe(0);
  });
});
