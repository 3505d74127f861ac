/**
 * The stored life of a comment: what was received, the current decision, and its history.
 * Data only; the Redis store in src/infra keeps it.
 */
import { hash } from 'node:crypto';
import type { CommentInput, CommentStatus, Reason, ReasonCode, Scores } from './types';

/** `auto` for the pipeline, otherwise the moderator's name. */
export type DecidedBy = 'auto' | string;

export interface Decision {
  status: Exclude<CommentStatus, 'queued'>;
  reasons: Reason[];
  scores: Scores;
  decidedBy: DecidedBy;
  decidedAt: string;
  /** Hash of the body this decision was made on. */
  bodyHash: string;
  modelVersion: string;
  policyVersion: string;
  provider: string;
  /** The site adapter (learnt from the site's moderators) that took part, with its version and score. */
  adapter?: { site: string; version: number; score: number };
  /** Per-phase timings; no longer stored (metrics keep them), older records may have them. */
  timings?: Record<string, number>;
  /** Moderator's note, if any. */
  note?: string;
  /** Set while a moderator has escalated the item to a senior colleague. */
  escalated?: boolean;
}

export type HistoryEvent = 'received' | 'edited' | 'decided' | 'moderated' | 'escalated';

export interface HistoryEntry {
  at: string;
  event: HistoryEvent;
  by: DecidedBy | 'cms';
  from?: CommentStatus;
  to?: CommentStatus;
  bodyHash?: string;
  codes?: ReasonCode[];
  note?: string;
}

export interface CommentRecord {
  site: string;
  comment: CommentInput;
  bodyHash: string;
  status: CommentStatus;
  decision?: Decision;
  /** Body hash a moderator decided on; automatic runs never replace that decision. */
  moderatedBodyHash?: string;
  receivedAt: string;
  updatedAt: string;
  history: HistoryEntry[];
}

/** SHA-256 of a string's UTF-8 bytes, hex, first 32 digits (one-shot `hash`: no Hash object per call). */
const sha256 = (text: string) => hash('sha256', text, 'hex').slice(0, 32);

/** Hash of a comment body: identifies a version of the comment (edits change it). */
export function bodyHash(body: string): string {
  return sha256(body);
}

/** Beyond ASCII and General Punctuation (dashes, curly quotes, …): a body that needs the general path. */
const NOT_PLAIN = /[^\x00-\x7f\u2000-\u206f]/;

/** Fingerprint of a text for repeat-post detection: case, punctuation and spacing ignored. */
export function textFingerprint(body: string): string {
  // ASCII text is its own NFKC form, and its letters and digits after lower-casing are [a-z0-9]; General
  // Punctuation has no case, is neither letter nor digit before or after NFKC, and composes with nothing (checked
  // for every code point of the block between any two ASCII characters). Such bodies get the same canonical text
  // without Unicode normalisation or property classes.
  const canonical = NOT_PLAIN.test(body)
    ? body
        .normalize('NFKC')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim()
    : body
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
  return sha256(canonical);
}
