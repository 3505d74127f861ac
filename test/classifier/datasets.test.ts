import path from 'node:path';
import { HEADS } from '../../src/classifier/model';
import { SOURCES, hasTrainingData, loadTrainingData, type LabelledRow } from '../../src/classifier/training/datasets';

// Miniature files in the real files' formats (invented text): the loaders run without ../shared.
const dir = path.join(__dirname, 'fixtures/training-mini');
const rows = loadTrainingData(dir);
const y = (r: LabelledRow, head: (typeof HEADS)[number]): number => r.y[HEADS.indexOf(head)];
const bySource = (s: string): LabelledRow[] => rows.filter((r) => r.source === s);

describe('training data loaders (csv-parse)', () => {
  it('reads every source, with quoted fields, embedded newlines and bare quotes in TSV', () => {
    expect(hasTrainingData(dir)).toBe(true);
    expect(SOURCES.map((s) => bySource(s).length)).toEqual([3, 3, 3, 2, 2, 2, 3, 2]);
    expect(bySource('jigsaw2018')[0].text).toBe('You are a stupid idiot, "friend"');
    expect(bySource('olid2019')[0].text).toBe('@USER you are a "genius" idiot');
    expect(bySource('reddit2021')[0].text).toBe('What a thoughtful question.\nThanks!');
  });

  it('maps labels to heads, leaving unknown ones NaN', () => {
    const [insult, civil, threat] = bySource('jigsaw2018');
    expect([y(insult, 'toxicity'), y(insult, 'insult'), y(insult, 'severeToxicity')]).toEqual([1, 1, 0]);
    expect(y(insult, 'harassment')).toBeNaN();
    expect(y(civil, 'harassment')).toBe(0);
    expect([y(threat, 'threat'), y(threat, 'severeToxicity')]).toEqual([1, 1]);
    const [, uncivil] = bySource('reddit2021');
    expect(y(uncivil, 'toxicity')).toBe(1);
    expect(y(uncivil, 'insult')).toBeNaN();
    const [toxicWiki, , outOfContext] = bySource('wikicontext2020');
    expect(y(toxicWiki, 'toxicity')).toBe(1);
    expect(toxicWiki.parent).toBe('Please stop reverting my edits.');
    expect(y(outOfContext, 'toxicity')).toBe(0);
    expect(y(bySource('wikitoxicity')[0], 'toxicity')).toBe(1);
  });

  it('decodes the insults file escapes', () => {
    expect(bySource('insults2012')[0].text).toBe('you\u2019re a moron\nseriously');
    expect(bySource('insults2012')[1].text).toBe('I agree with the article\u00a0completely');
  });

  it('reads Toxic Spans: majority types as heads, other-typed toxic comments as negatives, majority characters as UTF-16 spans', () => {
    const [emoji, crook] = bySource('toxicspans2022');
    // Three raters: two typed Insult on "idiot", one Threat, one Profane; every rater marked something.
    expect(y(emoji, 'toxicity')).toBe(1);
    expect(y(emoji, 'insult')).toBe(1);
    expect(y(emoji, 'threat')).toBeNaN(); // one of three: neither majority nor absent
    expect(y(emoji, 'identityAttack')).toBe(0);
    // Offsets count code points; the emoji is two UTF-16 units, so "idiot" is at 7–12 in the service's offsets.
    expect(emoji.spans).toEqual([[7, 12]]);
    expect(emoji.text.slice(7, 12)).toBe('idiot');
    // Two of three raters marked "crook" (one as insult, one as identity attack): characters marked by a majority.
    expect(y(crook, 'insult')).toBeNaN();
    expect(crook.spans!.map(([a, b]) => crook.text.slice(a, b))).toEqual(['crook']);
    expect(y(crook, 'harassment')).toBeNaN();
  });
});
