/**
 * Signals of how much a comment belongs to its conversation, each from compiled term models: TF-IDF cosine
 * against the article, the thread (as one document), the parent and all of them together; the share of the
 * comment's specific vocabulary found anywhere in the conversation; the share of the article's central terms
 * the comment uses; and how much the comment says. Pure.
 */
import { cosine, dot, PREFIX, type CompiledConversation, type CompiledText } from './compiled';
import { specificity } from './background';

/** Every signal computed; `COMBINED` lists those the learned combination (./combination.json) weighs. */
export const FEATURES = ['cosArticle', 'cosThread', 'cosParent', 'cosAll', 'sqrtCosAll', 'coverage', 'central', 'logWords', 'logContext'] as const;
export type FeatureName = (typeof FEATURES)[number];
export type Features = Record<FeatureName, number>;
/**
 * The inputs of the learned combination. Per-part cosines and central coverage are computed and reported, but
 * not weighed: the only training construction with articles and threads (SFU) is evaluation-only.
 */
export const COMBINED = ['cosAll', 'coverage', 'logWords', 'logContext'] as const satisfies readonly FeatureName[];

export interface FeatureResult {
  features: Features;
  /** Comment stems found in the conversation / not found (most specific first). */
  matched: string[];
  unmatched: string[];
  contentWords: number;
  /** Whether anything was there to compare with. */
  hasContext: boolean;
}

const PROPER_BONUS = 1.5;

/** Computes the features of `comment` against `conv`. */
export function relevanceFeatures(comment: CompiledText, conv: CompiledConversation): FeatureResult {
  const thread = sumThread(conv.thread);
  const { article, parent } = conv;
  const parts = [article, thread, parent].filter((p): p is CompiledText => p !== undefined && p.tf.size > 0);

  // Cosine against article + thread + parent as one vector, without building it: |U|² from the parts' cross dots.
  let u2 = 0;
  let cu = 0;
  for (let i = 0; i < parts.length; i++) {
    u2 += parts[i].norm2;
    cu += dot(comment, parts[i]);
    for (let j = i + 1; j < parts.length; j++) u2 += 2 * dot(parts[i], parts[j]);
  }
  const cosAll = comment.norm2 && u2 ? cu / Math.sqrt(comment.norm2 * u2) : 0;

  // Coverage: specificity-weighted share of the comment's terms found anywhere (a prefix match counts half).
  let total = 0;
  let found = 0;
  const matched: Array<[string, number]> = [];
  const unmatched: Array<[string, number]> = [];
  for (const s of comment.tf.keys()) {
    const w = specificity(s) * (comment.proper.has(s) ? PROPER_BONUS : 1);
    let m = 0;
    if (parts.some((p) => p.tf.has(s)) || conv.thread.some((t) => t.tf.has(s))) m = 1;
    else if (s.length >= PREFIX) {
      const pre = s.slice(0, PREFIX);
      if (parts.some((p) => p.prefixes.has(pre)) || conv.thread.some((t) => t.prefixes.has(pre))) m = 0.5;
    }
    total += w;
    found += w * m;
    (m >= 0.5 ? matched : unmatched).push([s, w]);
  }
  const coverage = total > 0 ? found / total : 0;

  let centralTotal = 0;
  let centralFound = 0;
  for (const [s, x] of conv.central) {
    centralTotal += x;
    if (comment.tf.has(s)) centralFound += x;
  }
  const byWeight = (a: [string, number], b: [string, number]) => b[1] - a[1];
  return {
    features: {
      cosArticle: cosine(comment, article),
      cosThread: cosine(comment, thread),
      cosParent: cosine(comment, parent),
      cosAll,
      sqrtCosAll: Math.sqrt(cosAll),
      coverage,
      central: centralTotal ? centralFound / centralTotal : 0,
      logWords: Math.log1p(comment.tf.size),
      logContext: Math.log1p(parts.reduce((n, p) => n + p.tf.size, 0)),
    },
    matched: matched.sort(byWeight).map(([s]) => s),
    unmatched: unmatched.sort(byWeight).map(([s]) => s),
    contentWords: comment.tf.size,
    hasContext: parts.length > 0,
  };
}

/** The thread's comments as one term model (tf summed); prefixes stay with each comment. */
function sumThread(thread: readonly CompiledText[]): CompiledText | undefined {
  if (!thread.length) return undefined;
  if (thread.length === 1) return thread[0];
  const tf = new Map<string, number>();
  for (const t of thread) for (const [s, n] of t.tf) tf.set(s, (tf.get(s) ?? 0) + n);
  let norm2 = 0;
  for (const [s, f] of tf) {
    const w = f * specificity(s);
    norm2 += w * w;
  }
  return { tf, proper: new Set(), prefixes: new Set(), norm2, firstIndex: new Map() };
}
