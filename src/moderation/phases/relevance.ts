/**
 * Off-topic: how well the comment belongs to its article and conversation (parent, recent comments), from
 * TF-IDF similarity, shared specific vocabulary and length, combined by a learned model (../relevance/).
 * Article and thread term models are compiled once and reused across comments (a bounded process-wide cache, one
 * per site when the site's article statistics are known: its words are weighed by how they tell its articles apart).
 * Short reactions ("Agreed.", "Source?") carry too little to judge and score 0.
 */
import { scoreRelevance } from '../relevance/score';
import { contextCacheFor } from '../relevance/site-terms';
import { spanOf } from '../text/tokens';
import type { Phase } from './phase';

export const relevancePhase: Phase = {
  name: 'relevance',
  run({ comment, context, policy, state }) {
    const conversation = {
      title: context.article?.title,
      body: context.article?.body,
      parent: context.parent?.body,
      thread: context.thread.map((c) => c.body),
    };
    const settings = policy.policy.relevance;
    const r = scoreRelevance(comment.body, state.tokens, conversation, settings, contextCacheFor(context.siteTerms));
    // A short reply is conversation with its parent ("Next year in Prizren"): judge it leniently.
    const reply = (context.parent !== undefined || /(^|\s)@\w/.test(comment.body)) && r.contentWords < settings.shortReplyWords;
    const offTopic = reply ? r.offTopic * settings.shortReplyFactor : r.offTopic;
    const spans = r.unmatched.slice(0, 5).map((t) => spanOf(state.tokens, t.index, t.index + 1));
    const shared = r.matched.length ? `: ${r.matched.slice(0, 4).map((t) => t.stem).join(', ')}` : '';
    const message = `Little in common with ${r.comparedWith} (${r.matched.length} of ${r.contentWords} content words shared${shared})`;
    return {
      scores: { ...state.scores, offTopic },
      findings: [{ category: 'offTopic', code: 'OFF_TOPIC', score: offTopic, spans, message }],
    };
  },
};
