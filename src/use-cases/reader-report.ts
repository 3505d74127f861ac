/**
 * A reader reports a comment (through the site's CMS). The report is stored once per reporter,
 * the comment enters the Reported queue (and, if flagged, rises in the flagged queue), and an approved comment whose weighted reports reach the
 * site's threshold goes back to the flagged queue, in front of a person (the CMS is told by the
 * usual signed callback, moderators by a live event).
 */
import { AppError, notFound } from '../errors';
import type { CommentStore } from '../infra/comment-store';
import type { Keys } from '../infra/keys';
import type { ReportReason, ReportStore } from '../infra/report-store';
import { severityScore } from '../moderation/priority';
import type { Decision } from '../moderation/record';
import type { Reason, ReasonCode } from '../moderation/types';
import { decisionWrite, flaggedIndexes } from './decision-write';
import { currentDecision } from './moderator-view';

export interface ReaderReportDeps {
  keys: Keys;
  comments: CommentStore;
  reports: ReportStore;
  publish: (site: string, event: Record<string, unknown>) => Promise<void>;
  now: () => Date;
}

export interface ReaderReportInput {
  site: string;
  commentId: string;
  reporterId: string;
  reason: ReportReason;
  note?: string;
  /** Weighted reports that send an approved comment back to the flagged queue. */
  threshold: number;
}

/** Which reason code a reader's report stands for when it re-flags a comment. */
const CODE_OF_REPORT: Record<ReportReason, ReasonCode> = { offensive: 'TOXICITY', abusive: 'HARASSMENT', spam: 'SPAM', off_topic: 'OFF_TOPIC', other: 'TOXICITY' };

/** `requeued`: the report pushed an approved comment back in front of a moderator. */
export interface ReaderReportResult {
  commentId: string;
  reports: number;
  weight: number;
  status: string;
  requeued: boolean;
}

/** 404 for an unknown comment, 409 `already_reported` when this reporter reported it before. */
export async function readerReport(input: ReaderReportInput, deps: ReaderReportDeps): Promise<ReaderReportResult> {
  const { site, commentId } = input;
  const record = await deps.comments.get(site, commentId);
  if (!record) throw notFound(`comment "${commentId}"`);
  const decision = currentDecision(record);
  const at = deps.now().toISOString();
  const added = await deps.reports.add({
    site,
    commentId,
    reporterId: input.reporterId,
    reason: input.reason,
    note: input.note,
    at,
    severity: decision ? severityScore(decision.reasons) : 0,
    receivedAtMs: Date.parse(record.receivedAt),
  });
  if (!added.added) throw new AppError('already_reported', 409, `reader "${input.reporterId}" already reported this comment`);
  await deps.publish(site, { type: 'reported', id: commentId, reports: added.count, status: record.status }).catch(() => undefined);

  // Reports raise a waiting comment in the flagged queue too (the age index keeps arrival order).
  if (record.status === 'flagged' && decision) {
    const entries = flaggedIndexes(deps.keys, record, decision).filter(([key]) => key !== deps.keys.flaggedByAge(site));
    if (decision.escalated) entries.push([deps.keys.escalated(site), entries[0][1]]);
    await deps.reports.boostFlagged(commentId, entries, added.weight);
  }

  let status: string = record.status;
  let requeued = false;
  if (record.status === 'approved' && decision && added.weight >= input.threshold) {
    const totals = (await deps.reports.totals(site, [commentId])).get(commentId)!;
    const [top] = Object.entries(totals.reasons).sort((a, b) => b[1] - a[1]) as Array<[ReportReason, number]>;
    const summary = Object.entries(totals.reasons).map(([r, n]) => `${r} ×${n}`).join(', ');
    const reason: Reason = { code: CODE_OF_REPORT[top[0]], score: Math.min(1, added.weight / (input.threshold * 2)), message: `Reported by ${totals.count} readers (${summary}) after approval`, spans: [] };
    const flagged: Decision = { ...decision, status: 'flagged', reasons: [...decision.reasons.filter((r) => r.code !== 'MODERATOR'), reason], decidedBy: 'reports', decidedAt: at, provider: 'reports', timings: {}, escalated: undefined, note: undefined };
    const applied = await deps.comments.applyDecision(decisionWrite(deps.keys, record, flagged, { mode: 'moderator', event: 'moderated', by: 'reports', codes: [reason.code], note: reason.message }));
    if (applied.outcome === 'applied') {
      requeued = true;
      status = 'flagged';
      await deps.publish(site, { type: 'decided', id: commentId, status: 'flagged', decidedBy: 'reports', escalated: false }).catch(() => undefined);
    }
  }
  return { commentId, reports: added.count, weight: added.weight, status, requeued };
}
