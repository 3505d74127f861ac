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

/**
 * Receives many comments at once: each is stored on its own (one script each, sent together so the
 * batch costs a few round trips, not one per item), then their jobs, `groupMax` comments each, are
 * added in one `addBulk` per queue shard. An item is reported stored (`ok`) only once both its record
 * and its job are in Redis.
 */
export async function submitComments(site: string, submissions: CommentSubmission[], deps: SubmitDeps): Promise<SubmitOutcome[]> {
  const now = deps.now();
  const articles = new Map<string, Pick<ArticleInput, 'title' | 'body'>>();
  for (const s of submissions) if (s.article && !articles.has(s.articleId)) articles.set(s.articleId, s.article);
  const articleErrors = new Map<string, unknown>();
  await Promise.all([...articles].map(([id, a]) => deps.articles.putIfAbsent(site, id, a, now).catch((err) => articleErrors.set(id, err))));
  const stored = await Promise.all(
    submissions.map(async ({ article, ...comment }): Promise<SubmitOutcome & { hash?: string }> => {
      if (articleErrors.has(comment.articleId)) return { ok: false, error: articleErrors.get(comment.articleId) };
      const hash = bodyHash(comment.body);
      try {
        const { outcome, status } = await deps.comments.ingest(site, comment, hash, now);
        return { ok: true, result: { id: comment.id, status, outcome }, hash };
      } catch (error) {
        return { ok: false, error };
      }
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
