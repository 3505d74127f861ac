/**
 * Relevance of a comment to its conversation (article title and body, parent comment, earlier comments): the
 * signals of ./features.ts combined by a logistic model learned on Wikipedia talk-page replies under their own
 * vs another parent (./combination.json, built by scripts/build-relevance-table.ts; see docs/off-topic.md).
 * Pure; used by the relevance phase, the classify CLI (through the phase) and the eval.
 */
import type { Token } from '../text/tokens';
import { compileText, sharedContextCache, type CompiledConversation, type Conversation, type ContextCache } from './compiled';
import { COMBINED, relevanceFeatures, type Features } from './features';
import combination from './combination.json';

export type { Conversation, CompiledConversation };

export interface RelevanceSettings {
  /** Below this many distinct content words the off-topic score shrinks (× √(words / this); none → 0). */
  minContentWords: number;
}

export interface RelevanceResult {
  /** Probability-like: the comment belongs to this conversation (learned combination), 0..1. */
  relevance: number;
  /**
   * 1 − relevance, shrunk for comments with fewer than `minContentWords` content words (so "Source?" is never
   * flagged, yet keeps its rank among short comments); 0 without content words or without a conversation.
   */
  offTopic: number;
  contentWords: number;
  /** Comment stems found in the conversation, most specific first. */
  matched: Array<{ stem: string; index: number }>;
  /** Comment stems not found, most specific first, with the token index of their first occurrence. */
  unmatched: Array<{ stem: string; index: number }>;
  /** What the comment was compared with, for the reason message. */
  comparedWith: string;
  features: Features;
}

const WEIGHTS: readonly number[] = COMBINED.map((f) => {
  const w = (combination.weights as Record<string, number>)[f];
  if (typeof w !== 'number') throw new Error(`relevance combination.json lacks a weight for ${f}`);
  return w;
});

/** The learned combination's on-topic probability for a feature vector. */
export function onTopicProbability(features: Features): number {
  let z = combination.intercept;
  for (let i = 0; i < COMBINED.length; i++) z += WEIGHTS[i] * features[COMBINED[i]];
  return 1 / (1 + Math.exp(-z));
}

const nothing = (): RelevanceResult => ({
  relevance: 1,
  offTopic: 0,
  contentWords: 0,
  matched: [],
  unmatched: [],
  comparedWith: 'nothing',
  features: { cosArticle: 0, cosThread: 0, cosParent: 0, cosAll: 0, coverage: 0, central: 0, logWords: 0, logContext: 0 },
});

/**
 * Scores the comment `text` (with its `tokens`) against `conv`: plain texts are compiled through `cache`
 * (article and thread models are reused across comments); an already compiled conversation is used as is.
 */
export function scoreRelevance(
  text: string,
  tokens: readonly Token[],
  conv: Conversation | CompiledConversation,
  settings: RelevanceSettings,
  cache: ContextCache = sharedContextCache,
): RelevanceResult {
  // Without a conversation there is nothing to compare with (and no need to compile the comment).
  if (!('describe' in conv) && !conv.title && !conv.body && !conv.parent && !conv.thread.length) return nothing();
  const compiled = 'describe' in conv ? conv : cache.conversation(conv);
  // Memoised when compiled through the cache: the comment is in the thread of the comments after it.
  const comment = 'describe' in conv ? compileText(compiled.vocabulary, text, tokens) : cache.comment(text, tokens);
  const r = relevanceFeatures(comment, compiled);
  const relevance = onTopicProbability(r.features);
  const confidence = r.hasContext ? Math.sqrt(Math.min(1, r.contentWords / settings.minContentWords)) : 0;
  return {
    relevance,
    offTopic: (1 - relevance) * confidence,
    contentWords: r.contentWords,
    matched: r.matched,
    unmatched: r.unmatched,
    comparedWith: compiled.describe,
    features: r.features,
  };
}
