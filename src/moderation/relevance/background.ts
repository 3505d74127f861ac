/**
 * Background word statistics: document frequencies of stems over ~63k public comments and posts (tweets,
 * Wikipedia talk, Reddit, Civil Comments news comments; built by scripts/build-relevance-table.ts). A word's
 * specificity is its inverse document frequency.
 */
import table from './background-df.json';

const LOG_N = Math.log(table.documents + 1);
const IDF = new Map<string, number>(Object.entries(table.df as Record<string, number>).map(([s, df]) => [s, LOG_N - Math.log(df + 1)]));

/** Inverse document frequency of a stem; unseen stems (names, places, jargon) are the most specific. */
export function specificity(stem: string): number {
  return IDF.get(stem) ?? LOG_N;
}
