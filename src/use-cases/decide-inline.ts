/**
 * Receiving a comment whose caller waits for the decision (Coral's external moderation phase, an
 * inline check with `store: true`): store it as a webhook comment would be stored, judge it at once
 * with the site's pipeline and the local model, store the decision with its history and queue the
 * callback, like the worker does. If judging or storing the decision fails, the comment's job is
 * queued so a worker decides it later, and the error is passed on: no comment stays undecided.
 */
import type { Decision } from '../moderation/record';
import type { Finding } from '../moderation/phases/phase';
import type { ExplainedVerdict } from '../moderation/verdict-with-findings';
import type { InlineJudge } from './analyze-comment';
import { moderateComment, type ModerateDeps } from './moderate-comment';
import { storeComment, type CommentSubmission, type SubmitDeps } from './submit-comment';

export interface DecideInlineDeps extends Omit<ModerateDeps, 'judge'>, SubmitDeps {
  judgeInline: InlineJudge;
}

export interface InlineDecision {
  id: string;
  decision: Decision;
  /** The findings behind the scores; empty when the comment had been decided before (same delivery again). */
  findings: readonly Finding[];
}

export async function decideInline(site: string, submission: CommentSubmission, deps: DecideInlineDeps): Promise<InlineDecision> {
  // Stored without a job: the queue is the fallback below.
  const { comment, hash, status } = await storeComment(site, submission, deps);
  let explained: ExplainedVerdict | undefined;
  const job = { site, commentId: comment.id, bodyHash: hash };
  if (status === 'queued') {
    try {
      await moderateComment(job, {
        ...deps,
        judge: async (s, c, context) => {
          explained = await deps.judgeInline(s, c, context);
          return explained.verdict;
        },
      });
    } catch (err) {
      await deps.jobs.enqueue(job).catch(() => undefined);
      throw err;
    }
  }
  const record = await deps.comments.get(site, comment.id);
  if (!record?.decision) {
    // Another writer changed the comment meanwhile (an edit): the worker decides the newest version.
    await deps.jobs.enqueue(job);
    throw new Error(`comment ${site}/${comment.id} has no decision after inline judgement`);
  }
  return { id: comment.id, decision: record.decision, findings: explained?.findings ?? [] };
}
