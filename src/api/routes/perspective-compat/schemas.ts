/**
 * Request and response schemas of Perspective's v1alpha1 `comments:analyze` and
 * `comments:suggestscore`, as Google documents them (field names, nesting, PROBABILITY scores).
 * Requests are strict like Google's: an unknown field is a 400.
 */
import { z } from 'zod';

/** Attributes our local model answers. */
export const SUPPORTED_ATTRIBUTES = ['TOXICITY', 'SEVERE_TOXICITY', 'INSULT', 'PROFANITY', 'THREAT', 'IDENTITY_ATTACK'] as const;
export type SupportedAttribute = (typeof SUPPORTED_ATTRIBUTES)[number];

/** Attributes Perspective knows but we do not score: asked for, they answer Perspective's language error. */
export const KNOWN_UNSUPPORTED_ATTRIBUTES = [
  'SEXUALLY_EXPLICIT', 'FLIRTATION', 'TOXICITY_EXPERIMENTAL', 'SEVERE_TOXICITY_EXPERIMENTAL', 'IDENTITY_ATTACK_EXPERIMENTAL',
  'INSULT_EXPERIMENTAL', 'PROFANITY_EXPERIMENTAL', 'THREAT_EXPERIMENTAL', 'ATTACK_ON_AUTHOR', 'ATTACK_ON_COMMENTER', 'INCOHERENT',
  'INFLAMMATORY', 'LIKELY_TO_REJECT', 'OBSCENE', 'SPAM', 'UNSUBSTANTIAL', 'AFFINITY_EXPERIMENTAL', 'COMPASSION_EXPERIMENTAL',
  'CURIOSITY_EXPERIMENTAL', 'NUANCE_EXPERIMENTAL', 'PERSONAL_STORY_EXPERIMENTAL', 'REASONING_EXPERIMENTAL', 'RESPECT_EXPERIMENTAL',
] as const;

/** Longest comment text Perspective accepts, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 20_480;

const TextEntry = z.strictObject({ text: z.string(), type: z.enum(['PLAIN_TEXT', 'HTML']).optional() });
const Score = z.strictObject({ value: z.number().min(0).max(1), type: z.literal('PROBABILITY').optional() });
const SpanScore = z.strictObject({ begin: z.number().int().min(0).optional(), end: z.number().int().min(0).optional(), score: Score });

export const AnalyzeRequest = z.strictObject({
  comment: TextEntry,
  context: z.strictObject({ entries: z.array(TextEntry).optional(), articleAndParentComment: z.unknown().optional() }).optional(),
  requestedAttributes: z.record(z.string(), z.strictObject({ scoreType: z.literal('PROBABILITY').optional(), scoreThreshold: z.number().min(0).max(1).optional() })),
  spanAnnotations: z.boolean().optional(),
  languages: z.array(z.string()).optional(),
  doNotStore: z.boolean().optional(),
  clientToken: z.string().max(1000).optional(),
  sessionId: z.string().max(1000).optional(),
  communityId: z.string().max(1000).optional(),
});
export type AnalyzeRequest = z.infer<typeof AnalyzeRequest>;

export const SuggestScoreRequest = z.strictObject({
  comment: TextEntry,
  context: z.strictObject({ entries: z.array(TextEntry).optional(), articleAndParentComment: z.unknown().optional() }).optional(),
  attributeScores: z.record(z.string(), z.strictObject({ summaryScore: Score.optional(), spanScores: z.array(SpanScore).optional() })),
  languages: z.array(z.string()).optional(),
  communityId: z.string().max(1000).optional(),
  clientToken: z.string().max(1000).optional(),
  sessionId: z.string().max(1000).optional(),
});
export type SuggestScoreRequest = z.infer<typeof SuggestScoreRequest>;

const ResponseScore = z.object({ value: z.number().min(0).max(1), type: z.literal('PROBABILITY') });
export const AnalyzeResponse = z.object({
  attributeScores: z.partialRecord(
    z.enum(SUPPORTED_ATTRIBUTES),
    z.object({ spanScores: z.array(z.object({ begin: z.number().int(), end: z.number().int(), score: ResponseScore })), summaryScore: ResponseScore }),
  ),
  languages: z.array(z.string()),
  detectedLanguages: z.array(z.string()),
  clientToken: z.string().optional(),
});
export type AnalyzeResponse = z.infer<typeof AnalyzeResponse>;

export const SuggestScoreResponse = z.object({
  detectedLanguages: z.array(z.string()),
  requestedLanguages: z.array(z.string()).optional(),
  clientToken: z.string().optional(),
});

export const GoogleError = z.object({ error: z.object({ code: z.number().int(), message: z.string(), status: z.string() }) });
