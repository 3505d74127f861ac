/**
 * Receiving a comment from a CMS: store it (new, repeated delivery or edit) and queue its
 * moderation. Resolves only once both are in Redis, so a 202 is never given for a lost comment.
 */
import type { ArticleStore } from '../infra/article-store';
import type { CommentStore, IngestOutcome } from '../infra/comment-store';
import type { ModerationJobs } from '../infra/moderation-jobs';
import { bodyHash } from '../moderation/record';
import type { ArticleInput, CommentInput, CommentStatus } from '../moderation/types';

export interface CommentSubmission extends CommentInput {
  /** Article context sent along; stored only if the article is not known yet. */
  article?: Pick<ArticleInput, 'title' | 'body'>;
}

export interface SubmitDeps {
  comments: CommentStore;
  articles: ArticleStore;
  /** Moderation jobs (comments stored close together share one); resolves once the job is in Redis. */
  jobs: ModerationJobs;
  now: () => Date;
}

export interface SubmitResult {
  id: string;
  status: CommentStatus;
  outcome: IngestOutcome;
}

export async function submitComment(site: string, submission: CommentSubmission, deps: SubmitDeps): Promise<SubmitResult> {
  const { comment, hash, outcome, status } = await storeComment(site, submission, deps);
  // A repeated delivery of a comment still queued queues it again: that recovers a comment an earlier
  // delivery stored but failed to queue, and a job finding it decided already writes nothing.
  if (status === 'queued') await deps.jobs.enqueue({ site, commentId: comment.id, bodyHash: hash });
  return { id: comment.id, status, outcome };
}

/** Stores the comment (new, same delivery again, or edit) and its article if new; queues nothing. */
export async function storeComment(site: string, submission: CommentSubmission, deps: Omit<SubmitDeps, 'jobs'>) {
  const { article, ...comment } = submission;
  const now = deps.now();
  if (article) await deps.articles.putIfAbsent(site, comment.articleId, article, now);
  const hash = bodyHash(comment.body);
  const { outcome, status } = await deps.comments.ingest(site, comment, hash, now);
  return { comment, hash, outcome, status };
}

/** One item's outcome in a batch: stored and queued, or the error that kept it from being either. */
export type SubmitOutcome = { ok: true; result: SubmitResult } | { ok: false; error: unknown };

/** Deliveries stored per script call in a batch: a few ms of Redis each, so other clients wait little. */
const INGEST_CHUNK = 100;

/**
 * Receives many comments at once: they are stored in script calls of `INGEST_CHUNK` deliveries
 * (sent together: the batch costs a round trip or two, not one per item), each delivery as atomic as
 * a single one; then their jobs, `groupMax` comments each, are added in one `addBulk` per queue
 * shard. An item is reported stored (`ok`) only once both its record and its job are in Redis.
 */
export async function submitComments(site: string, submissions: CommentSubmission[], deps: SubmitDeps): Promise<SubmitOutcome[]> {
  const now = deps.now();
  const articles = new Map<string, Pick<ArticleInput, 'title' | 'body'>>();
  for (const s of submissions) if (s.article && !articles.has(s.articleId)) articles.set(s.articleId, s.article);
  const articleErrors = new Map<string, unknown>();
  await Promise.all([...articles].map(([id, a]) => deps.articles.putIfAbsent(site, id, a, now).catch((err) => articleErrors.set(id, err))));

  // Every item not stored below keeps its article's error.
  const stored: Array<SubmitOutcome & { hash?: string }> = submissions.map(({ articleId }) => ({ ok: false, error: articleErrors.get(articleId) }));
  const todo = submissions.flatMap(({ article, ...comment }, index) => (articleErrors.has(comment.articleId) ? [] : [{ index, comment, hash: bodyHash(comment.body) }]));
  const chunks = Array.from({ length: Math.ceil(todo.length / INGEST_CHUNK) }, (_, k) => todo.slice(k * INGEST_CHUNK, (k + 1) * INGEST_CHUNK));
  await Promise.all(
    chunks.map(async (chunk) => {
      const answers = await deps.comments.ingestMany(site, chunk, now).catch((error: unknown) => chunk.map(() => ({ error })));
      chunk.forEach(({ index, comment, hash }, k) => {
        const a = answers[k];
        if (a instanceof Error) stored[index] = { ok: false, error: a };
        else if ('error' in a) stored[index] = { ok: false, error: a.error };
        else stored[index] = { ok: true, result: { id: comment.id, ...a }, hash };
      });
    }),
  );
  // Same rule as one comment: a delivery of a comment still queued queues it (again).
  const jobs = stored.flatMap((o) => (o.ok && o.result.status === 'queued' ? [{ site, commentId: o.result.id, bodyHash: o.hash! }] : []));
  if (jobs.length) {
    try {
      await deps.jobs.enqueueMany(jobs);
    } catch (error) {
      // Stored but not queued: not acknowledged; the CMS's retry queues them (the ids make it safe).
      const unqueued = new Set(jobs.map((j) => j.commentId));
      return stored.map((o) => (o.ok && unqueued.has(o.result.id) ? { ok: false, error } : o));
    }
  }
  return stored.map((o) => (o.ok ? { ok: true, result: o.result } : o));
}
