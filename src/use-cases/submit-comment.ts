/**
 * Receiving a comment from a CMS: store it (new, repeated delivery or edit) and queue its
 * moderation. Resolves only once both are in Redis, so a 202 is never given for a lost comment.
 */
import type { ArticleStore } from '../infra/article-store';
import type { CommentStore, IngestOutcome } from '../infra/comment-store';
import { moderationJobId, type ModerationQueue } from '../infra/queues';
import { bodyHash } from '../moderation/record';
import type { ArticleInput, CommentInput, CommentStatus } from '../moderation/types';

export interface CommentSubmission extends CommentInput {
  /** Article context sent along; stored only if the article is not known yet. */
  article?: Pick<ArticleInput, 'title' | 'body'>;
}

export interface SubmitDeps {
  comments: CommentStore;
  articles: ArticleStore;
  queue: ModerationQueue;
  now: () => Date;
}

export interface SubmitResult {
  id: string;
  status: CommentStatus;
  outcome: IngestOutcome;
}

export async function submitComment(site: string, submission: CommentSubmission, deps: SubmitDeps): Promise<SubmitResult> {
  const { comment, hash, outcome, status } = await storeComment(site, submission, deps);
  // A repeated delivery of a comment still queued re-adds its job: the id makes that a no-op when
  // the job exists, and recovers the comment if an earlier delivery stored it but failed to queue.
  if (status === 'queued') {
    const job = { site, commentId: comment.id, bodyHash: hash };
    await deps.queue.add(job, moderationJobId(job));
  }
  return { id: comment.id, status, outcome };
}

/** Stores the comment (new, same delivery again, or edit) and its article if new; queues nothing. */
export async function storeComment(site: string, submission: CommentSubmission, deps: Omit<SubmitDeps, 'queue'>) {
  const { article, ...comment } = submission;
  const now = deps.now();
  if (article) await deps.articles.putIfAbsent(site, comment.articleId, article, now);
  const hash = bodyHash(comment.body);
  const { outcome, status } = await deps.comments.ingest(site, comment, hash, now);
  return { comment, hash, outcome, status };
}
