/** Getting comments into the service the way a CMS does (signed webhooks), and waiting for decisions. */
import type { CommentPayload } from '../../src/client/cms-client';
import { CommentStore } from '../../src/infra/comment-store';
import type { CommentRecord } from '../../src/moderation/record';
import { loadSeedFixtures, type SeedFixture } from '../fixtures/seeds';
import { waitFor, type TestService } from './service';

/** Waits until the workers have decided the comment (any status but queued). */
export async function decided(service: TestService, id: string, site = 'demo'): Promise<CommentRecord> {
  const store = new CommentStore(service.runtime.apiRedis, service.runtime.keys);
  return waitFor(async () => {
    const r = await store.get(site, id);
    return r && r.status !== 'queued' ? r : undefined;
  }, `a decision on ${site}/${id}`);
}

/** Posts a comment (signed) and waits for its automatic decision. */
export async function submit(service: TestService, comment: CommentPayload, site: 'demo' | 'other' = 'demo'): Promise<CommentRecord> {
  const res = await service.cms(site).postComment(comment);
  if (res.status !== 202) throw new Error(`comment ${comment.id} refused: ${res.status} ${JSON.stringify(res.body)}`);
  return decided(service, comment.id, site);
}

/** Posts an insult that the pipeline flags; fails loudly if it was not flagged. */
export async function submitFlagged(service: TestService, comment: Partial<CommentPayload> & { id: string }, site: 'demo' | 'other' = 'demo'): Promise<CommentRecord> {
  const record = await submit(service, { articleId: 'a1', author: { id: `u-${comment.id}`, name: 'Reader' }, body: 'you are an idiot', ...comment }, site);
  if (record.status !== 'flagged') throw new Error(`expected ${comment.id} to be flagged, got ${record.status} (${JSON.stringify(record.decision?.reasons)})`);
  return record;
}

/** Puts the seed fixture's article and posts its comments in page order (replies after parents). */
export async function loadSeed(service: TestService, number: string): Promise<SeedFixture> {
  const seed = loadSeedFixtures().find((s) => s.number === number);
  if (!seed) throw new Error(`no seed fixture ${number}`);
  const { id, ...article } = seed.article;
  const put = await service.cms().putArticle(id, article);
  if (put.status >= 300) throw new Error(`article ${id} refused: ${put.status}`);
  for (const c of seed.comments) await submit(service, c);
  return seed;
}
