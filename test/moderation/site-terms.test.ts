/**
 * A site's article statistics in the relevance score: words all its articles share weigh less, words that tell
 * its articles apart weigh more. Pure: counted here with SiteTermCounter, as the classify CLI does.
 */
import { DEFAULT_SETTINGS } from '../../config/policy-schema';
import { specificity } from '../../src/moderation/relevance/background';
import { sharedContextCache } from '../../src/moderation/relevance/compiled';
import { scoreRelevance } from '../../src/moderation/relevance/score';
import { articleStems, contextCacheFor, MIN_ARTICLES, needsRefresh, SiteTermCounter, siteSpecificity } from '../../src/moderation/relevance/site-terms';
import { tokenize } from '../../src/moderation/text/tokens';
import { rocAuc, seedPairs } from '../../scripts/offtopic-sets';

const counted = (articles: Array<[string, string]>) => {
  const counter = new SiteTermCounter('test');
  articles.forEach(([title, body], i) => counter.add(`a${i}`, title, body));
  return counter;
};

describe('site article statistics', () => {
  const counter = counted([
    ['NATO summit in Vilnius', 'NATO leaders met in Vilnius to discuss Ukraine.'],
    ['NATO and the Baltic air patrol', 'NATO jets patrol the Baltic sky over Estonia.'],
    ['NATO spending targets', 'NATO members argue about spending two percent on defence.'],
    ['Harbour dredging approved', 'The council approved dredging the harbour.'],
  ]);
  const terms = counter.snapshot()!;
  const weigh = siteSpecificity(terms);

  it('counts each stem once per article, and each article once', () => {
    counter.add('a0', 'NATO summit in Vilnius', 'NATO leaders met again.');
    expect(counter.articles).toBe(4);
    expect(terms.articles).toBe(4);
    expect(terms.df.get(articleStems('NATO', '')[0])).toBe(3);
    expect(articleStems('Troops and troop movements', '')).toEqual(expect.arrayContaining(['troop']));
  });

  it('weighs a word most articles share below its background weight, a word of one article or none as the background', () => {
    const [nato] = articleStems('NATO', '');
    const [vilnius] = articleStems('Vilnius', '');
    const [banana] = articleStems('banana', '');
    const [approve] = articleStems('approved', '');
    expect(terms.df.has(approve)).toBe(false); // one article: left out, weighs as an unseen word
    expect(weigh(nato)).toBeLessThan(0.8 * specificity(nato));
    expect(weigh(vilnius)).toBe(specificity(vilnius));
    expect(weigh(banana)).toBe(specificity(banana));
    // Two of four articles: between the two.
    const two = counted([
      ['Harbour dredging', 'dredging the harbour'],
      ['Harbour ferry', 'a new ferry for the harbour'],
      ['Budget', 'the budget vote'],
      ['Schools', 'the school board'],
    ]).snapshot()!;
    const [harbour] = articleStems('harbour', '');
    const ratio = siteSpecificity(two)(harbour) / specificity(harbour);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(1);
  });

  it('keeps a snapshot until the article count grew by a tenth, and none below the minimum', () => {
    expect(counted([['One', 'first article']]).snapshot()).toBeUndefined();
    expect(needsRefresh(0, MIN_ARTICLES - 1)).toBe(false);
    expect(needsRefresh(0, MIN_ARTICLES)).toBe(true);
    expect(needsRefresh(20, 21)).toBe(false);
    expect(needsRefresh(20, 22)).toBe(true);
    const growing = counted(Array.from({ length: 20 }, (_, i) => [`Story ${i}`, `body ${i}`]));
    const first = growing.snapshot();
    growing.add('x1', 'Another', 'story');
    expect(growing.snapshot()).toBe(first);
    growing.add('x2', 'And another', 'story');
    expect(growing.snapshot()).not.toBe(first);
    expect(growing.snapshot()!.articles).toBe(22);
  });

  it('uses the process-wide cache without statistics, and one cache per snapshot with them', () => {
    expect(contextCacheFor(undefined)).toBe(sharedContextCache);
    expect(contextCacheFor(terms)).not.toBe(sharedContextCache);
    const cache = contextCacheFor(terms);
    expect(contextCacheFor(terms)).toBe(cache);
    // A newer snapshot of the same site replaces its cache (one per site at a time).
    const newer = { ...terms, key: `${terms.key}+1` };
    expect(contextCacheFor(newer)).not.toBe(cache);
    expect(contextCacheFor(newer)).toBe(contextCacheFor(newer));
  });

  it('ranks the seed articles’ paragraphs under their own article above moved ones better with the articles’ statistics (all five are about NATO and Ukraine)', () => {
    const set = seedPairs().find((s) => s.name === 'seed paragraphs moved')!;
    const paragraphs = new SiteTermCounter('seed');
    for (const { conv } of set.pairs) paragraphs.add(conv.title!, conv.title!, conv.body!);
    const score = (terms: ReturnType<typeof paragraphs.snapshot>) =>
      rocAuc(
        set.pairs.map((p) => scoreRelevance(p.comment, tokenize(p.comment), p.conv, DEFAULT_SETTINGS.relevance, contextCacheFor(terms)).relevance),
        set.pairs.map((p) => p.onTopic),
      );
    const background = score(undefined);
    const withArticles = score(paragraphs.snapshot());
    expect(withArticles).toBeGreaterThan(background + 0.05);
    expect(withArticles).toBeGreaterThan(0.65);
  });
});
