/**
 * Background word statistics: document frequencies of stems over ~41k public comments and posts
 * (built by scripts/build-relevance-table.ts). A word's specificity is its inverse document frequency.
 */
import table from './background-df.json';

const DF = new Map<string, number>(Object.entries(table.df as Record<string, number>));
const LOG_N = Math.log(table.documents + 1);

/** Inverse document frequency of a stem; unseen stems (names, places, jargon) are the most specific. */
export function specificity(stem: string): number {
  return LOG_N - Math.log((DF.get(stem) ?? 0) + 1);
}
