import { existsSync, statSync } from 'node:fs';
import { DEFAULT_MODEL_PATH, HEADS, loadLocalClassifier } from '../../src/classifier/local-classifier';

// The shipped artifact, loaded once: these tests guard what the worker gets by default.
const classifier = loadLocalClassifier();

describe('shipped local model', () => {
  it('is committed, under 30 MB, and loads with a version', () => {
    expect(existsSync(DEFAULT_MODEL_PATH)).toBe(true);
    expect(statSync(DEFAULT_MODEL_PATH).size).toBeLessThan(30 * 1024 * 1024);
    expect(classifier.name).toBe('local');
    expect(classifier.version).toMatch(/^local-2-[0-9a-f]+$/);
  });

  it('scores a known insult above a benign comment on every abuse label', () => {
    const insult = classifier.scoreText('You are a pathetic idiot and a moron, shut up.');
    const benign = classifier.scoreText('Thanks for the article, the chart on housing prices was very helpful.');
    expect(insult.toxicity).toBeGreaterThan(0.5);
    expect(insult.insult).toBeGreaterThan(benign.insult);
    expect(insult.toxicity).toBeGreaterThan(benign.toxicity + 0.3);
    expect(insult.harassment).toBeGreaterThan(benign.harassment);
    expect(benign.toxicity).toBeLessThan(0.5);
  });

  it('sees through obfuscated abuse', () => {
    const plain = classifier.scoreText('you are a fucking bitch');
    for (const disguised of ['you are a f u c k i n g b*tch', 'you are a fuuuucking bxxxx', 'ｙｏｕ ａｒｅ ａ ｆｕｃｋｉｎｇ ｂｉｔｃｈ']) {
      const s = classifier.scoreText(disguised);
      expect(Math.abs(s.toxicity - plain.toxicity)).toBeLessThan(0.15);
      expect(s.profanity).toBeGreaterThan(0.5);
    }
  });

  it('returns every score in [0, 1], also for empty and odd input', () => {
    for (const text of ['', ' ', '!!!', '😂😂😂', 'a'.repeat(20000), 'Ünïcödé ｔｅｘｔ 𝐟𝐨𝐨', 'x\u0000y']) {
      const scores = classifier.scoreText(text);
      for (const head of HEADS) {
        expect(scores[head]).toBeGreaterThanOrEqual(0);
        expect(scores[head]).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is deterministic', () => {
    const text = 'Go back to school, you ignorant fool.';
    expect(classifier.scoreText(text)).toEqual(classifier.scoreText(text));
  });

  it('classify() returns the Classifier contract with spans pointing into the original text', async () => {
    const text = 'Interesting point. But you are a stupid f*cking idiot.';
    const result = await classifier.classify({ text });
    expect(result.provider).toBe('local');
    expect(result.modelVersion).toBe(classifier.version);
    expect(result.scores.toxicity).toBeGreaterThanOrEqual(classifier.thresholds.toxicity);
    const spans = result.spans.toxicity ?? [];
    expect(spans.length).toBeGreaterThan(0);
    const highlighted = spans.map((s) => text.slice(s.start, s.end)).join(' ');
    expect(highlighted).toMatch(/f\*cking|idiot|stupid/);
    expect(highlighted).not.toMatch(/Interesting/);
    for (const s of spans) {
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeGreaterThan(s.start);
      expect(s.end).toBeLessThanOrEqual(text.length);
    }
  });

  it('gives no spans for labels below their threshold', () => {
    const result = classifier.classifyText('The council meets on Tuesday to discuss the budget.');
    expect(Object.keys(result.spans)).toEqual([]);
  });

  it('ships a threshold in (0, 1) for every label', () => {
    for (const head of HEADS) {
      expect(classifier.thresholds[head]).toBeGreaterThan(0);
      expect(classifier.thresholds[head]).toBeLessThan(1);
    }
  });
});
