/**
 * When judging keeps failing (a provider down beyond every retry), the comment is not left queued:
 * its last attempt flags it for a moderator and the CMS is told.
 */
import Redis from 'ioredis';
import type { Worker } from 'bullmq';
import { createLogger } from '../../src/logger';
import { ArticleStore } from '../../src/infra/article-store';
import { CommentStore } from '../../src/infra/comment-store';
import { createKeys } from '../../src/infra/keys';
import { createMetrics } from '../../src/infra/metrics';
import { createCallbackQueue, createModerationQueue, moderationJobId } from '../../src/infra/queues';
import { bodyHash } from '../../src/moderation/record';
import { startModerationWorker } from '../../workers/moderation-worker';
import { deleteKeys, REDIS_URL, uniquePrefix, waitFor } from './harness';

const prefix = uniquePrefix('failure');
const keys = createKeys(prefix);
let redis: Redis;
let worker: Worker;
const settings = { attempts: 3, backoffMs: 10, keepCompleted: 10, keepFailed: 10 };

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await worker?.close();
  redis.disconnect();
  await deleteKeys(prefix);
});

it('flags a comment for a moderator after the last failed attempt, and queues its callback', async () => {
  const comments = new CommentStore(redis, keys);
  const queue = createModerationQueue(redis, keys, settings);
  const callbacks = createCallbackQueue(redis, keys, settings);
  let calls = 0;
  worker = startModerationWorker({
    connection: redis,
    keys,
    concurrency: 1,
    logger: createLogger('silent'),
    metrics: createMetrics(),
    deps: {
      keys,
      comments,
      articles: new ArticleStore(redis, keys),
      callbacks,
      threadSize: 5,
      repeatWindowSeconds: 60,
      now: () => new Date(),
      publish: async () => undefined,
      // The classifier provider is down for good.
      judge: async () => {
        calls++;
        throw new Error('provider unreachable');
      },
    },
  });

  const comment = { id: 'f-1', articleId: 'a', author: { id: 'u' }, body: 'An ordinary comment.' };
  const hash = bodyHash(comment.body);
  await comments.ingest('demo', comment, hash, new Date());
  const job = { site: 'demo', commentId: 'f-1', bodyHash: hash };
  await queue.add(job, moderationJobId(job));

  const record = await waitFor(async () => {
    const r = await comments.get('demo', 'f-1');
    return r?.status !== 'queued' ? r : undefined;
  }, 'fallback decision', 10_000);
  expect(calls).toBe(3);
  expect(record!.status).toBe('flagged');
  expect(record!.decision!.reasons[0]).toMatchObject({ code: 'PREMODERATION', message: expect.stringContaining('provider unreachable') });
  expect(await redis.zscore(keys.flaggedByPriority('demo'), 'f-1')).not.toBeNull();
  expect(await callbacks.queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  await queue.close();
  await callbacks.close();
});
