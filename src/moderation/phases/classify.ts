/**
 * Asks the classifier (local model or a provider) for per-category scores and spans, and turns the
 * categories it owns into findings with a quotation a moderator can read.
 */
import type { Category, Scores } from '../types';
import { quote } from '../text/tokens';
import type { Finding, Phase } from './phase';

/** Categories taken from the classifier as they are; harassment is refined by the targeting phase. */
const OWN: Array<[Category, Finding['code'], string]> = [
  ['toxicity', 'TOXICITY', 'Toxic language'],
  ['severeToxicity', 'TOXICITY', 'Severely toxic language'],
  ['insult', 'INSULT', 'Insult'],
  ['threat', 'THREAT', 'Threat'],
  ['identityAttack', 'IDENTITY_ATTACK', 'Attack on an identity group'],
  ['profanity', 'PROFANITY', 'Profanity'],
];

export const classifyPhase: Phase = {
  name: 'classify',
  async run({ comment, context, classifier, state }) {
    const classification = await classifier.classify({ text: comment.body, site: context.site, normalized: state.normalized });
    // The classifier's scores less those other phases own (copied, not deleted: a deleted key leaves the object
    // in dictionary mode, slower for every phase that copies the scores after this one).
    const scores: Scores = {};
    for (const category of Object.keys(classification.scores) as Category[]) {
      if (category !== 'offTopic' && category !== 'spam' && category !== 'harassment') scores[category] = classification.scores[category];
    }
    const findings: Finding[] = [];
    for (const [category, code, label] of OWN) {
      const score = scores[category];
      if (score === undefined) continue;
      const spans = classification.spans[category] ?? [];
      const q = quote(comment.body, spans);
      findings.push({ category, code, score, spans, message: `${label} (${score.toFixed(2)})${q ? `: ${q}` : ''}` });
    }
    return { classification, scores, findings };
  },
};
