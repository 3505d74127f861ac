/**
 * Scoring a bare text inline (the Perspective-compatible API): the site's pipeline with the local
 * model over a comment with no stored conversation, exactly as the worker would judge it alone.
 */
import type { CommentInput, ModerationContext } from '../moderation/types';
import type { ExplainedVerdict } from '../moderation/verdict-with-findings';

/** Judges a comment inline (`Runtime.judgeInline`). */
export type InlineJudge = (site: string, comment: CommentInput, context: ModerationContext) => Promise<ExplainedVerdict>;

export async function analyzeText(site: string, text: string, judge: InlineJudge, now: Date): Promise<ExplainedVerdict> {
  const comment: CommentInput = { id: 'analyze', articleId: 'analyze', author: { id: 'analyze' }, body: text };
  return judge(site, comment, { site, thread: [], authorHistory: [], repeatCount: 0, now: now.toISOString() });
}
