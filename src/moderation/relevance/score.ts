/**
 * Relevance of a comment to its conversation: how much of the comment's specific vocabulary (weighted by
 * background specificity, names and places counting extra) appears in the article title and body, the
 * parent comment and the recent comments on the article. Pure; used by the relevance phase and the eval.
 */
import { tokenize, type Token } from '../text/tokens';
import { contentTerms, type Term } from './terms';
import { specificity } from './background';

/** The conversation a comment is compared with. */
export interface Conversation {
  title?: string;
  body?: string;
  parent?: string;
  thread: readonly string[];
}

export interface RelevanceSettings {
  /** Fewer distinct content words than this: too little to judge (offTopic 0). */
  minContentWords: number;
  /** Specificity mass of unshared words at which the off-topic claim is ~63% confident. */
  specificMass: number;
}

export interface RelevanceResult {
  /** Share of the comment's weighted content found in the conversation, 0..1. */
  relevance: number;
  /** Probability-like off-topic score, 0 when there is too little to judge. */
  offTopic: number;
  contentWords: number;
  matched: string[];
  unmatched: Term[];
  /** What the comment was compared with, for the reason message. */
  comparedWith: string;
}

const WEIGHT = { title: 3, body: 1, parent: 2, thread: 1 };
const PROPER_BONUS = 1.5;
const PREFIX = 5;

/** Scores `tokens` (of `text`) against the conversation. */
export function scoreRelevance(text: string, tokens: readonly Token[], conv: Conversation, settings: RelevanceSettings): RelevanceResult {
  const model = conversationModel(conv);
  const seen = new Map<string, Term>();
  for (const t of contentTerms(tokens, text)) if (!seen.has(t.stem) || t.proper) seen.set(t.stem, t);
  let total = 0;
  let found = 0;
  const matched: string[] = [];
  const unmatched: Term[] = [];
  for (const [s, term] of seen) {
    const w = specificity(s) * (term.proper ? PROPER_BONUS : 1);
    const exact = model.weight.get(s) ?? 0;
    const near = exact > 0 || s.length < PREFIX ? 0 : (model.prefix.get(s.slice(0, PREFIX)) ?? 0) / 2;
    const m = 1 - Math.exp(-(exact + near));
    total += w;
    found += w * m;
    if (m >= 0.5) matched.push(s);
    else unmatched.push(term);
  }
  const relevance = total > 0 ? found / total : 1;
  const judgeable = seen.size >= settings.minContentWords && model.size > 0;
  const specificMissing = total - found;
  const richness = Math.min(1, model.size / 15);
  // Off topic = little of the comment found in the conversation, little of the conversation's central terms found
  // in the comment, and enough specific unshared vocabulary to be sure (long on-topic comments add words of their own).
  const central = centralCoverage(model, seen);
  const offTopic = judgeable ? (1 - relevance) * (1 - central) * (1 - Math.exp(-specificMissing / settings.specificMass)) * richness : 0;
  return { relevance, offTopic, contentWords: seen.size, matched, unmatched, comparedWith: model.describe };
}

/** Share of the conversation's central terms (most weighted × specific, top 10) that the comment mentions. */
function centralCoverage(model: Model, comment: Map<string, Term>): number {
  const top = [...model.weight].map(([s, w]) => [s, w * specificity(s)] as const).sort((a, b) => b[1] - a[1]).slice(0, 10);
  const total = top.reduce((n, [, x]) => n + x, 0);
  return total ? top.reduce((n, [s, x]) => n + (comment.has(s) ? x : 0), 0) / total : 0;
}

interface Model {
  weight: Map<string, number>;
  prefix: Map<string, number>;
  size: number;
  describe: string;
}

function conversationModel(conv: Conversation): Model {
  const weight = new Map<string, number>();
  const prefix = new Map<string, number>();
  const add = (text: string | undefined, w: number): void => {
    if (!text) return;
    const stems = new Set(contentTerms(tokenizeCached(text)).map((t) => t.stem));
    for (const s of stems) {
      weight.set(s, (weight.get(s) ?? 0) + w);
      if (s.length >= PREFIX) prefix.set(s.slice(0, PREFIX), (prefix.get(s.slice(0, PREFIX)) ?? 0) + w);
    }
  };
  add(conv.title, WEIGHT.title);
  add(conv.body, WEIGHT.body);
  add(conv.parent, WEIGHT.parent);
  for (const c of conv.thread) add(c, WEIGHT.thread);
  const parts = [conv.title || conv.body ? 'the article' : '', conv.parent ? 'the parent comment' : '', conv.thread.length ? `${conv.thread.length} earlier comments` : ''];
  return { weight, prefix, size: weight.size, describe: parts.filter(Boolean).join(', ') || 'nothing' };
}

// Article bodies and thread comments repeat for every comment on the article: keep recent tokenisations.
const cache = new Map<string, Token[]>();
function tokenizeCached(text: string): Token[] {
  if (text.length < 40) return tokenize(text);
  let tokens = cache.get(text);
  if (!tokens) {
    tokens = tokenize(text);
    if (cache.size >= 256) cache.delete(cache.keys().next().value!);
    cache.set(text, tokens);
  }
  return tokens;
}
