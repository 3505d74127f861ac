import { fitPlatt } from '../../src/classifier/training/calibrate';
import { atThreshold, averagePrecision, rocAuc } from '../../src/classifier/training/metrics';
import { loadLocalClassifier } from '../../src/classifier/local-classifier';
import { LinearModel, loadModel } from '../../src/classifier/model';
import { DEFAULT_MODEL_PATH } from '../../src/classifier/local-classifier';

describe('Platt calibration', () => {
  // Raw scores where higher means more likely positive, with overlap between the classes.
  const z = [-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, -2.5, 0.2, 1.2, 2.5, -0.8];
  const y = [0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0];

  it('fits a positive slope, so calibrated scores are monotone in the raw score', () => {
    const { a, b } = fitPlatt(z, y);
    expect(a).toBeGreaterThan(0);
    const p = [-5, -1, 0, 1, 5].map((v) => 1 / (1 + Math.exp(-(a * v + b))));
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThan(p[i - 1]);
    for (const v of p) expect(v > 0 && v < 1).toBe(true);
  });

  it('matches the observed positive rate on average', () => {
    const { a, b } = fitPlatt(z, y);
    const mean = z.reduce((s, v) => s + 1 / (1 + Math.exp(-(a * v + b))), 0) / z.length;
    const rate = y.reduce((s, v) => s + v, 0) / y.length;
    expect(Math.abs(mean - rate)).toBeLessThan(0.05);
  });

  it('keeps the slope positive even when the raw score is anti-correlated', () => {
    expect(fitPlatt([1, 2, 3, 4], [1, 1, 0, 0]).a).toBeGreaterThan(0);
  });
});

describe('shipped model calibration', () => {
  const model = new LinearModel(loadModel(DEFAULT_MODEL_PATH));

  it('maps raw outputs to probabilities monotonically for every head', () => {
    for (let h = 0; h < model.heads; h++) {
      let prev = -1;
      for (let zv = -10; zv <= 10; zv += 0.5) {
        const p = model.calibrate(h, zv);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(p).toBeGreaterThanOrEqual(prev);
        prev = p;
      }
    }
  });

  it('scores more abuse higher', () => {
    const c = loadLocalClassifier();
    const ladder = ['Have a nice day.', 'That is a dumb idea.', 'You are an idiot.', 'You are a fucking idiot, piece of shit.'];
    const tox = ladder.map((t) => c.scoreText(t).toxicity);
    expect(tox[3]).toBeGreaterThan(tox[0]);
    expect(tox[2]).toBeGreaterThan(tox[0]);
    expect(tox[3]).toBeGreaterThan(tox[1]);
  });
});

describe('metrics', () => {
  it('computes ROC-AUC with ties and PR-AUC', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75);
    expect(rocAuc([0.5, 0.5], [0, 1])).toBeCloseTo(0.5);
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.8333, 3);
    expect(atThreshold([0.1, 0.6, 0.7], [0, 1, 0], 0.5)).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3 });
  });
});
