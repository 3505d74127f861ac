/**
 * STAND-IN, to be replaced by the trained model (classifier issue): scores a comment by a handful
 * of abusive words so the backbone can run end to end. Not a moderation model.
 */
import type { Classifier, ClassifierInput, ClassifierResult, Span } from '../moderation/types';

const WORDS = /\b(idiot|stupid|moron|pussy|bitch|bastard|fuck\w*|shit\w*|kill you)\b/gi;

export class StandInClassifier implements Classifier {
  readonly name = 'stand-in';
  readonly version = 'stand-in-0';

  async classify({ text }: ClassifierInput): Promise<ClassifierResult> {
    const spans: Span[] = [...text.matchAll(WORDS)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
    const score = spans.length ? 0.9 : 0.05;
    return { scores: { toxicity: score, insult: score }, spans: { toxicity: spans, insult: spans }, provider: this.name, modelVersion: this.version };
  }
}
