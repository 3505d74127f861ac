/** Settings for the optional Perspective API provider (see docs/perspective.md). */
import { z } from 'zod';

export const PerspectiveSchema = z.object({
  /** Endpoint base; configurable so tests and proxies can stand in for Google's host. */
  endpoint: z.string().default('https://commentanalyzer.googleapis.com/v1alpha1'),
  /** Requests per second per key, shared by every worker through Redis. */
  requestsPerSecond: z.number().positive().default(1),
  timeoutMs: z.number().int().min(50).default(800),
});

export const PerspectiveSiteSchema = z.object({
  mode: z.enum(['off', 'perspective', 'local-then-perspective']).default('off'),
  /** Name of the environment variable that holds the API key (the key never sits in config files). */
  apiKeyEnv: z.string().default('PERSPECTIVE_API_KEY'),
});
