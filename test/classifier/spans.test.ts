import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadLocalClassifier } from '../../src/classifier/local-classifier';
import { codePointToUtf16 } from '../../src/classifier/training/datasets';
import { spanF1 } from '../../src/classifier/training/spans';

/** "a [b] c" → text "a b c" with gold [[2, 3]]. */
function parse(marked: string): { text: string; gold: [number, number][] } {
  const gold: [number, number][] = [];
  let text = '';
  for (const part of marked.split(/(\[[^\]]*\])/)) {
    if (part.startsWith('[')) {
      gold.push([text.length, text.length + part.length - 2]);
      text += part.slice(1, -1);
    } else text += part;
  }
  return { text, gold };
}

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/spans.json'), 'utf8')) as { comments: string[] };
const classifier = loadLocalClassifier();

describe('span F1 (SemEval 2021 Task 5 metric)', () => {
  it('is 1 for exact or both-empty predictions, 0 when one side is empty, the character F1 otherwise', () => {
    expect(spanF1([], [])).toBe(1);
    expect(spanF1([{ start: 0, end: 3 }], [])).toBe(0);
    expect(spanF1([], [[0, 3]])).toBe(0);
    expect(spanF1([{ start: 0, end: 4 }], [[2, 6]])).toBeCloseTo(0.5);
  });

  it('maps code point offsets (Toxic Spans) to UTF-16 offsets (the service)', () => {
    const text = '😀 you idiot';
    const map = codePointToUtf16(text);
    expect(text.slice(map[6], map[11])).toBe('idiot');
  });
});

describe('shipped model spans', () => {
  const cases = fixture.comments.map(parse);

  it('marks the abusive words of hand-written news comments (mean span F1 guarded loosely)', () => {
    const f1 = cases.map((c) => spanF1(classifier.markedSpans(c.text), c.gold));
    const mean = f1.reduce((a, b) => a + b, 0) / f1.length;
    // The model card reports the figure on Toxic Spans' held-out comments; this guards against collapse.
    expect(mean).toBeGreaterThan(0.5);
  });

  it('does not highlight harmless words that merely occur in news comments', () => {
    for (const text of ['Can the city draw a straight line from the station to the park?', 'Refugees arriving this year will be housed in the old school.']) {
      expect([text, classifier.markedSpans(text)]).toEqual([text, []]);
      const spans = Object.values(classifier.classifyText(text).spans).flat();
      expect([text, spans]).toEqual([text, []]);
    }
  });

  it('reports, for a flagged label, only marked words inside the comment', () => {
    const text = 'Interesting point about the budget. But you are a stupid idiot.';
    const result = classifier.classifyText(text);
    const highlighted = Object.values(result.spans).flat().map((s) => text.slice(s.start, s.end));
    expect(highlighted.length).toBeGreaterThan(0);
    for (const h of highlighted) expect(h).toMatch(/stupid|idiot/);
  });
});
