/**
 * An inline check of a comment for any CMS (`comments:check`): the decision the site's pipeline
 * would make now, with the conversation we hold, without storing anything — or, with `store`,
 * stored and decided like a webhook comment (`decideInline`).
 */
import { STATUS_OF_ACTION, type Reason, type Scores } from '../moderation/types';
import type { InlineJudge } from './analyze-comment';
import { decideInline, type DecideInlineDeps } from './decide-inline';
import { loadContextFor } from './load-context';
import type { CommentSubmission } from './submit-comment';

export interface CheckResult {
  id: string;
  status: 'approved' | 'flagged' | 'rejected';
  reasons: Reason[];
  scores: Scores;
  modelVersion: string;
  policyVersion: string;
  /** Whether the comment and its decision were stored (and the callback queued). */
  stored: boolean;
}

export interface CheckDeps extends DecideInlineDeps {
  judgeInline: InlineJudge;
}

export async function checkComment(site: string, submission: CommentSubmission, store: boolean, deps: CheckDeps): Promise<CheckResult> {
  if (store) {
    const { id, decision } = await decideInline(site, submission, deps);
    const { status, reasons, scores, modelVersion, policyVersion } = decision;
    return { id, status, reasons, scores, modelVersion, policyVersion, stored: true };
  }
  const { article, ...comment } = submission;
  const context = await loadContextFor(site, comment, deps.now().getTime(), deps);
  // The article sent along stands in for one we have not stored yet.
  if (!context.article && article) context.article = { title: article.title, body: article.body };
  const { verdict } = await deps.judgeInline(site, comment, context);
  return {
    id: comment.id,
    status: STATUS_OF_ACTION[verdict.action],
    reasons: verdict.reasons,
    scores: verdict.scores,
    modelVersion: verdict.modelVersion,
    policyVersion: verdict.policyVersion,
    stored: false,
  };
}
