/**
 * Moderators acting on the queue: approve, reject, escalate, bulk, claims (also raced), the audit
 * trail, the signed callback to the CMS, and automatic re-runs that never overturn a moderator.
 */
import { ClaimStore } from '../../src/infra/claim-store';
import { LabelStore } from '../../src/infra/label-store';
import { submitFlagged } from '../support/comments';
import { moderatorApi } from '../support/moderator-api';
import { startTestService, TOKENS, waitFor, type TestService } from '../support/service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ name: 'mod-actions' });
});
afterAll(() => service.close());

const first = () => moderatorApi(service, TOKENS.demo);
const second = () => moderatorApi(service, TOKENS.second);
const queueIds = async () => (await first().get('/queue?limit=100').expect(200)).body.items.map((i: { id: string }) => i.id);
const callbackFor = (id: string, decidedBy: string) =>
  waitFor(() => service.receiver.received.find((c) => c.payload?.comment.id === id && c.payload.decidedBy === decidedBy), `callback for ${id} by ${decidedBy}`);

describe('deciding one comment', () => {
  it('approves: the decision is stored and audited, leaves the queue, and the CMS gets a signed callback', async () => {
    await submitFlagged(service, { id: 'ap-1' });
    const res = await first().post('/queue/ap-1/approve', { note: 'banter between friends' }).expect(200);
    expect(res.body.item).toMatchObject({ id: 'ap-1', status: 'approved', decidedBy: 'demo-moderator', note: 'banter between friends' });
    expect(res.body.history.at(-1)).toMatchObject({ event: 'moderated', by: 'demo-moderator', from: 'flagged', to: 'approved', note: 'banter between friends' });
    expect(await queueIds()).not.toContain('ap-1');
    const callback = await callbackFor('ap-1', 'demo-moderator');
    expect(callback.verification).toEqual({ ok: true });
    expect(callback.payload).toMatchObject({ type: 'comment.moderated', site: 'demo', status: 'approved' });
  });

  it('rejects with a reason code (required) and a note, adding a MODERATOR reason', async () => {
    await submitFlagged(service, { id: 'rj-1' });
    expect((await first().post('/queue/rj-1/reject', {}).expect(422)).body.error.details[0].path).toBe('reasonCode');
    await first().post('/queue/rj-1/reject', { reasonCode: 'NOT_A_CODE' }).expect(422);
    const res = await first().post('/queue/rj-1/reject', { reasonCode: 'HARASSMENT', note: 'third time today' }).expect(200);
    expect(res.body.item.status).toBe('rejected');
    expect(res.body.item.reasons.map((r: { code: string }) => r.code)).toEqual(expect.arrayContaining(['INSULT', 'MODERATOR']));
    expect(res.body.history.at(-1)).toMatchObject({ event: 'moderated', from: 'flagged', to: 'rejected', codes: ['HARASSMENT'], note: 'third time today' });
    expect((await callbackFor('rj-1', 'demo-moderator')).payload?.status).toBe('rejected');
  });

  it('escalates: the item stays flagged, is marked escalated and moves to the top of the queue', async () => {
    await submitFlagged(service, { id: 'es-1', body: 'you idiot' });
    await submitFlagged(service, { id: 'es-2', body: 'idiot idiot, I will kill you' });
    const before = await queueIds();
    const behind = before.indexOf('es-1') > before.indexOf('es-2') ? 'es-1' : 'es-2';
    expect(before[0]).not.toBe(behind);
    const res = await first().post(`/queue/${behind}/escalate`, { note: 'legal should look' }).expect(200);
    expect(res.body.item).toMatchObject({ status: 'flagged', escalated: true, decidedBy: 'demo-moderator' });
    expect(res.body.history.at(-1)).toMatchObject({ event: 'escalated', from: 'flagged', to: 'flagged', note: 'legal should look' });
    expect((await queueIds())[0]).toBe(behind);
  });

  it('answers 404 for an unknown comment and does not leave a claim behind', async () => {
    await first().post('/queue/ghost/approve').expect(404);
    expect(await service.redis.exists(service.runtime.keys.claim('demo', 'ghost'))).toBe(0);
  });
});

describe('bulk decisions', () => {
  it('approves a selection, reporting each item on its own', async () => {
    await submitFlagged(service, { id: 'bk-1' });
    await submitFlagged(service, { id: 'bk-2' });
    const res = await first().post('/queue/bulk', { action: 'approve', ids: ['bk-1', 'bk-2', 'bk-missing'] }).expect(200);
    expect(res.body).toMatchObject({ done: 2, refused: 1 });
    expect(res.body.results).toEqual([
      { id: 'bk-1', status: 200, result: { status: 'approved' } },
      { id: 'bk-2', status: 200, result: { status: 'approved' } },
      expect.objectContaining({ id: 'bk-missing', status: 404 }),
    ]);
  });

  it('rejects a selection with one reason code, skipping items another moderator holds', async () => {
    await submitFlagged(service, { id: 'bk-3' });
    await submitFlagged(service, { id: 'bk-4' });
    await second().post('/queue/bk-4/claim').expect(200);
    await first().post('/queue/bulk', { action: 'reject', ids: ['bk-3'] }).expect(422);
    const res = await first().post('/queue/bulk', { action: 'reject', ids: ['bk-3', 'bk-4'], reasonCode: 'SPAM' }).expect(200);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([200, 409]);
    expect(res.body.results[1].error.code).toBe('claimed');
  });
});

describe('decisions on what the moderator saw', () => {
  it('refuses an action on a comment another moderator decided since, naming who', async () => {
    await submitFlagged(service, { id: 'seen-1' });
    await second().post('/queue/seen-1/approve', { expectedStatus: 'flagged' }).expect(200);
    const res = await first().post('/queue/seen-1/reject', { reasonCode: 'INSULT', expectedStatus: 'flagged' }).expect(409);
    expect(res.body.error).toMatchObject({ code: 'changed', details: { status: 'approved', decidedBy: 'second-moderator' } });
    await first().post('/queue/seen-1/reject', { reasonCode: 'INSULT', expectedStatus: 'approved' }).expect(200); // a deliberate override
  });
});

describe('claims', () => {
  it('lets one moderator hold an item: others see who and cannot decide it until it is released', async () => {
    await submitFlagged(service, { id: 'cl-1' });
    const claim = await first().post('/queue/cl-1/claim').expect(200);
    expect(claim.body.claimedBy).toBe('demo-moderator');
    expect((await first().get('/queue/cl-1').expect(200)).body.item.claimedBy).toBe('demo-moderator');
    const refused = await second().post('/queue/cl-1/claim').expect(409);
    expect(refused.body.error).toMatchObject({ code: 'claimed', details: { claimedBy: 'demo-moderator' } });
    await second().post('/queue/cl-1/approve').expect(409);
    await second().delete('/queue/cl-1/claim').expect(409);
    await first().post('/queue/cl-1/claim').expect(200); // renewal by the holder
    await first().delete('/queue/cl-1/claim').expect(204);
    await second().post('/queue/cl-1/claim').expect(200);
    await second().post('/queue/cl-1/reject', { reasonCode: 'INSULT' }).expect(200);
    expect(await service.redis.exists(service.runtime.keys.claim('demo', 'cl-1'))).toBe(0); // released by the decision
  });

  it('gives a contested claim to exactly one of two moderators racing for it', async () => {
    const ids = ['race-1', 'race-2', 'race-3', 'race-4', 'race-5'];
    for (const id of ids) await submitFlagged(service, { id });
    for (const id of ids) {
      const [a, b] = await Promise.all([first().post(`/queue/${id}/claim`), second().post(`/queue/${id}/claim`)]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
    }
  });

  it('lets exactly one of two simultaneous decisions on what both saw as flagged through', async () => {
    await submitFlagged(service, { id: 'race-d' });
    const [a, b] = await Promise.all([
      first().post('/queue/race-d/approve', { expectedStatus: 'flagged' }),
      second().post('/queue/race-d/reject', { reasonCode: 'INSULT', expectedStatus: 'flagged' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(['claimed', 'changed']).toContain((a.status === 409 ? a : b).body.error.code);
    const history = (await first().get('/queue/race-d').expect(200)).body.history;
    expect(history.filter((h: { event: string }) => h.event === 'moderated')).toHaveLength(1);
  });

  it('expires by itself', async () => {
    const claims = new ClaimStore(service.redis, service.runtime.keys, 80);
    expect((await claims.claim('demo', 'ttl-1', 'someone')).ok).toBe(true);
    expect((await claims.claim('demo', 'ttl-1', 'someone-else')).ok).toBe(false);
    await new Promise((r) => setTimeout(r, 150));
    expect(await claims.claim('demo', 'ttl-1', 'someone-else')).toMatchObject({ ok: true, claimedBy: 'someone-else' });
  });
});

describe('moderator decisions and the automatic pipeline', () => {
  it('an automatic re-run of the same job leaves the moderator decision in place', async () => {
    const record = await submitFlagged(service, { id: 'rerun-1' });
    await first().post('/queue/rerun-1/approve').expect(200);
    const queue = service.runtime.queue.queue;
    const job = await queue.add('moderate', { site: 'demo', commentId: 'rerun-1', bodyHash: record.bodyHash }, { jobId: 'rerun-1-again' });
    const outcome = await waitFor(async () => ((await job.getState()) === 'completed' ? (await queue.getJob(job.id!))?.returnvalue : undefined), 'the re-run');
    expect(outcome).toBe('moderated');
    const after = (await first().get('/queue/rerun-1').expect(200)).body;
    expect(after.item).toMatchObject({ status: 'approved', decidedBy: 'demo-moderator' });
    expect(after.history.map((h: { event: string }) => h.event)).toEqual(['received', 'decided', 'moderated']);
  });
});

describe('labelled examples', () => {
  it('keeps approvals and rejections with text, context and the automatic scores', async () => {
    const labels = [];
    for await (const l of new LabelStore(service.redis, service.runtime.keys).all('demo')) labels.push(l);
    const approved = labels.find((l) => l.commentId === 'ap-1');
    if (!approved || 'retracted' in approved) throw new Error('no approval label for ap-1');
    expect(approved).toMatchObject({ label: 'approved', moderator: 'demo-moderator', body: 'you are an idiot', bodyHash: expect.any(String) });
    expect(Object.keys(approved.autoScores).length).toBeGreaterThan(0);
    expect(labels.find((l) => l.commentId === 'rj-1')).toMatchObject({ label: 'rejected', reasonCode: 'HARASSMENT' });
    expect(labels.filter((l) => l.commentId.startsWith('es-'))).toEqual([]); // escalation is not a label
  });
});
