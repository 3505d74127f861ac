/**
 * Dehumanising statements about a group ("they are primates", "these people are uncivilized"), from
 * sentence structure (../text/dehumanizing-patterns.ts): the model, trained on n-grams, misses them in a
 * polite register. The identity-attack score becomes max(model, analyzer), enough to flag for a person.
 */
import { DEHUMANIZING_SCORE, findDehumanizing } from '../text/dehumanizing-patterns';
import { quote, spanOf } from '../text/tokens';
import type { Finding, Phase } from './phase';

export const dehumanizationPhase: Phase = {
  name: 'dehumanization',
  run({ comment, state }) {
    const matches = findDehumanizing(state.tokens);
    if (!matches.length) return {};
    const spans = matches.map((m) => spanOf(state.tokens, m.from, m.to));
    const message = `Dehumanising language about a group: ${quote(comment.body, spans, 80)}`;
    const finding: Finding = { category: 'identityAttack', code: 'IDENTITY_ATTACK', score: DEHUMANIZING_SCORE, spans, message };
    const identityAttack = Math.max(state.scores.identityAttack ?? 0, DEHUMANIZING_SCORE);
    return { scores: { ...state.scores, identityAttack }, findings: [finding] };
  },
};
