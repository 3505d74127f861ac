/**
 * A BullMQ queue whose Redis is gone: its `error` events go to one structured, rate-limited log
 * line (no stack trace), instead of a stack per reconnection attempt or an unhandled `error` event.
 */
import Redis from 'ioredis';
import { createKeys } from '../../src/infra/keys';
import { createModerationQueue } from '../../src/infra/queues';
import { DISCONNECT_TIMEOUT_MS } from '../../src/infra/redis';
import { captureLogger } from '../perspective/support/helpers';
import { freePort } from '../fuzz/support/api-process';

it('logs queue connection errors once per interval, structured and without stacks', async () => {
  const port = await freePort(); // nothing listens there
  // disconnectTimeout: the socket still connecting at the end is destroyed at once, not after ioredis's 2 s.
  const connection = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => 20, disconnectTimeout: DISCONNECT_TIMEOUT_MS });
  const { logger, lines } = captureLogger();
  const queue = createModerationQueue(connection, createKeys('{t-queue-errors}'), { attempts: 1, backoffMs: 10, keepCompleted: 1, keepFailed: 1 }, logger);
  let errors = 0;
  queue.queue.on('error', () => (errors += 1));
  const started = Date.now();
  connection.connect().catch(() => undefined);
  const deadline = Date.now() + 30_000;
  while (errors < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const elapsed = Date.now() - started;
  await queue.close().catch(() => undefined);
  connection.disconnect();

  expect(errors).toBeGreaterThanOrEqual(5);
  const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'queue connection error');
  expect(logged.length).toBeGreaterThanOrEqual(1);
  expect(logged.length).toBeLessThanOrEqual(Math.ceil(elapsed / 10_000) + 1);
  expect(logged[0]).toMatchObject({ queue: 'moderation', error: { code: 'ECONNREFUSED' } });
  expect(JSON.stringify(logged)).not.toMatch(/\bat .*\.(js|ts):\d+/);
}, 60_000);
