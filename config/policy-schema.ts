/**
 * Moderation policy: thresholds that turn scores into actions, word lists and switches.
 * The global policy sits at `policy` in the config; each site may override any part of it.
 */
import { z } from 'zod';
import { CATEGORIES } from '../src/moderation/types';

const ThresholdSchema = z.object({
  /** Score at or above which the comment goes to the flagged queue. */
  flag: z.number().min(0).max(1),
  /** Score at or above which the comment is rejected outright (> 1 disables). */
  reject: z.number().min(0).max(1.01),
});
export type Threshold = z.infer<typeof ThresholdSchema>;

export const DEFAULT_THRESHOLDS: Record<(typeof CATEGORIES)[number], Threshold> = {
  toxicity: { flag: 0.8, reject: 1.01 },
  insult: { flag: 0.6, reject: 0.95 },
  threat: { flag: 0.5, reject: 0.9 },
  identityAttack: { flag: 0.6, reject: 0.95 },
  profanity: { flag: 0.9, reject: 1.01 },
  harassment: { flag: 0.6, reject: 0.95 },
  offTopic: { flag: 0.85, reject: 1.01 },
  spam: { flag: 0.7, reject: 0.95 },
};

export const PolicySchema = z.object({
  /** Bumped by operators when they change the policy; recorded on every decision. */
  version: z.string().default('1'),
  thresholds: z
    .object(Object.fromEntries(CATEGORIES.map((c) => [c, ThresholdSchema.default(DEFAULT_THRESHOLDS[c])])) as {
      [K in (typeof CATEGORIES)[number]]: z.ZodDefault<typeof ThresholdSchema>;
    })
    .prefault({}),
  /** Words that reject a comment (matched through obfuscation). */
  bannedWords: z.array(z.string().min(1)).default([]),
  /** Words that send a comment to the flagged queue. */
  suspectWords: z.array(z.string().min(1)).default([]),
  /** Author ids whose comments are approved without scoring (staff, trusted readers). */
  trustedAuthors: z.array(z.string()).default([]),
  /** Send every comment to the flagged queue (pre-moderation). */
  premoderation: z.boolean().default(false),
});
export type Policy = z.infer<typeof PolicySchema>;
