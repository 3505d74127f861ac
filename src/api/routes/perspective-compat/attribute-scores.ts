/**
 * Our verdict in Perspective's terms: each attribute's summary score is the pipeline's score for its
 * category (the worker's very numbers), span scores come from the findings that explain it.
 * SEVERE_TOXICITY has no head of its own: it is toxicity × the strongest of insult, threat and
 * identity attack, so it is high only for toxic text that also attacks someone (not for profanity alone).
 */
import type { Finding } from '../../../moderation/phases/phase';
import type { Category, Scores } from '../../../moderation/types';
import type { ExplainedVerdict } from '../../../moderation/verdict-with-findings';
import type { AnalyzeResponse, SupportedAttribute } from './schemas';

type AttributeScore = AnalyzeResponse['attributeScores'][SupportedAttribute] & {};

const CATEGORIES_OF: Record<SupportedAttribute, Category[]> = {
  TOXICITY: ['toxicity'],
  SEVERE_TOXICITY: ['insult', 'threat', 'identityAttack'],
  INSULT: ['insult'],
  PROFANITY: ['profanity'],
  THREAT: ['threat'],
  IDENTITY_ATTACK: ['identityAttack'],
};

const round = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1e6) / 1e6;
const probability = (value: number) => ({ value: round(value), type: 'PROBABILITY' as const });

/** The summary score of an attribute from the pipeline's scores. */
export function summaryOf(attribute: SupportedAttribute, scores: Scores): number {
  if (attribute === 'SEVERE_TOXICITY') return (scores.toxicity ?? 0) * Math.max(scores.insult ?? 0, scores.threat ?? 0, scores.identityAttack ?? 0);
  return scores[CATEGORIES_OF[attribute][0]] ?? 0;
}

/** Spans of the findings behind an attribute, each scored by its finding, in text order, no duplicates. */
function explainedSpans(attribute: SupportedAttribute, findings: readonly Finding[], summary: number) {
  const categories = CATEGORIES_OF[attribute];
  const best = new Map<string, { begin: number; end: number; value: number }>();
  for (const f of findings) {
    if (!f.category || !categories.includes(f.category)) continue;
    // SEVERE_TOXICITY's spans are its sub-attributes' spans, scored no higher than the summary.
    const value = attribute === 'SEVERE_TOXICITY' ? Math.min(f.score, summary) : f.score;
    for (const s of f.spans) {
      const key = `${s.start}:${s.end}`;
      if ((best.get(key)?.value ?? -1) < value) best.set(key, { begin: s.start, end: s.end, value });
    }
  }
  return [...best.values()].sort((a, b) => a.begin - b.begin || a.end - b.end).map(({ begin, end, value }) => ({ begin, end, score: probability(value) }));
}

/**
 * The attribute scores of a response. Without `spanAnnotations` each attribute has one span, the
 * whole text, as Perspective answers; with it, the spans our explanations point at.
 */
export function attributeScores(
  explained: ExplainedVerdict,
  requested: Array<{ attribute: SupportedAttribute; scoreThreshold?: number }>,
  textLength: number,
  spanAnnotations: boolean,
): AnalyzeResponse['attributeScores'] {
  const out: Partial<Record<SupportedAttribute, AttributeScore>> = {};
  for (const { attribute, scoreThreshold } of requested) {
    const summary = summaryOf(attribute, explained.verdict.scores);
    if (scoreThreshold !== undefined && summary < scoreThreshold) continue;
    const spanScores = spanAnnotations ? explainedSpans(attribute, explained.findings, summary) : [{ begin: 0, end: textLength, score: probability(summary) }];
    out[attribute] = { spanScores, summaryScore: probability(summary) };
  }
  return out;
}
