/**
 * A site with `callbackBatchMax` gets its events together: `{type: "batch", site, events}` per
 * request, signed like a single callback, with the same per-comment order, retries and dead letters.
 */
import { startCallbackReceiver } from '../../src/client/callback-receiver';
import { batchBody } from '../../src/infra/callback-sender';
import { signatureHeader, verifySignature } from '../../src/security/signature';
import { signed } from '../security/signed-request';
import { startCmsEndpoint } from '../support/cms-endpoint';
import { startService, waitFor, type TestService } from './harness';

const SECRET = 'batch-secret-1';
const BATCH = 10;

interface Delivery {
  status: number;
  signatureOk: boolean;
  count: string | undefined;
  eventIdHeader: string | undefined;
  body: { type: string; site: string; events: Array<{ eventId: string; sequence: number; type: string; comment: { id: string } }> };
}

/** A CMS endpoint on loopback that answers what the test says and records every request. */
async function startCms() {
  const deliveries: Delivery[] = [];
  const endpoint = await startCmsEndpoint(({ headers, raw, status }) =>
    deliveries.push({
      status,
      signatureOk: verifySignature(headers['x-signature'] as string, raw, [SECRET], 300).ok,
      count: headers['x-event-count'] as string | undefined,
      eventIdHeader: headers['x-event-id'] as string | undefined,
      body: JSON.parse(raw.toString()),
    }),
  );
  return { ...endpoint, deliveries };
}

let cms: Awaited<ReturnType<typeof startCms>>;
let svc: TestService;

beforeAll(async () => {
  cms = await startCms();
  svc = await startService({
    name: 'callback-batches',
    overrides: {
      callbacks: { attempts: 3, backoffMs: 50, timeoutMs: 2_000, pollMs: 50 },
      sites: [{ id: 'demo', webhookSecrets: [SECRET], callbackUrl: cms.url, callbackBatchMax: BATCH }],
    },
  });
});
afterAll(async () => {
  await svc.close();
  await cms.close();
});

const comment = (id: string, body = `A calm note about the harbour plan, number ${id}.`) => ({ id, articleId: 'batch-article', author: { id: `u-${id}` }, body });
const accepted = (d: Delivery) => d.status < 300;
const eventsOf = (ds: Delivery[]) => ds.flatMap((d) => d.body.events);

it('sends the decisions of many comments in signed batches of at most callbackBatchMax events', async () => {
  const ids = Array.from({ length: 25 }, (_, i) => `b-${i}`);
  const res = await signed(svc.app, 'POST', '/v1/sites/demo/comments/batch', SECRET, JSON.stringify({ comments: ids.map((id) => comment(id)) }));
  expect(res.status).toBe(202);
  await waitFor(() => (new Set(eventsOf(cms.deliveries.filter(accepted)).map((e) => e.comment.id)).size >= ids.length ? true : undefined), 'every decision called back', 30_000);

  const batches = cms.deliveries.filter(accepted);
  for (const d of batches) {
    expect(d.signatureOk).toBe(true);
    expect(d.body).toMatchObject({ type: 'batch', site: 'demo' });
    expect(d.body.events.length).toBeGreaterThan(0);
    expect(d.body.events.length).toBeLessThanOrEqual(BATCH);
    expect(d.count).toBe(String(d.body.events.length));
    expect(d.eventIdHeader).toBeUndefined();
  }
  const events = eventsOf(batches);
  expect(events.map((e) => e.comment.id).sort()).toEqual([...ids].sort()); // each decision once
  expect(events.every((e) => e.type === 'comment.moderated' && e.sequence === 1)).toBe(true);
  expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  // Decided together (one job), so they left together: fewer requests than events, full batches among them.
  expect(batches.length).toBeLessThan(ids.length);
  expect(Math.max(...batches.map((d) => d.body.events.length))).toBe(BATCH);
});

it('retries a refused batch, keeps each comment\'s events in order, and dead-letters each event after the last attempt', async () => {
  cms.deliveries.length = 0;
  cms.state.status = 503;
  expect((await signed(svc.app, 'POST', '/v1/sites/demo/comments', SECRET, JSON.stringify(comment('r-1')))).status).toBe(202);
  const refused = await waitFor(() => cms.deliveries.find((d) => d.status === 503 && d.body.events.some((e) => e.comment.id === 'r-1')), 'a refused batch');
  const first = refused.body.events.find((e) => e.comment.id === 'r-1')!;
  // An edit while the first decision is still undelivered: its event (sequence 2) waits for the first.
  expect((await signed(svc.app, 'POST', '/v1/sites/demo/comments', SECRET, JSON.stringify(comment('r-1', 'An edited, still calm note about the harbour plan.')))).status).toBe(202);
  await waitFor(async () => ((await svc.runtime.apiStores.comments.get('demo', 'r-1'))?.status !== 'queued' ? true : undefined), 'the edit decided');
  cms.state.status = 204;
  const delivered = await waitFor(() => {
    const evs = eventsOf(cms.deliveries.filter(accepted)).filter((e) => e.comment.id === 'r-1');
    return evs.length >= 2 ? evs : undefined;
  }, 'both events of r-1 delivered', 30_000);
  expect(delivered.map((e) => e.sequence)).toEqual([1, 2]);
  expect(delivered[0].eventId).toBe(first.eventId); // the refused event itself, retried
  const idx = (seq: number) => cms.deliveries.findIndex((d) => accepted(d) && d.body.events.some((e) => e.comment.id === 'r-1' && e.sequence === seq));
  expect(idx(1)).toBeLessThan(idx(2)); // the second left only after the first was accepted

  // A CMS that keeps refusing: after 3 attempts each event of the batch is dead-lettered on its own.
  cms.state.status = 500;
  const before = await svc.runtime.apiStores.deadLetters.count('demo');
  const res = await signed(svc.app, 'POST', '/v1/sites/demo/comments/batch', SECRET, JSON.stringify({ comments: ['d-1', 'd-2', 'd-3'].map((id) => comment(id)) }));
  expect(res.status).toBe(202);
  await waitFor(async () => ((await svc.runtime.apiStores.deadLetters.count('demo')) >= before + 3 ? true : undefined), 'three dead letters', 30_000);
  const dead = (await svc.runtime.apiStores.deadLetters.list('demo')).filter((d) => /^c:d-/.test(d.subject ?? ""));
  expect(dead.map((d) => d.subject).sort()).toEqual(['c:d-1', 'c:d-2', 'c:d-3']);
  expect(dead.every((d) => d.attempts === 3 && /HTTP 500/.test(d.error))).toBe(true);
  cms.state.status = 204;
}, 60_000);

it('lets the CMS-side receiver (src/client) record each event of a batch as its own delivery', async () => {
  const receiver = await startCallbackReceiver({ secrets: [SECRET] });
  try {
    const events = [1, 2].map((n) => `{"eventId":"e-${n}","sequence":1,"type":"comment.moderated","site":"demo","comment":{"id":"c-${n}","articleId":"a"}}`);
    const raw = batchBody('demo', events);
    const res = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signatureHeader([SECRET], raw) }, body: raw });
    expect(res.status).toBe(204);
    expect(receiver.received.map((r) => [r.payload?.eventId, r.batchSize, r.verification.ok])).toEqual([
      ['e-1', 2, true],
      ['e-2', 2, true],
    ]);
  } finally {
    await receiver.close();
  }
});
