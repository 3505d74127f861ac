/**
 * Slow-body and idle connections against the API process (`src/main.ts --role api`): unsigned
 * uploads are refused before their bodies are read, forged-signature uploads beyond the upload cap
 * are refused unread, stalled and idle connections are closed by the server's deadlines, RSS stays
 * bounded and /healthz keeps answering. Counts and sizes are fixed; every wait is for a condition.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { deleteKeysByPrefix } from '../../src/infra/redis';
import { REDIS_URL } from '../support/service';
import { startApiProcess, type ApiProcess } from './support/api-process';
import { healthLatency, idleConnection, slowUpload, type SlowClient } from './support/slow-clients';

const UNSIGNED = 150;
const FORGED = 20;
const IDLE = 100;
const BODY = 1_000_000;
const SLOTS = 4;
const prefix = `{t-slow-${randomBytes(4).toString('hex')}}`;
let api: ApiProcess;
const clients: SlowClient[] = [];

beforeAll(async () => {
  api = await startApiProcess({
    redisUrl: REDIS_URL,
    prefix,
    secret: 'slow-secret-123',
    env: { HTTP_MAX_UPLOADS: String(SLOTS), HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '4000' },
  });
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.socket.destroy();
  await api?.stop();
  const redis = new Redis(REDIS_URL);
  await deleteKeysByPrefix(redis, prefix);
  redis.disconnect();
});

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const status = (c: SlowClient) => /^HTTP\/1\.1 (\d{3})/.exec(c.response())?.[1];

it('keeps RSS bounded and /healthz answering under slow unsigned, forged and idle connections', async () => {
  await healthLatency(api.baseUrl);
  const before = api.rssMb();
  let peak = before;
  const forged = () => ({ 'X-Signature': `t=${Math.floor(Date.now() / 1000)},v2=${'0'.repeat(64)}` });

  const unsigned: SlowClient[] = [];
  for (let i = 0; i < UNSIGNED; i++) {
    unsigned.push(await slowUpload({ port: api.port, path: '/v1/sites/demo/comments', contentLength: BODY, sendBytes: BODY - 1 }));
    if (i % 25 === 0) peak = Math.max(peak, api.rssMb());
  }
  const held: SlowClient[] = [];
  for (let i = 0; i < FORGED; i++) held.push(await slowUpload({ port: api.port, path: '/v1/sites/demo/comments', contentLength: BODY, sendBytes: BODY - 1, headers: forged() }));
  const idle: SlowClient[] = [];
  for (let i = 0; i < IDLE; i++) idle.push(await idleConnection(api.port, i % 2 ? 'GET /heal' : ''));
  clients.push(...unsigned, ...held, ...idle);

  // /healthz answers while all of them are open.
  expect(await healthLatency(api.baseUrl, 10_000)).toBeLessThan(10_000);

  // Unsigned: 401 and closed, none of them buffered. (A client still sending when the server closes
  // may get a reset that discards the 401 it had not read yet, so a few may see no answer at all.)
  await until(() => unsigned.every((c) => c.closedByServer()), 'the server to close every unsigned upload');
  expect(unsigned.filter((c) => c.response() !== '' && status(c) !== '401').map((c) => c.response().split('\r\n')[0])).toEqual([]);
  expect(unsigned.filter((c) => status(c) === '401').length).toBeGreaterThanOrEqual(UNSIGNED / 2);

  // Forged signature: at most SLOTS bodies read at once; the rest 503 + Retry-After, unread.
  await until(() => held.filter((c) => status(c) === '503').length >= FORGED - SLOTS, 'uploads beyond the cap to be refused');
  expect(held.filter((c) => status(c) === '503').length).toBe(FORGED - SLOTS);
  expect(held.find((c) => status(c) === '503')!.response()).toMatch(/retry-after: 1/i);
  peak = Math.max(peak, api.rssMb());

  // Deadlines: the stalled uploads get 408 or are closed, and so are idle and half-sent connections.
  await until(() => [...held, ...idle].every((c) => c.closedByServer()), 'the server to close stalled and idle connections');
  expect(await healthLatency(api.baseUrl, 10_000)).toBeLessThan(10_000);
  peak = Math.max(peak, api.rssMb());
  console.log(`slow clients: RSS ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB peak (${UNSIGNED} unsigned + ${FORGED} forged uploads of ${BODY} bytes, ${IDLE} idle)`);
  // Buffering the unsigned bodies alone would add ~150 MB; the cap allows SLOTS × 1 MB.
  expect(peak - before).toBeLessThan(60);
  expect(api.alive()).toBe(true);
}, 180_000);
