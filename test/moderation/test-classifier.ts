/**
 * A deterministic test double for the Classifier boundary (the real model is tested on its own): scores
 * come from a tiny keyword table, so phase tests do not depend on the trained model's exact numbers.
 */
import type { Classifier, ClassifierResult, Scores, Span } from '../../src/moderation/types';

const TABLE: Array<[RegExp, Scores]> = [
  [/\b(?:idiot|moron|pussy|loser)\b/gi, { toxicity: 0.9, insult: 0.9 }],
  [/\bkill you\b/gi, { toxicity: 0.9, threat: 0.95 }],
  [/\b(?:damn|hell|crap)\b/gi, { toxicity: 0.4, profanity: 0.8 }],
];

export class TestClassifier implements Classifier {
  readonly name = 'test';
  readonly version = 'test-1';
  async classify({ text }: { text: string }): Promise<ClassifierResult> {
    const scores: Scores = { toxicity: 0.02, insult: 0.02, threat: 0.01, identityAttack: 0.01, profanity: 0.01, harassment: 0.02 };
    const spans: ClassifierResult['spans'] = {};
    for (const [re, s] of TABLE) {
      const found: Span[] = [...text.matchAll(re)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
      if (!found.length) continue;
      for (const [k, v] of Object.entries(s) as Array<[keyof Scores, number]>) {
        scores[k] = Math.max(scores[k] ?? 0, v);
        spans[k] = [...(spans[k] ?? []), ...found];
      }
    }
    scores.harassment = Math.max(scores.insult ?? 0, scores.threat ?? 0) * 0.7;
    return { scores, spans, provider: this.name, modelVersion: this.version };
  }
}
