import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HEADS, loadLocalClassifier } from '../../src/classifier/local-classifier';
import type { Span } from '../../src/moderation/types';

// Outputs of the shipped model recorded before the classifier's speed work (fixtures/generate-speed-invariance.ts):
// optimisations of the hot path must leave every score and span as it was.
interface Case {
  text: string;
  scores: Record<string, number>;
  spans: Record<string, Span[]>;
}
const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/speed-invariance.json'), 'utf8')) as { modelVersion: string; cases: Case[] };
const classifier = loadLocalClassifier();

describe('local classifier output across speed optimisations', () => {
  it('is recorded for the shipped model on a few hundred varied texts', () => {
    expect(classifier.version).toBe(fixture.modelVersion);
    expect(fixture.cases.length).toBeGreaterThanOrEqual(200);
  });

  it('gives every recorded text the same scores (to 1e-12) and the same spans', () => {
    for (const c of fixture.cases) {
      const result = classifier.classifyText(c.text);
      for (const head of HEADS) expect([c.text, head, Math.abs((result.scores[head] ?? NaN) - c.scores[head]) <= 1e-12]).toEqual([c.text, head, true]);
      expect([c.text, result.spans]).toEqual([c.text, c.spans]);
    }
  });

  it('gives the same scores without spans (scoreText) as with them, in any call order', () => {
    for (const c of [...fixture.cases].reverse()) {
      const scores = classifier.scoreText(c.text);
      for (const head of HEADS) expect([c.text, head, Math.abs(scores[head] - c.scores[head]) <= 1e-12]).toEqual([c.text, head, true]);
    }
    // Interleaved with explained texts (the two paths keep separate dedupe state between calls).
    fixture.cases.forEach((c, i) => {
      if (i % 3 === 0) classifier.classifyText(fixture.cases[(i * 7) % fixture.cases.length].text);
      const scores = classifier.scoreText(c.text);
      for (const head of HEADS) expect([c.text, head, Math.abs(scores[head] - c.scores[head]) <= 1e-12]).toEqual([c.text, head, true]);
    });
  });
});
