/** Applying a trained adapter to one comment: the site's probability of rejection and the words behind it. */
import type { Token } from '../moderation/text/tokens';
import type { Span } from '../moderation/types';
import { bucketOf, distinctWords, featurize } from './features';
import { linear, sigmoid } from './logistic';
import type { SiteAdapter } from './types';

/** What the adapter says about one comment. */
export interface AdapterResult {
  /** The site's probability that it would reject this comment. */
  score: number;
  /** Words whose site-learnt weight pushed the score up most (at most three). */
  spans: Span[];
}

/** An adapter applies only to scores of the general model it was trained over. */
export const adapterApplies = (adapter: Pick<SiteAdapter, 'generalModelVersion'>, modelVersion: string): boolean => adapter.generalModelVersion === modelVersion;

type Weights = Pick<SiteAdapter, 'heads' | 'buckets' | 'weights' | 'bias' | 'length'>;

/** Scores a comment with the adapter, given the general model's scores for it (and its tokens, if already made). */
export function applyAdapter(adapter: Weights, scores: Readonly<Record<string, number | undefined>>, text: string, tokens?: readonly Token[]): AdapterResult {
  const words = distinctWords(text, tokens);
  const row = featurize(scores, text, adapter, words);
  const score = sigmoid(linear(adapter, row));
  const offset = adapter.heads.length + 1;
  const spans: Array<Span & { w: number }> = [];
  if (adapter.buckets > 0) {
    for (const [word, span] of words) {
      const w = adapter.weights[offset + bucketOf(word, adapter.buckets)] * row.wordValue;
      if (w > 0.25) spans.push({ ...span, w });
    }
  }
  spans.sort((a, b) => b.w - a.w);
  return { score, spans: spans.slice(0, 3).map(({ start, end }) => ({ start, end })) };
}
