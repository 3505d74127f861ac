/**
 * The seed pages' comment sections, run in page order through `moderate` with the shipped model and the
 * default policy, each comment with the context the worker would load (article, parent, earlier comments,
 * the author's earlier decisions). Expected actions are what a sensible human moderator would decide.
 */
import { loadSeedFixtures } from '../fixtures/seeds';
import { loadLocalClassifier } from '../../src/classifier/local-classifier';
import { moderate } from '../../src/moderation/pipeline';
import { PolicySchema, resolvePolicy } from '../../config/policy-schema';
import { STATUS_OF_ACTION, type AuthorHistoryEntry, type Verdict } from '../../src/moderation/types';
import expectations from './seed-expectations.json';

type Expectation = { action: string | string[]; harassment?: boolean; why: string };
const EXPECTED = expectations as Record<string, Record<string, Expectation>>;
const THREAD_SIZE = 20;

describe('seed comment sections with the shipped model', () => {
  const classifier = loadLocalClassifier();
  const policy = resolvePolicy(PolicySchema.parse({}));
  const fixtures = loadSeedFixtures().filter((f) => EXPECTED[f.number]);

  it('has expectations for every seed comment', () => {
    for (const f of loadSeedFixtures()) for (const c of f.comments) expect(EXPECTED[f.number]?.[c.id]).toBeDefined();
  });

  describe.each(fixtures.map((f) => [f.number, f] as const))('page %s', (_n, fixture) => {
    const verdicts = new Map<string, Verdict>();
    beforeAll(async () => {
      const history = new Map<string, AuthorHistoryEntry[]>();
      for (const [i, c] of fixture.comments.entries()) {
        const parent = fixture.comments.find((p) => p.id === c.parentId);
        const now = c.createdAt ?? new Date(Date.parse(fixture.article.publishedAt ?? '2024-01-01T00:00:00Z') + i * 60_000).toISOString();
        const v = await moderate(
          c,
          {
            article: fixture.article,
            parent: parent && { id: parent.id, body: parent.body, author: parent.author },
            thread: fixture.comments.slice(Math.max(0, i - THREAD_SIZE), i).map((p) => ({ id: p.id, body: p.body, author: p.author })),
            authorHistory: history.get(c.author.id) ?? [],
            repeatCount: fixture.comments.slice(0, i).filter((p) => p.body === c.body).length,
            now,
          },
          { classifier, policy },
        );
        verdicts.set(c.id, v);
        const entry: AuthorHistoryEntry = { commentId: c.id, status: STATUS_OF_ACTION[v.action], codes: v.reasons.map((r) => r.code), targetAuthorId: v.target?.authorId, articleId: c.articleId, at: now };
        history.set(c.author.id, [entry, ...(history.get(c.author.id) ?? [])]);
      }
    });

    it.each(Object.entries(EXPECTED[fixture.number]))('%s', (id, exp) => {
      const v = verdicts.get(id)!;
      const allowed = Array.isArray(exp.action) ? exp.action : [exp.action];
      const why = `${exp.why} — got ${v.action}: ${v.reasons.map((r) => `${r.code} ${r.message}`).join('; ')}`;
      expect({ id, action: allowed.includes(v.action) ? 'as expected' : why }).toEqual({ id, action: 'as expected' });
      if (exp.harassment) expect(v.reasons.map((r) => r.code)).toContain('HARASSMENT');
      for (const r of v.reasons) expect(r.message.length).toBeGreaterThan(0);
    });
  });
});
