/**
 * A moderator decides a comment: approve, reject (with a reason code) or escalate to a senior
 * colleague. The decision is stored like an automatic one (atomically, with history, author record
 * and queue indexes) but marked as a moderator's, so later automatic runs never overturn it; the CMS
 * gets the same signed callback (its outbox event is part of that write); other moderators see it
 * live; approvals and rejections are kept as
 * labelled examples for retraining.
 */
import { AppError, notFound } from '../errors';
import type { ArticleStore } from '../infra/article-store';
import type { ClaimStore } from '../infra/claim-store';
import type { CommentStore } from '../infra/comment-store';
import type { Keys } from '../infra/keys';
import type { LabelStore } from '../infra/label-store';
import type { CommentRecord, Decision } from '../moderation/record';
import type { CommentStatus, Reason, ReasonCode } from '../moderation/types';
import { decisionWrite } from './decision-write';
import { currentDecision } from './moderator-view';

export type ModeratorAction = 'approve' | 'reject' | 'escalate';

export interface ModeratorDecisionInput {
  site: string;
  commentId: string;
  /** The moderator's name (audit, `decidedBy`, claims). */
  moderator: string;
  action: ModeratorAction;
  /** Required for `reject`: why, as one of the reason codes. */
  reasonCode?: ReasonCode;
  note?: string;
  /** Refuse (409 `changed`) unless the comment still has this status: what the moderator was shown. */
  expectedStatus?: CommentStatus;
}

export interface ModeratorDecideDeps {
  keys: Keys;
  comments: CommentStore;
  articles: ArticleStore;
  claims: ClaimStore;
  labels: LabelStore;
  publish: (site: string, event: Record<string, unknown>) => Promise<void>;
  now: () => Date;
}

const STATUS = { approve: 'approved', reject: 'rejected', escalate: 'flagged' } as const;

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

    if (action !== 'escalate') {
      const article = await deps.articles.get(site, record.comment.articleId);
      await deps.labels.append({
        site,
        commentId,
        bodyHash: record.bodyHash,
        body: record.comment.body,
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
    }
    await deps.publish(site, { type: 'decided', id: commentId, status: decision.status, decidedBy: moderator, escalated: decision.escalated === true }).catch(() => undefined);
    return (await deps.comments.get(site, commentId)) ?? record;
  } finally {
    await deps.claims.release(site, commentId, moderator).catch(() => undefined);
  }
}

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
