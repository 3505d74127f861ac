/**
 * The shape of a moderation phase: a small pure step that reads the comment, its context and what earlier
 * phases found, and returns a partial result. `pipeline.ts` runs `PHASES` (./index.ts) in order.
 */
import type { Action, Category, ClassifierResult, CommentInput, ModerationContext, Reason, ReasonCode, Scores, Classifier } from '../types';
import type { CompiledPolicy } from '../compile-policy';
import type { Token } from '../text/tokens';
import type { NormalizedText } from '../../classifier/normalize';
import type { SiteAdapter } from '../../site-learning/types';

/** Evidence for a reason: category findings are turned into actions by the policy phase's thresholds; */
/** findings with a fixed `action` (banned word, repeat post) apply as they are. */
export interface Finding extends Reason {
  category?: Category;
  action?: Action;
}

/** Whom a comment is aimed at, when it is aimed at a participant of the conversation. */
export interface Target {
  authorId?: string;
  name?: string;
  /** How sure we are that the comment addresses that person (0..1). */
  strength: number;
  /** How we know, e.g. "reply to @anna". */
  how: string;
}

/** Which site adapter (version) scored a comment, and its score. */
export interface AdapterUse {
  site: string;
  version: number;
  score: number;
}

/** What phases have produced so far. */
export interface PhaseState {
  tokens: Token[];
  /** The body as the shared normaliser returns it (set with `tokens`), for the classifier. */
  normalized?: NormalizedText;
  classification?: ClassifierResult;
  scores: Scores;
  findings: Finding[];
  target?: Target;
  /** The site adapter that scored the comment, if one applied (recorded with the decision). */
  adapter?: AdapterUse;
  /** Set by a phase that settles the outcome (trusted author, policy); later phases are skipped. */
  decision?: { action: Action; reasons: Reason[] };
}

export interface PhaseInput {
  comment: CommentInput;
  context: ModerationContext;
  policy: CompiledPolicy;
  classifier: Classifier;
  /** The site's adapter learnt from its moderation history, if it has one. */
  adapter?: SiteAdapter;
  state: Readonly<PhaseState>;
}

/** What a phase returns; `findings` are appended, `scores` merged, other fields replaced. */
export type PhaseOutput = Partial<PhaseState>;

export interface Phase {
  readonly name: string;
  run(input: PhaseInput): PhaseOutput | Promise<PhaseOutput>;
}

/** Clamps to [0, 1]. */
export const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
export type { ReasonCode };
