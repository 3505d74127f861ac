/**
 * Disguised abuse: a word the author masked or mangled ("bxxxxxx", "b*tch", "a$$hole") that the normaliser
 * restores to an abusive word. Disguise shows intent, so it raises insult (or profanity for expletives)
 * even when the classifier is unsure.
 */
import { MASKABLE_WORDS } from '../../classifier/lexicon';
import type { Finding, Phase } from './phase';

const ABUSIVE = new Set(MASKABLE_WORDS);
const EXPLETIVES = /^(?:fuck\w*|shit\w*|bullshit|damn|hell|crap|piss\w*|suck\w*|kill)$/;
const INSULT_SCORE = 0.65;
const PROFANITY_SCORE = 0.7;

export const obfuscationPhase: Phase = {
  name: 'obfuscation',
  run({ comment, state }) {
    const insults: Finding['spans'] = [];
    const expletives: Finding['spans'] = [];
    for (const t of state.tokens) {
      if (!ABUSIVE.has(t.norm)) continue;
      const written = comment.body.slice(t.start, t.end).toLowerCase().replace(/[^a-z]/g, '');
      if (written === t.norm) continue;
      (EXPLETIVES.test(t.norm) ? expletives : insults).push({ start: t.start, end: t.end });
    }
    if (!insults.length && !expletives.length) return {}; // nothing disguised (nearly every comment): scores as they are
    const scores = { ...state.scores };
    const findings: Finding[] = [];
    if (insults.length) {
      scores.insult = Math.max(scores.insult ?? 0, INSULT_SCORE);
      const shown = comment.body.slice(insults[0].start, insults[0].end);
      findings.push({ category: 'insult', code: 'INSULT', score: scores.insult, spans: insults, message: `Disguised insult "${shown}"` });
    }
    if (expletives.length) {
      scores.profanity = Math.max(scores.profanity ?? 0, PROFANITY_SCORE);
      findings.push({ category: 'profanity', code: 'PROFANITY', score: scores.profanity, spans: expletives, message: 'Disguised profanity' });
    }
    return { scores, findings };
  },
};
