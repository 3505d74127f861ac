/**
 * Settings for the optional Perspective API provider (see docs/perspective.md).
 * Google's Perspective API stops serving after 2026: it is an opt-in extra, never on the default path.
 */
import { z } from 'zod';

/** Process-wide settings, shared by every site that enables Perspective. */
export const PerspectiveSchema = z.object({
  /** Endpoint base; configurable so tests and proxies can stand in for Google's host. */
  endpoint: z.string().default('https://commentanalyzer.googleapis.com/v1alpha1'),
  /** Requests per second per key, shared by every worker through Redis. */
  requestsPerSecond: z.number().positive().default(1),
  /** Requests a key may make at once after a quiet spell (token-bucket capacity). */
  burst: z.number().int().min(1).default(1),
  /** Slowest Perspective answer accepted; slower calls are abandoned and the local model decides. */
  timeoutMs: z.number().int().min(50).default(800),
  /** Longest a comment waits for quota (a token, or the end of a 429 back-off) before the local model decides. */
  maxWaitMs: z.number().int().min(0).default(1_000),
  /** First pause for every worker after a 429 when the answer has no Retry-After; doubles per 429 in a row. */
  backoffInitialMs: z.number().int().min(10).default(1_000),
  backoffMaxMs: z.number().int().min(10).default(60_000),
  /** Systemic failures in a row (timeouts, 5xx, bad bodies, auth) that open the circuit breaker. */
  breakerFailureThreshold: z.number().int().min(1).default(5),
  /** How long the breaker stays open before one trial request is let through. */
  breakerCoolDownMs: z.number().int().min(100).default(30_000),
  /** Largest comment sent, in UTF-8 bytes (the API's limit is 20 KB); longer ones go to the local model. */
  maxTextBytes: z.number().int().min(1).max(20_480).default(20_480),
});
export type PerspectiveConfig = z.infer<typeof PerspectiveSchema>;

export const PERSPECTIVE_MODES = ['off', 'perspective', 'local-then-perspective'] as const;
export type PerspectiveMode = (typeof PERSPECTIVE_MODES)[number];

/** Per-site switch. Omitting the block, or `mode: "off"`, keeps the site on the local model alone. */
export const PerspectiveSiteSchema = z
  .object({
    mode: z.enum(PERSPECTIVE_MODES).default('off'),
    /** Name of the environment variable that holds the API key (the key never sits in config files). */
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'apiKeyEnv: an environment variable name').default('PERSPECTIVE_API_KEY'),
    /**
     * `local-then-perspective` only: Perspective is asked when some local score it can also give
     * (toxicity, insult, threat, identityAttack, profanity) lies within [low, high].
     */
    uncertainBand: z
      .object({ low: z.number().min(0).max(1).default(0.3), high: z.number().min(0).max(1).default(0.7) })
      .prefault({})
      .refine((b) => b.low <= b.high, { message: 'uncertainBand: low must not exceed high' }),
    /** Languages sent to Perspective (ISO 639-1); omit to let it detect them. */
    languages: z.array(z.string().min(2).max(10)).min(1).optional(),
  })
  .prefault({});
export type PerspectiveSiteConfig = z.infer<typeof PerspectiveSiteSchema>;
