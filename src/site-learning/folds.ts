/** Cross-validation folds that keep every group (article) on one side. */

/**
 * Assigns each row to one of at most `k` folds so that all rows of a group share a fold; groups go,
 * largest first, to the fold with the fewest rows (deterministic). Returns fold numbers per row and the
 * number of folds actually made (fewer than `k` when there are fewer groups).
 */
export function groupFolds(groups: readonly string[], k: number): { fold: Int32Array; folds: number } {
  const sizes = new Map<string, number>();
  for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  const folds = Math.max(1, Math.min(k, sizes.size));
  const load = new Array<number>(folds).fill(0);
  const of = new Map<string, number>();
  const ordered = [...sizes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [g, n] of ordered) {
    let best = 0;
    for (let f = 1; f < folds; f++) if (load[f] < load[best]) best = f;
    of.set(g, best);
    load[best] += n;
  }
  return { fold: Int32Array.from(groups, (g) => of.get(g)!), folds };
}
