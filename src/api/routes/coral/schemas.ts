/**
 * Coral Talk's external moderation phase contract (`ExternalModerationRequest` and the response it
 * validates in server/src/core/server/services/comments/pipeline/phases/external.ts). Requests are
 * read leniently (fields Coral adds later are ignored); answers use only values Coral accepts.
 */
import { z } from 'zod';

export const CoralRequest = z.object({
  action: z.enum(['NEW', 'EDIT']),
  comment: z.object({ body: z.string(), parentID: z.string().nullable().optional() }),
  author: z.object({ id: z.string().min(1), role: z.string().optional() }),
  story: z.object({ id: z.string().min(1), url: z.string().optional() }),
  site: z.object({ id: z.string() }).optional(),
  tenantID: z.string(),
  tenantDomain: z.string().optional(),
});
export type CoralRequest = z.infer<typeof CoralRequest>;

/** Coral's rejection reason codes (GQLREJECTION_REASON_CODE). */
export const CORAL_REJECTION_CODES = ['OFFENSIVE', 'ABUSIVE', 'SPAM', 'BANNED_WORD', 'HARASSMENT_BULLYING', 'IRRELEVANT_CONTENT', 'HATE_SPEECH', 'OTHER'] as const;
export const CORAL_FLAG_REASONS = ['COMMENT_DETECTED_TOXIC', 'COMMENT_DETECTED_SPAM'] as const;

export const CoralResponse = z.object({
  actions: z.array(z.object({ actionType: z.literal('FLAG'), reason: z.enum(CORAL_FLAG_REASONS) })),
  tags: z.array(z.enum(['FEATURED', 'STAFF'])).optional(),
  status: z.enum(['APPROVED', 'REJECTED', 'PREMOD', 'SYSTEM_WITHHELD']),
  moderationAction: z
    .object({
      status: z.literal('REJECTED'),
      rejectionReason: z.object({ code: z.enum(CORAL_REJECTION_CODES), detailedExplanation: z.string().optional() }),
    })
    .optional(),
});
export type CoralResponse = z.infer<typeof CoralResponse>;
