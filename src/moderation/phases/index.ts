/**
 * The moderation policy as an ordered list of phases. Read top to bottom: trusted authors skip everything;
 * the text is normalised once; the classifier scores it; the site's adapter (learnt from its moderators) adds its own standard; disguised abuse is restored; threats of violence
 * at people and dehumanising statements about groups are found from sentence structure; targeting decides whether
 * abuse is aimed at a participant (harassment); relevance compares it with the conversation (off topic);
 * spam looks for promotion and repeats; word lists apply; the policy turns it all into a decision.
 */
import type { Phase } from './phase';
import { trustPhase } from './trust';
import { normalisePhase } from './normalise';
import { classifyPhase } from './classify';
import { siteStandardPhase } from './site-standard';
import { obfuscationPhase } from './obfuscation';
import { threatPhase } from './threat';
import { dehumanizationPhase } from './dehumanization';
import { targetingPhase } from './targeting';
import { relevancePhase } from './relevance';
import { spamPhase } from './spam';
import { wordsPhase } from './words';
import { policyPhase } from './policy';

export const PHASES: readonly Phase[] = Object.freeze([
  trustPhase,
  normalisePhase,
  classifyPhase,
  siteStandardPhase,
  obfuscationPhase,
  threatPhase,
  dehumanizationPhase,
  targetingPhase,
  relevancePhase,
  spamPhase,
  wordsPhase,
  policyPhase,
]);
