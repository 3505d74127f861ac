/**
 * Per-site settings of the drop-in protocols: Perspective-compatible API keys and the Coral Talk
 * external moderation phase (see docs/perspective.md and docs/coral.md).
 */
import { z } from 'zod';

/** One key of the Perspective-compatible API, known only by its SHA-256, with its own rate limit. */
export const CompatKeySchema = z.object({
  /** Shown in logs instead of the key. */
  name: z.string().min(1).max(100).default('perspective-key'),
  /** SHA-256 (hex) of the key: `printf %s "$KEY" | sha256sum`. */
  keySha256: z.string().regex(/^[0-9a-f]{64}$/, 'keySha256: 64 lowercase hex characters'),
  /** Calls per second this key may make (token bucket in Redis, shared by every API process). */
  requestsPerSecond: z.number().positive().default(100),
  /** Calls a key may make at once after a quiet spell. */
  burst: z.number().int().min(1).default(200),
});
export type CompatKeyConfig = z.infer<typeof CompatKeySchema>;

export const CoralSiteSchema = z.object({
  /** Signing secrets of Coral's external moderation phase (several during rotation). Secret. */
  signingSecrets: z.array(z.string().min(8, 'Coral signing secrets need at least 8 characters')).default([]),
});
export type CoralSiteConfig = z.infer<typeof CoralSiteSchema>;

/** Fields added to each site. */
export const DropinSiteFields = {
  /** Keys accepted by `/v1alpha1/comments:analyze` and `:suggestscore` for this site. */
  perspectiveKeys: z.array(CompatKeySchema).default([]),
  /** Store `comments:suggestscore` calls as labels for site learning (false: answer, store nothing). */
  storeSuggestedScores: z.boolean().default(true),
  coral: CoralSiteSchema.prefault({}),
};
