/**
 * A suggested score (Perspective's `comments:suggestscore`) kept as a label for the site: a score
 * of 0.5 or more on any attribute says the text should have been rejected, below says approved.
 * Coral sends one per moderator decision (`commentStatus` APPROVED → 0, rejected → 1).
 */
import type { LabelStore, LabelledExample } from '../infra/label-store';
import { bodyHash } from '../moderation/record';

export interface SuggestedScore {
  site: string;
  text: string;
  /** Attribute → suggested summary score. */
  scores: Record<string, number>;
  /** Who suggested it: the key's name. */
  by: string;
  /** The caller's id of the comment, if it sent one (Coral: `clientToken` "comment:ID"). */
  commentId?: string;
  /** Parent's text or the article, if sent as context. */
  context?: string;
}

/** The one place that writes a suggested label: the export list and the site's labelled history (site learning). */
export async function storeSuggestedLabel(labels: Pick<LabelStore, 'append'>, example: LabelledExample): Promise<void> {
  await labels.append(example, 'suggestscore');
}

export async function recordSuggestedScore(s: SuggestedScore, labels: Pick<LabelStore, 'append'>, now: Date): Promise<LabelledExample> {
  const hash = bodyHash(s.text);
  const rejected = Object.values(s.scores).some((v) => v >= 0.5);
  const example: LabelledExample = {
    site: s.site,
    commentId: s.commentId ?? `suggested-${hash}`,
    bodyHash: hash,
    body: s.text,
    ...(s.context ? { parentBody: s.context } : {}),
    label: rejected ? 'rejected' : 'approved',
    moderator: `perspective-key:${s.by}`,
    at: now.toISOString(),
    autoScores: {},
    autoReasons: [],
  };
  await storeSuggestedLabel(labels, example);
  return example;
}
