/**
 * Erasure and retention. A CMS (or a moderator) erases one comment or everything of an author; the
 * retention sweep erases comments decided (approved/rejected) longer ago than the site keeps them.
 * Each erasure removes the comment, its history, claim, thread and queue indexes, its entries in
 * the author's record, pending CMS events and dead letters, and its labelled examples (or keeps
 * them anonymised where the site allows), and leaves one audit record without personal data.
 */
import { createHash } from 'node:crypto';
import type { ErasureStore } from '../infra/erasure-store';
import { authorSubject, commentSubject } from '../infra/outbox';

export interface EraseDeps {
  erasures: ErasureStore;
  now: () => Date;
  /** Whether the site keeps anonymised labelled examples of erased comments. */
  anonymisedLabels: (site: string) => boolean;
}

export interface ErasureResult {
  comments: number;
  labelsErased: number;
  labelsAnonymised: number;
  deadLettersErased: number;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

async function eraseComments(site: string, ids: string[], deps: EraseDeps, decidedOnly = false, extraSubjects: string[] = []): Promise<ErasureResult> {
  const erased: string[] = [];
  for (const id of ids) if (await deps.erasures.eraseComment(site, id, decidedOnly)) erased.push(id);
  const gone = decidedOnly ? erased : ids;
  const labels = gone.length ? await deps.erasures.eraseLabels(site, new Set(gone), deps.anonymisedLabels(site)) : { erased: 0, anonymised: 0 };
  if (gone.length) await deps.erasures.eraseSiteLabelsAndLiveLog(site, new Set(gone), deps.anonymisedLabels(site));
  const subjects = new Set([...gone.map(commentSubject), ...extraSubjects]);
  const deadLettersErased = subjects.size ? await deps.erasures.eraseDeadLetters(site, subjects) : 0;
  return { comments: erased.length, labelsErased: labels.erased, labelsAnonymised: labels.anonymised, deadLettersErased };
}

/** Erases one comment; `by` is `cms` or the moderator's name. Resolves to what was erased (0 comments: unknown id). */
export async function eraseComment(site: string, id: string, by: string, deps: EraseDeps): Promise<ErasureResult> {
  const result = await eraseComments(site, [id], deps);
  await deps.erasures.audit(site, { at: deps.now().toISOString(), kind: 'comment', by, idSha256: sha256(id), ...result });
  return result;
}

/** Erases every comment of an author, the author's record, indexes, claims and pending events. */
export async function eraseAuthor(site: string, authorId: string, by: string, deps: EraseDeps): Promise<ErasureResult> {
  const ids = await deps.erasures.authorCommentIds(site, authorId);
  const result = await eraseComments(site, ids, deps, false, [authorSubject(authorId)]);
  await deps.erasures.eraseAuthorKeys(site, authorId);
  await deps.erasures.audit(site, { at: deps.now().toISOString(), kind: 'author', by, idSha256: sha256(authorId), ...result });
  return result;
}

/**
 * Retention: erases up to `limit` comments of a site decided (approved or rejected) more than
 * `retentionMs` ago; comments waiting for a moderator or re-queued by an edit are kept.
 */
export async function sweepRetention(site: string, retentionMs: number, deps: EraseDeps, limit = 500): Promise<ErasureResult> {
  const ids = await deps.erasures.decidedBefore(site, deps.now().getTime() - retentionMs, limit);
  if (ids.length === 0) return { comments: 0, labelsErased: 0, labelsAnonymised: 0, deadLettersErased: 0 };
  const result = await eraseComments(site, ids, deps, true);
  if (result.comments > 0) await deps.erasures.audit(site, { at: deps.now().toISOString(), kind: 'retention', by: 'retention', ...result });
  return result;
}
