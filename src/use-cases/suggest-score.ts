/**
 * A suggested score (Perspective's `comments:suggestscore`) kept as a label of the site for site
 * learning: a score of 0.5 or more on any attribute says the text should have been rejected, below
 * says approved. Coral sends one per moderator decision (`commentStatus` APPROVED → 0, rejected → 1).
 */
import type { LabelStore } from '../infra/label-store';
import { bodyHash } from '../moderation/record';
import { validateLabels } from '../site-learning/label-input';
import type { SiteLabel } from '../site-learning/types';

export interface SuggestedScore {
  site: string;
  text: string;
  /** Attribute → suggested summary score. */
  scores: Record<string, number>;
  /** The caller's id of the comment, if it sent one (Coral: `clientToken` "comment:ID"). */
  commentId?: string;
}

/** Stores the label, checked like every other label; returns it, or null when it is not a valid label. */
export async function recordSuggestedScore(s: SuggestedScore, labels: Pick<LabelStore, 'addLabels'>, now: Date): Promise<SiteLabel | null> {
  const item = (id: string) => ({ id, body: s.text, label: Object.values(s.scores).some((v) => v >= 0.5) ? 'rejected' : 'approved', decidedAt: now.toISOString() });
  // Without a usable id from the caller, the text names the label: the same text suggested again replaces it.
  let { labels: valid } = validateLabels([item(s.commentId ?? '')], 'suggestscore');
  if (!valid.length) valid = validateLabels([item(`suggested-${bodyHash(s.text)}`)], 'suggestscore').labels;
  if (!valid.length) return null;
  await labels.addLabels(s.site, valid, 'suggestscore');
  return valid[0];
}
