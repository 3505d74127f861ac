/**
 * The domain's vocabulary: comments, context, scores, reasons and decisions.
 * Pure data: no Redis, no Express. Every other layer speaks in these types.
 */
import type { SiteTerms } from './relevance/site-terms';
import type { NormalizedText } from '../classifier/normalize';

/** Score categories, each a probability-like value in [0, 1]. */
export const CATEGORIES = ['toxicity', 'severeToxicity', 'insult', 'threat', 'identityAttack', 'profanity', 'harassment', 'offTopic', 'spam'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Scores = Partial<Record<Category, number>>;

export type Action = 'approve' | 'flag' | 'reject';
/** Stored status of a comment; `queued` until the first decision. */
export type CommentStatus = 'queued' | 'approved' | 'flagged' | 'rejected';
export const STATUS_OF_ACTION: Record<Action, Exclude<CommentStatus, 'queued'>> = {
  approve: 'approved',
  flag: 'flagged',
  reject: 'rejected',
};

export const REASON_CODES = [
  'TOXICITY',
  'INSULT',
  'HARASSMENT',
  'THREAT',
  'IDENTITY_ATTACK',
  'PROFANITY',
  'OFF_TOPIC',
  'SPAM',
  'REPEAT_POST',
  'BANNED_WORD',
  'SUSPECT_WORD',
  'SITE_STANDARD',
  'PREMODERATION',
  'MODERATOR',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** A half-open range [start, end) of UTF-16 code units in the comment body. */
export interface Span {
  start: number;
  end: number;
}

/** Why a comment was flagged or rejected: what a moderator reads in the queue. */
export interface Reason {
  code: ReasonCode;
  score: number;
  /** One line a moderator understands, e.g. "Insult aimed at another reader (reply to @anna)". */
  message: string;
  spans: Span[];
}

export interface Author {
  id: string;
  name?: string;
}

/** A comment as the CMS sent it (validated). */
export interface CommentInput {
  id: string;
  articleId: string;
  parentId?: string;
  author: Author;
  body: string;
  createdAt?: string;
}

export interface ArticleInput {
  title: string;
  body: string;
  url?: string;
  publishedAt?: string;
}

/** Another comment as context: the parent or an earlier one in the thread. */
export interface ContextComment {
  id?: string;
  body: string;
  author?: Author;
  status?: CommentStatus;
}

/** What an author did recently on the site (newest first). */
export interface AuthorHistoryEntry {
  commentId: string;
  status: Exclude<CommentStatus, 'queued'>;
  /** Reason codes of that decision. */
  codes: ReasonCode[];
  /** Who the comment replied to, if anyone (author id), for repeated-targeting checks. */
  targetAuthorId?: string;
  articleId?: string;
  at: string;
}

/**
 * Everything the analyzers may look at besides the comment itself. Loaded before the pipeline
 * runs (by the worker from Redis, by the CLI from its input line), so analyzers stay pure.
 */
export interface ModerationContext {
  /** Added by the conversation issue: site id, passed to the classifier (quota decisions). Optional. */
  site?: string;
  /** `url` (optional, added by the conversation issue) lets the spam analyzer tell the site's own links apart. */
  article?: { title: string; body: string; url?: string };
  parent?: ContextComment;
  /** Earlier comments on the same article, oldest first. */
  thread: ContextComment[];
  authorHistory: AuthorHistoryEntry[];
  /** How many times the same normalised text was posted on the site recently (this one excluded). */
  repeatCount: number;
  /** Current time (ISO); injected so results are reproducible. */
  now: string;
  /** What moderators decided about the author (ban, suspension, pre-moderation, trust), if anything. */
  authorModeration?: AuthorModeration;
  /** The site's article statistics (which words tell its articles apart), for the relevance phase; optional. */
  siteTerms?: SiteTerms;
}

/** Moderators' standing decisions about an author, applied by the trust phase. */
export interface AuthorModeration {
  banned?: boolean;
  /** ISO time; suspended while `now` is before it. */
  suspendedUntil?: string;
  premoderate?: boolean;
  trusted?: boolean;
}

/** What a classifier returns for one text. */
export interface ClassifierResult {
  scores: Scores;
  /** For each category, the spans of the text that drove its score most. */
  spans: Partial<Record<Category, Span[]>>;
  /** Which provider produced the scores (`local`, `perspective`, `local (perspective unavailable)` …). */
  provider: string;
  modelVersion: string;
}

export interface ClassifierInput {
  text: string;
  /** Lets a provider decide whether to spend quota (used by local-then-perspective). */
  site?: string;
  /**
   * `text` as the local classifier's normaliser (src/classifier/normalize.ts) returns it, when the caller has it
   * (the pipeline's normalise phase): the local model then does not normalise again; other providers ignore it.
   */
  normalized?: NormalizedText;
}

/** A text classifier: the local trained model, Perspective, or a combination. */
export interface Classifier {
  readonly name: string;
  readonly version: string;
  classify(input: ClassifierInput): Promise<ClassifierResult>;
}

/** The outcome of the automatic pipeline for one comment. */
export interface Verdict {
  action: Action;
  reasons: Reason[];
  scores: Scores;
  provider: string;
  modelVersion: string;
  policyVersion: string;
  /** The site adapter that scored the comment (site learning), when one applied. */
  adapter?: { site: string; version: number; score: number };
  /** Milliseconds spent per phase, for diagnosis. */
  timings: Record<string, number>;
  /**
   * Added by the conversation issue: the participant the comment is aimed at, when known. The worker
   * stores `target.authorId` as the history entry's `targetAuthorId` (repeated-targeting checks).
   */
  target?: { authorId?: string; name?: string };
}
