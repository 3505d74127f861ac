/**
 * The moderation worker under failure: a provider down beyond every retry, and a worker that dies
 * holding a job. In both cases the comment reaches a decision; nothing stays queued for ever.
 */
import Redis from 'ioredis';
import type { Worker } from 'bullmq';
import { resolvePolicy } from '../../config/policy-schema';
import { loadLocalClassifier } from '../../src/classifier/local-classifier';
import { ArticleStore } from '../../src/infra/article-store';
import { CommentStore } from '../../src/infra/comment-store';
import { createKeys } from '../../src/infra/keys';
import { createMetrics } from '../../src/infra/metrics';
import { commentSubject, Outbox } from '../../src/infra/outbox';
import { createModerationQueue, moderationJobId } from '../../src/infra/queues';
import { createLogger } from '../../src/logger';
import { moderate } from '../../src/moderation/pipeline';
import { bodyHash } from '../../src/moderation/record';
import type { ModerateDeps } from '../../src/use-cases/moderate-comment';
import { startModerationWorker } from '../../workers/moderation-worker';
import { deleteKeys, REDIS_URL, uniquePrefix, waitFor } from './harness';

const prefix = uniquePrefix('resilience');
const keys = createKeys(prefix);
const settings = { attempts: 3, backoffMs: 10, keepCompleted: 10, keepFailed: 10 };
let redis: Redis;
const workers: Worker[] = [];
const queues: Array<{ close(): Promise<void> }> = [];

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close(true)));
  await Promise.all(queues.map((q) => q.close()));
  redis.disconnect();
  await deleteKeys(prefix);
});

const comments = () => new CommentStore(redis, keys);

// Short locks and stalled checks so a dead worker's job is taken over within seconds. Every worker on a
// queue must use the same interval: the check is throttled queue-wide by a key that lives that long.
const TIMING = { lockDurationMs: 1_000, stalledIntervalMs: 1_000 };

function startWorker(judge: ModerateDeps['judge']): Worker {
  const worker = startModerationWorker({
    connection: redis,
    keys,
    concurrency: 1,
    ...TIMING,
    logger: createLogger('silent'),
    metrics: createMetrics(),
    deps: {
      keys,
      comments: comments(),
      articles: new ArticleStore(redis, keys),
      threadSize: 5,
      repeatWindowSeconds: 60,
      now: () => new Date(),
      publish: async () => undefined,
      judge,
    },
  });
  workers.push(worker);
  return worker;
}

async function submit(id: string, body: string): Promise<void> {
  const comment = { id, articleId: 'a', author: { id: 'u' }, body };
  const hash = bodyHash(body);
  await comments().ingest('demo', comment, hash, new Date());
  const job = { site: 'demo', commentId: id, bodyHash: hash };
  const queue = createModerationQueue(redis, keys, settings);
  await queue.add(job, moderationJobId(job));
  await queue.close();
}

const decided = (id: string) => waitFor(async () => {
  const r = await comments().get('demo', id);
  return r && r.status !== 'queued' ? r : undefined;
}, `decision for ${id}`, 15_000);

it('flags a comment for a moderator after the last failed attempt, with its callback in the outbox', async () => {
  let calls = 0;
  const worker = startWorker(async () => {
    calls++;
    throw new Error('provider unreachable'); // the classifier provider is down for good
  });
  await submit('f-1', 'An ordinary comment.');
  const record = await decided('f-1');
  expect(calls).toBe(3);
  expect(record.status).toBe('flagged');
  expect(record.decision!.reasons[0]).toMatchObject({ code: 'PREMODERATION', message: expect.stringContaining('provider unreachable') });
  expect(await redis.zscore(keys.flaggedByPriority('demo'), 'f-1')).not.toBeNull();
  const events = await new Outbox(redis, keys).pendingEvents('demo', commentSubject('f-1'));
  expect(events).toEqual([expect.objectContaining({ type: 'comment.moderated', sequence: 1, status: 'flagged', eventId: expect.any(String) })]);
  await worker.close();
});

it('recovers a job whose worker died while holding it: another worker decides it once', async () => {
  let started = false;
  const dying = startWorker(() => {
    started = true;
    return new Promise(() => undefined); // hangs: this worker "dies" before it finishes
  });
  await submit('s-1', 'The harbour plan costs too much for what it delivers.');
  await waitFor(() => (started ? true : undefined), 'the first worker to take the job');
  await dying.close(true); // no lock renewals from now on, the job stays "active"

  const policy = resolvePolicy({});
  const classifier = loadLocalClassifier();
  startWorker((_site, comment, context) => moderate(comment, context, { classifier, policy }));
  const record = await decided('s-1');
  expect(record.status).toBe('approved');
  expect(record.history.filter((h) => h.event === 'decided')).toHaveLength(1);
}, 30_000);
