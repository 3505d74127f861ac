/**
 * Moderation policy: thresholds that turn scores into actions, word lists, switches and analyzer settings.
 * The global policy sits at `policy` in the config; each site may override any part of it (`sites[].policy`).
 *
 * Every key has a default, but nested settings (thresholds, targeting, authorHistory, relevance, spam) are
 * stored as partial overrides and completed by `resolvePolicy`, so that a site which sets one threshold
 * inherits the others from the global policy rather than from the built-in defaults. The worker must call
 * `resolvePolicy(config.policy, site.policy)` once per site and pass the result to `moderate`.
 */
import { z } from 'zod';
import { CATEGORIES, type Category } from '../src/moderation/types';

const Score = z.number().min(0).max(1);
const ThresholdSchema = z.object({
  /** Score at or above which the comment goes to the flagged queue. */
  flag: Score.optional(),
  /** Score at or above which the comment is rejected outright (> 1 disables). */
  reject: z.number().min(0).max(1.01).optional(),
});
export interface Threshold {
  flag: number;
  reject: number;
}

/** Built-in thresholds: approve heated argument, flag abuse, reject only what is unmistakable. */
export const DEFAULT_THRESHOLDS: Record<Category, Threshold> = {
  toxicity: { flag: 0.7, reject: 1.01 },
  severeToxicity: { flag: 0.6, reject: 1.01 },
  insult: { flag: 0.6, reject: 0.97 },
  threat: { flag: 0.5, reject: 0.9 },
  identityAttack: { flag: 0.6, reject: 0.95 },
  profanity: { flag: 0.95, reject: 1.01 },
  harassment: { flag: 0.6, reject: 0.9 },
  offTopic: { flag: 0.7, reject: 1.01 },
  spam: { flag: 0.7, reject: 0.95 },
};

/** Built-in analyzer settings (see docs/moderation-policy.md). */
export const DEFAULT_SETTINGS = {
  /** Repeated targeting: earlier abusive comments by the same author at the same person or article. */
  targeting: { windowHours: 24, stepPerPrior: 0.15, maxBoost: 0.35, minAbuse: 0.3 },
  /** Authors whose recent decisions were mostly rejections get lower flag thresholds. */
  authorHistory: { recent: 20, minDecisions: 3, rejectRate: 0.5, thresholdFactor: 0.85 },
  /** Off-topic: how much specific vocabulary the comment must bring before it can be called off topic. */
  relevance: { minContentWords: 4, specificMass: 18, shortReplyWords: 10, shortReplyFactor: 0.6 },
  /** Spam: domains links may point to freely; repeat counts that flag / reject as REPEAT_POST. */
  spam: { allowedDomains: [] as string[], repeatFlagAt: 2, repeatRejectAt: 6, minRepeatWords: 5 },
};
type Settings = typeof DEFAULT_SETTINGS;

const nonNeg = z.number().min(0);

export const PolicySchema = z.object({
  /** Bumped by operators when they change the policy; recorded on every decision. */
  version: z.string().min(1).default('1'),
  /** Per-category `{ flag, reject }` overrides; missing ones come from the global policy, then the defaults. */
  thresholds: z.object(Object.fromEntries(CATEGORIES.map((c) => [c, ThresholdSchema.optional()])) as {
    [K in Category]: z.ZodOptional<typeof ThresholdSchema>;
  }).default({}),
  /** Words that reject a comment (matched through obfuscation; `word*` matches any ending). Site lists add to the global one. */
  bannedWords: z.array(z.string().min(1)).default([]),
  /** Words that send a comment to the flagged queue. Site lists add to the global one. */
  suspectWords: z.array(z.string().min(1)).default([]),
  /** Author ids whose comments are approved without scoring (staff, trusted readers). Site lists add to the global one. */
  trustedAuthors: z.array(z.string()).default([]),
  /** Send every comment to the flagged queue (pre-moderation). On if the global policy or the site turns it on. */
  premoderation: z.boolean().default(false),
  targeting: z.object({ windowHours: nonNeg, stepPerPrior: Score, maxBoost: Score, minAbuse: Score }).partial().default({}),
  authorHistory: z
    .object({ recent: z.number().int().min(1), minDecisions: z.number().int().min(1), rejectRate: Score, thresholdFactor: Score })
    .partial()
    .default({}),
  relevance: z.object({ minContentWords: z.number().int().min(1), specificMass: z.number().positive(), shortReplyWords: z.number().int().min(0), shortReplyFactor: Score }).partial().default({}),
  spam: z.object({
    allowedDomains: z.array(z.string()),
    repeatFlagAt: z.number().int().min(1),
    repeatRejectAt: z.number().int().min(1),
    minRepeatWords: z.number().int().min(0),
  }).partial().default({}),
});
/** The policy as configured (global or a site's override); nested settings may be partial. */
export type Policy = z.infer<typeof PolicySchema>;

/** A complete policy: what `resolvePolicy` returns and the analyzers read. Assignable to `Policy`. */
export interface EffectivePolicy extends Settings {
  version: string;
  thresholds: Record<Category, Threshold>;
  bannedWords: string[];
  suspectWords: string[];
  trustedAuthors: string[];
  premoderation: boolean;
}

/** Thrown when a merged policy is inconsistent (e.g. a reject threshold below its flag threshold). */
export class PolicyError extends Error {
  override name = 'PolicyError';
}

type SiteOverride = Partial<Policy> | undefined;
const union = (a: string[] = [], b: string[] = []) => [...new Set([...a, ...b])];

/**
 * Merges built-in defaults ← global policy ← site override, deeply for thresholds and settings; word and
 * author lists are unions; premoderation is on if either turns it on. Throws `PolicyError` naming the key
 * when a merged threshold pair is inconsistent. The result is frozen: compute it once per site.
 */
export function resolvePolicy(global: Partial<Policy> | EffectivePolicy, site?: SiteOverride): EffectivePolicy {
  const g = global as Partial<Policy>;
  const s: Partial<Policy> = site ?? {};
  const thresholds = {} as Record<Category, Threshold>;
  for (const c of CATEGORIES) {
    const t = { ...DEFAULT_THRESHOLDS[c], ...defined(g.thresholds?.[c]), ...defined(s.thresholds?.[c]) };
    if (t.reject < t.flag) throw new PolicyError(`policy.thresholds.${c}: reject (${t.reject}) is below flag (${t.flag})`);
    thresholds[c] = t;
  }
  const settings = {} as Record<keyof Settings, unknown>;
  for (const k of Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>) {
    settings[k] = { ...DEFAULT_SETTINGS[k], ...defined(g[k]), ...defined(s[k]) };
  }
  const merged = settings as Settings;
  merged.spam.allowedDomains = union(g.spam?.allowedDomains, s.spam?.allowedDomains);
  const siteVersion = s.version !== undefined && s.version !== g.version && s.version !== '1' ? s.version : undefined;
  return Object.freeze({
    ...merged,
    version: siteVersion ? `${g.version ?? '1'}/${siteVersion}` : (g.version ?? '1'),
    thresholds,
    bannedWords: union(g.bannedWords, s.bannedWords),
    suspectWords: union(g.suspectWords, s.suspectWords),
    trustedAuthors: union(g.trustedAuthors, s.trustedAuthors),
    premoderation: Boolean(g.premoderation || s.premoderation),
  });
}

/** Drops keys whose value is undefined, so they do not shadow inherited values in a spread. */
function defined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
