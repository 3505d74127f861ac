/**
 * Signals of how much a comment belongs to its conversation, each from compiled term models: TF-IDF cosine
 * against the article, the thread (as one document), the parent and all of them together; the share of the
 * comment's specific vocabulary found anywhere in the conversation; the share of the article's central terms
 * the comment uses; how much the comment says and how much context there is. Pure (scratch arrays are reused).
 */
import { dot, PREFIX, type CompiledConversation, type CompiledText } from './compiled';

/** Every signal computed; `COMBINED` lists those the learned combination (./combination.json) weighs. */
export const FEATURES = ['cosArticle', 'cosThread', 'cosParent', 'cosAll', 'coverage', 'central', 'logWords', 'logContext'] as const;
export type FeatureName = (typeof FEATURES)[number];
export type Features = Record<FeatureName, number>;
/**
 * The inputs of the learned combination. Per-part cosines and central coverage are computed and reported, but
 * not weighed: the only construction with articles and threads (SFU) is evaluation-only.
 */
export const COMBINED = ['cosAll', 'coverage', 'logWords', 'logContext'] as const satisfies readonly FeatureName[];

export interface FeatureResult {
  features: Features;
  /** Comment stems found in the conversation / not found (most specific first), with their first token index. */
  matched: Array<{ stem: string; index: number }>;
  unmatched: Array<{ stem: string; index: number }>;
  contentWords: number;
  /** Whether anything was there to compare with. */
  hasContext: boolean;
}

const PROPER_BONUS = 1.5;

/** Scratch space indexed by term id: the thread's summed weights, and an epoch mark per id. */
let acc = new Float64Array(1024);
let mark = new Int32Array(1024);
let epoch = 0;
let touched = new Int32Array(1024);

/** Computes the features of `comment` against `conv` (both compiled in the same vocabulary). */
export function relevanceFeatures(comment: CompiledText, conv: CompiledConversation): FeatureResult {
  const vocabulary = conv.vocabulary;
  if (comment.vocabulary !== vocabulary) throw new Error('relevanceFeatures: comment and conversation compiled in different vocabularies');
  if (acc.length < vocabulary.size) {
    const n = Math.max(acc.length * 2, vocabulary.size);
    acc = new Float64Array(n);
    mark = new Int32Array(n);
    epoch = 0;
  }
  epoch++;
  const { article, parent } = conv;

  // Thread summed into `acc`; `mark` tells which ids occur anywhere in the conversation.
  let nTouched = 0;
  for (const t of conv.thread) {
    for (let k = 0; k < t.ids.length; k++) {
      const id = t.ids[k];
      if (mark[id] !== epoch) {
        mark[id] = epoch;
        acc[id] = 0;
        if (nTouched >= touched.length) {
          const bigger = new Int32Array(touched.length * 2);
          bigger.set(touched);
          touched = bigger;
        }
        touched[nTouched++] = id;
      }
      acc[id] += t.weights[k];
    }
  }
  let t2 = 0;
  for (let k = 0; k < nTouched; k++) t2 += acc[touched[k]] * acc[touched[k]];
  const cT = threadDot(comment, nTouched);
  const aT = threadDot(article, nTouched);
  const pT = threadDot(parent, nTouched);
  const cA = article ? dot(comment, article) : 0;
  const cP = parent ? dot(comment, parent) : 0;
  const aP = article && parent ? dot(article, parent) : 0;
  const a2 = article?.norm2 ?? 0;
  const p2 = parent?.norm2 ?? 0;
  const contextTerms = nTouched + (article?.ids.length ?? 0) + (parent?.ids.length ?? 0);
  for (const x of [article, parent]) if (x) for (let k = 0; k < x.ids.length; k++) mark[x.ids[k]] = epoch;

  // Cosine against article + thread + parent as one vector: |U|² from the parts' norms and cross dots.
  const u2 = a2 + t2 + p2 + 2 * (aT + aP + pT);
  const cosAll = comment.norm2 && u2 > 0 ? (cA + cT + cP) / Math.sqrt(comment.norm2 * u2) : 0;

  // Coverage: specificity-weighted share of the comment's terms found anywhere (a prefix match counts half).
  const stems = vocabulary.stems;
  let total = 0;
  let found = 0;
  const matched: Array<{ stem: string; index: number; w: number }> = [];
  const unmatched: Array<{ stem: string; index: number; w: number }> = [];
  const parts = [article, parent, ...conv.thread];
  for (let k = 0; k < comment.ids.length; k++) {
    const id = comment.ids[k];
    const stem = stems[id];
    const w = vocabulary.idf[id] * (comment.proper.has(id) ? PROPER_BONUS : 1);
    let m = 0;
    if (mark[id] === epoch) m = 1;
    else if (stem.length >= PREFIX) {
      const pre = stem.slice(0, PREFIX);
      if (parts.some((p) => p?.prefixes.has(pre))) m = 0.5;
    }
    total += w;
    found += w * m;
    (m >= 0.5 ? matched : unmatched).push({ stem, index: comment.firstIndex[k], w });
  }
  const coverage = total > 0 ? found / total : 0;

  let centralTotal = 0;
  let centralFound = 0;
  for (const [id, x] of conv.central) {
    centralTotal += x;
    if (has(comment.ids, id)) centralFound += x;
  }
  return {
    features: {
      // cosine(comment, article) and cosine(comment, parent), from the dot products above.
      cosArticle: article && comment.norm2 && article.norm2 ? cA / Math.sqrt(comment.norm2 * article.norm2) : 0,
      cosThread: sqrt(comment.norm2, t2) ? cT / sqrt(comment.norm2, t2) : 0,
      cosParent: parent && comment.norm2 && parent.norm2 ? cP / Math.sqrt(comment.norm2 * parent.norm2) : 0,
      cosAll,
      coverage,
      central: centralTotal ? centralFound / centralTotal : 0,
      logWords: Math.log1p(comment.ids.length),
      logContext: Math.log1p(contextTerms),
    },
    matched: matched.sort(byWeight).map(strip),
    unmatched: unmatched.sort(byWeight).map(strip),
    contentWords: comment.ids.length,
    hasContext: contextTerms > 0,
  };
}

/** Dot product of `x` with the thread summed in `acc` (ids marked in this epoch; `touched` ids in all). */
function threadDot(x: CompiledText | undefined, touchedIds: number): number {
  if (!x || !touchedIds) return 0;
  let d = 0;
  for (let k = 0; k < x.ids.length; k++) if (mark[x.ids[k]] === epoch) d += acc[x.ids[k]] * x.weights[k];
  return d;
}

// Helpers at module level: closures made per call would each cost an allocation (and a defineProperty under tsx).
const sqrt = (x: number, y: number) => (x && y ? Math.sqrt(x * y) : 0);
const byWeight = (a: { w: number }, b: { w: number }) => b.w - a.w;
const strip = ({ stem, index }: { stem: string; index: number }) => ({ stem, index });

/** Binary search in ascending ids. */
function has(ids: Int32Array, id: number): boolean {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid] === id) return true;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
