/**
 * A moderator decides a comment: approve, reject (with a reason code), escalate to a senior
 * colleague, or requeue (back to flagged: the page's undo). The decision is stored like an automatic one (atomically, with history, author record
 * and queue indexes) but marked as a moderator's, so later automatic runs never overturn it; the CMS
 * gets the same signed callback (its outbox event is written with the decision); other moderators see it live; approvals and rejections are kept as
 * labelled examples for retraining.
 */
import { AppError, notFound } from '../errors';
import type { ArticleStore } from '../infra/article-store';
import type { ClaimStore } from '../infra/claim-store';
import type { CommentStore } from '../infra/comment-store';
import type { Keys } from '../infra/keys';
import type { DeskStatsStore } from '../infra/desk-stats-store';
import type { LabelStore } from '../infra/label-store';
import type { CallbackQueue } from '../infra/queues';
import type { ReportStore } from '../infra/report-store';
import type { CommentRecord, Decision } from '../moderation/record';
import type { CommentStatus, Reason, ReasonCode } from '../moderation/types';
import { decisionWrite } from './decision-write';
import { autoStatus, currentDecision } from './moderator-view';

/** `requeue` puts a decided comment back in the flagged queue (the page's undo). */
export type ModeratorAction = 'approve' | 'reject' | 'escalate' | 'requeue';

export interface ModeratorDecisionInput {
  site: string;
  commentId: string;
  /** The moderator's name (audit, `decidedBy`, claims). */
  moderator: string;
  action: ModeratorAction;
  /** Required for `reject`: why, as one of the reason codes. */
  reasonCode?: ReasonCode;
  note?: string;
  /** Only `senior` moderators decide escalated comments (default: senior, for internal callers). */
  role?: 'moderator' | 'senior';
  /** Refuse (409 `changed`) unless the comment still has this status: what the moderator was shown. */
  expectedStatus?: CommentStatus;
}

export interface ModeratorDecideDeps {
  keys: Keys;
  comments: CommentStore;
  articles: ArticleStore;
  claims: ClaimStore;
  labels: LabelStore;
  /** Where events other than the decision go (an author's `user.moderated`); a decision writes its own. */
  callbacks: CallbackQueue;
  reports: ReportStore;
  desk: DeskStatsStore;
  publish: (site: string, event: Record<string, unknown>) => Promise<void>;
  now: () => Date;
}

const STATUS = { approve: 'approved', reject: 'rejected', escalate: 'flagged', requeue: 'flagged' } as const;

/**
 * Applies the action and returns the stored record. Throws 404 for an unknown comment, 409
 * `claimed` while another moderator holds the item, 409 `changed` if its status is no longer the
 * expected one, 409 `stale` if the text changed meanwhile.
 */
export async function moderatorDecide(request: ModeratorDecisionInput, deps: ModeratorDecideDeps): Promise<CommentRecord> {
  // A reason code only means something on a rejection.
  const input = { ...request, reasonCode: request.action === 'reject' ? request.reasonCode : undefined };
  const { site, commentId, moderator, action } = input;
  if (action === 'reject' && !input.reasonCode) throw new AppError('reason_required', 422, 'a rejection needs a reasonCode');
  // Taking the claim (or renewing our own) is what stops two moderators deciding the same comment.
  const claim = await deps.claims.claim(site, commentId, moderator);
  if (!claim.ok) {
    throw new AppError('claimed', 409, `${claim.claimedBy} is reviewing this comment; try another one`, { details: { claimedBy: claim.claimedBy, expiresAt: claim.expiresAt } });
  }
  try {
    const record = await deps.comments.get(site, commentId);
    if (!record) throw notFound(`comment "${commentId}"`);
    if (input.expectedStatus && record.status !== input.expectedStatus) {
      const by = record.decision?.decidedBy;
      throw new AppError('changed', 409, `the comment is ${record.status} now${by ? ` (decided by ${by})` : ''}; reload it`, { details: { status: record.status, decidedBy: by ?? null } });
    }
    const previous = currentDecision(record);
    if (previous?.escalated && record.status === 'flagged' && input.role === 'moderator' && action !== 'escalate') {
      throw new AppError('senior_only', 403, 'this comment was escalated: only a senior moderator can decide it');
    }
    const decision = buildDecision(input, record, previous, deps.now());
    const parent = record.comment.parentId ? await deps.comments.get(site, record.comment.parentId) : null;
    const codes = input.reasonCode ? [input.reasonCode] : decision.reasons.map((r) => r.code);
    const applied = await deps.comments.applyDecision(
      decisionWrite(deps.keys, record, decision, {
        mode: 'moderator',
        event: action === 'escalate' ? 'escalated' : 'moderated',
        by: moderator,
        codes,
        targetAuthorId: parent?.comment.author.id,
        note: input.note,
      }),
    );
    if (applied.outcome === 'missing') throw notFound(`comment "${commentId}"`);
    if (applied.outcome !== 'applied') throw new AppError('stale', 409, 'the comment was edited since it was loaded; reload it and decide again');

    if (action === 'requeue' && (previous?.decidedBy ?? 'auto') !== 'auto') {
      // Undo: the moderator's label on this version no longer stands.
      await deps.labels.retract({ site, commentId, bodyHash: record.bodyHash, at: decision.decidedAt });
    }
    if (action === 'approve' || action === 'reject') {
      const article = await deps.articles.get(site, record.comment.articleId);
      await deps.labels.append({
        site,
        commentId,
        bodyHash: record.bodyHash,
        body: record.comment.body,
        articleId: record.comment.articleId,
        articleTitle: article?.title,
        parentBody: parent?.comment.body,
        label: decision.status as 'approved' | 'rejected',
        reasonCode: input.reasonCode,
        moderator,
        at: decision.decidedAt,
        autoScores: previous?.scores ?? {},
        autoReasons: autoReasons(previous).map((r) => r.code),
        modelVersion: previous?.modelVersion,
      });
      const model = autoStatus(record);
      const codes = autoReasons(previous).map((r) => r.code);
      await Promise.all([
        deps.reports.resolve(site, commentId, decision.status === 'rejected' ? 'upheld' : 'dismissed'),
        deps.desk.recordDecision(site, moderator, decision.decidedAt, codes, overturns(model, decision.status)),
      ]);
    }
    await deps.publish(site, { type: 'decided', id: commentId, status: decision.status, decidedBy: moderator, escalated: decision.escalated === true }).catch(() => undefined);
    return (await deps.comments.get(site, commentId)) ?? record;
  } finally {
    await deps.claims.release(site, commentId, moderator).catch(() => undefined);
  }
}

/**
 * Whether a moderator's decision goes against the model: approving what it flagged or rejected,
 * rejecting what it approved (a rejection of a flagged comment confirms it).
 */
export const overturns = (model: string | null, status: string) => (status === 'approved' ? model === 'flagged' || model === 'rejected' : status === 'rejected' && model === 'approved');

/** The pipeline's reasons of the last decision (a moderator's own reason is not carried over). */
const autoReasons = (d?: Decision): Reason[] => (d?.reasons ?? []).filter((r) => r.code !== 'MODERATOR');

function buildDecision(input: ModeratorDecisionInput, record: CommentRecord, previous: Decision | undefined, now: Date): Decision {
  const reasons = autoReasons(previous);
  if (input.action === 'reject') {
    reasons.push({ code: 'MODERATOR', score: 1, message: `Rejected by a moderator (${input.reasonCode})`, spans: [] });
  }
  return {
    status: STATUS[input.action],
    reasons,
    scores: previous?.scores ?? {},
    decidedBy: input.moderator,
    decidedAt: now.toISOString(),
    bodyHash: record.bodyHash,
    modelVersion: previous?.modelVersion ?? 'none',
    policyVersion: previous?.policyVersion ?? 'none',
    provider: 'moderator',
    timings: {},
    ...(input.note ? { note: input.note } : {}),
    ...(input.action === 'escalate' ? { escalated: true } : {}),
  };
}
