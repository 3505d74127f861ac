import { loadSeedFixtures } from '../fixtures/seeds';

const fixtures = loadSeedFixtures();

describe('seed fixtures', () => {
  it('loads one fixture per scraped page, numbered like its source file', () => {
    expect(fixtures.map((f) => f.number)).toEqual(['000', '001', '002', '003', '004']);
    for (const f of fixtures) expect(f.source.startsWith(`${f.number}_`)).toBe(true);
  });

  it('keeps comments only for the pages that had a comment section', () => {
    const counts = Object.fromEntries(fixtures.map((f) => [f.number, f.comments.length]));
    expect(counts).toEqual({ '000': 4, '001': 0, '002': 0, '003': 0, '004': 4 });
  });

  it('gives every article and comment a unique id across all fixtures', () => {
    const articleIds = fixtures.map((f) => f.article.id);
    const commentIds = fixtures.flatMap((f) => f.comments.map((c) => c.id));
    expect(new Set(articleIds).size).toBe(articleIds.length);
    expect(new Set(commentIds).size).toBe(commentIds.length);
  });

  it('points every parentId at an earlier comment of the same fixture', () => {
    for (const f of fixtures) {
      const seen = new Set<string>();
      for (const c of f.comments) {
        expect(c.articleId).toBe(f.article.id);
        if (c.parentId !== undefined) expect(seen.has(c.parentId)).toBe(true);
        seen.add(c.id);
      }
    }
  });

  it('links "@Name," replies in 004 to the latest earlier comment by that author', () => {
    const thread = fixtures.find((f) => f.number === '004')!.comments;
    thread.forEach((c, i) => {
      const mention = /^@([^,]+),/.exec(c.body)?.[1];
      if (!mention) return;
      const latestByAuthor = thread.slice(0, i).filter((e) => e.author.name === mention).pop();
      expect(latestByAuthor).toBeDefined();
      expect(c.parentId).toBe(latestByAuthor!.id);
    });
    expect(thread.filter((c) => c.body.startsWith('@')).length).toBe(3);
  });

  it('leaves no page chrome in titles, bodies or comments', () => {
    const chrome = /Reply to|comment image|Notify of|Article Rating|View all comments|More like this|Share post|NEXT NEWS|Comments \( ?\d+\)|^\s*date \d{4}/m;
    for (const f of fixtures) {
      expect(f.article.title).not.toMatch(chrome);
      expect(f.article.body).not.toMatch(chrome);
      for (const c of f.comments) {
        expect(c.body).not.toMatch(chrome);
        expect(c.body.trim()).toBe(c.body);
      }
    }
  });

  it('records an ISO createdAt where the page showed a date', () => {
    const dated = fixtures.find((f) => f.number === '000')!.comments;
    expect(dated.map((c) => c.createdAt)).toEqual([
      '2022-08-05T12:57:00Z',
      '2022-08-05T12:59:00Z',
      '2022-08-05T13:01:00Z',
      '2022-08-05T13:47:00Z',
    ]);
  });
});
