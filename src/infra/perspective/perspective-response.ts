/**
 * Maps an AnalyzeComment response onto our categories. Pure. Span offsets in the API are UTF-16
 * code units, end exclusive, the same as our `Span`.
 */
import type { Category, ClassifierResult, Span } from '../../moderation/types';
import { PerspectiveError } from './perspective-error';

/** The attributes requested on every call. */
export const ATTRIBUTES = ['TOXICITY', 'SEVERE_TOXICITY', 'INSULT', 'THREAT', 'IDENTITY_ATTACK', 'PROFANITY'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/** SEVERE_TOXICITY has no category of its own: it raises toxicity (max of the two). */
const CATEGORY_OF: Record<Attribute, Category> = {
  TOXICITY: 'toxicity',
  SEVERE_TOXICITY: 'toxicity',
  INSULT: 'insult',
  THREAT: 'threat',
  IDENTITY_ATTACK: 'identityAttack',
  PROFANITY: 'profanity',
};

/** The categories Perspective scores. */
export const PERSPECTIVE_CATEGORIES: readonly Category[] = ['toxicity', 'insult', 'threat', 'identityAttack', 'profanity'];

/** Span scores at or above this mark the parts of the text that drove a category. */
const SPAN_MIN = 0.5;

interface AttributeScore {
  summaryScore?: { value?: unknown };
  spanScores?: Array<{ begin?: unknown; end?: unknown; score?: { value?: unknown } }>;
}

const isProbability = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;

function spansOf(attr: AttributeScore, textLength: number): Span[] {
  const spans: Span[] = [];
  for (const s of Array.isArray(attr.spanScores) ? attr.spanScores : []) {
    if (!isProbability(s?.score?.value) || s.score.value < SPAN_MIN) continue;
    // Unset begin/end means the whole text.
    const start = typeof s.begin === 'number' ? Math.max(0, s.begin) : 0;
    const end = typeof s.end === 'number' ? Math.min(textLength, s.end) : textLength;
    if (start < end) spans.push({ start, end });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** Scores and spans from a response body; throws `PerspectiveError('malformed')` for anything else. */
export function mapAnalyzeResponse(body: unknown, textLength: number): Pick<ClassifierResult, 'scores' | 'spans'> {
  const all = (body as { attributeScores?: unknown } | null)?.attributeScores;
  if (typeof body !== 'object' || !all || typeof all !== 'object') {
    throw new PerspectiveError('malformed', 'perspective: response has no attributeScores');
  }
  const result: Pick<ClassifierResult, 'scores' | 'spans'> = { scores: {}, spans: {} };
  for (const name of ATTRIBUTES) {
    const attr = (all as Record<string, AttributeScore | undefined>)[name];
    if (attr === undefined && name !== 'TOXICITY') continue;
    const value = attr?.summaryScore?.value;
    if (!attr || !isProbability(value)) throw new PerspectiveError('malformed', `perspective: ${name} has no summary score in [0, 1]`);
    const category = CATEGORY_OF[name];
    const previous = result.scores[category];
    if (previous !== undefined && previous >= value) continue;
    result.scores[category] = value;
    result.spans[category] = spansOf(attr, textLength);
  }
  return result;
}
