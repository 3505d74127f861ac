import { DEFAULT_FEATURES, forEachFeature, WORD_GROUP, type FeatureOptions } from '../../src/classifier/features';
import { relabel, DEFAULT_LABEL_MAPPING, type LabelledRow } from '../../src/classifier/training/datasets';
import { sourceWeights } from '../../src/classifier/training/train-model';

const BITS = 18;

function features(text: string, options: FeatureOptions = DEFAULT_FEATURES): { bucket: number; group: number; word: number }[] {
  const out: { bucket: number; group: number; word: number }[] = [];
  forEachFeature(text, BITS, (bucket, _sign, group, word) => out.push({ bucket, group, word }), options);
  return out;
}

describe('feature options', () => {
  it('emits fewer character n-grams when the smallest size goes up', () => {
    const all = features('idiot').filter((f) => f.group !== WORD_GROUP).length;
    const from3 = features('idiot', { ...DEFAULT_FEATURES, charMin: 3 }).filter((f) => f.group !== WORD_GROUP).length;
    // " idiot " has 6 bigrams; dropping them leaves the 3-, 4- and 5-grams.
    expect(all - from3).toBe(6);
  });

  it('adds the lexicon features only when enabled, and the "aimed at you" one only after a second-person word', () => {
    const plain = features('you are a pathetic idiot');
    const lex = features('you are a pathetic idiot', { ...DEFAULT_FEATURES, lexicon: true });
    expect(lex.length - plain.length).toBe(4); // insult + aimed-at-you, for each of the two words
    const farAway = features('you said the minister was an idiot', { ...DEFAULT_FEATURES, lexicon: true });
    const farPlain = features('you said the minister was an idiot');
    expect(farAway.length - farPlain.length).toBe(1);
    // The extra features belong to the insulting word, so explanations highlight it.
    const extra = lex.filter((f) => !plain.some((p) => p.bucket === f.bucket && p.word === f.word));
    expect(new Set(extra.map((f) => f.word))).toEqual(new Set([3, 4]));
  });
});

describe('training label mapping', () => {
  const row = (source: LabelledRow['source'], stratum: string, y: number[]): LabelledRow => ({ source, text: 'x', stratum, y });
  const rows = [
    row('davidson2017', '1', [1, NaN, NaN, 0, 1, NaN]),
    row('davidson2017', '0', [1, NaN, NaN, 1, NaN, NaN]),
    row('olid2019', 'OFFUNTNULL', [1, 0, 0, 0, 1, 0]),
    row('insults2012', '0', [NaN, 0, NaN, NaN, NaN, 0]),
  ];

  it('keeps the rows as they are under the default mapping', () => {
    expect(relabel(rows, DEFAULT_LABEL_MAPPING)).toEqual(rows);
  });

  it('masks or sets only the toxicity label of the rows a switch names, without changing the input', () => {
    const out = relabel(rows, { davidsonOffensiveToxic: false, olidUntargetedToxic: false, insultsNegativeNotToxic: true, toxicSpansToxicity: true });
    expect(out.map((r) => r.y[0])).toEqual([NaN, 1, NaN, 0]);
    expect(out[0].y.slice(1)).toEqual(rows[0].y.slice(1));
    expect(rows[0].y[0]).toBe(1);
  });
});

describe('severe toxicity and Toxic Spans mappings (training only)', () => {
  // HEADS order: toxicity, severeToxicity, insult, threat, identityAttack, profanity, harassment.
  const row = (source: LabelledRow['source'], stratum: string, y: number[], spans?: [number, number][]): LabelledRow => ({ source, text: 'x', stratum, y, spans });
  const N = NaN;
  const rows = [
    row('davidson2017', '0', [1, N, N, N, 1, N, N]),
    row('davidson2017', '1', [1, N, N, N, 0, 1, N]),
    row('davidson2017', '2', [0, 0, 0, 0, 0, 0, 0]),
    row('olid2019', 'OFFUNTNULL', [1, N, 0, 0, 0, 1, 0]),
    row('toxicspans2022', '1000', [1, N, 1, 0, 0, 0, N], [[0, 1]]),
    row('toxicspans2022', '0100', [1, N, 0, 1, 0, 0, N], [[0, 1]]),
    row('toxicspans2022', 'NaNNaNNaNNaN', [N, N, N, N, N, N, N], []),
    row('jigsaw2018', '1010', [1, 0, 0, 1, 0, 0, N]),
  ];
  const mapping = { ...DEFAULT_LABEL_MAPPING, severeFromThreatsAndHate: true };

  it('makes threats and hate speech severe, offensive-only and untargeted swearing not, and leaves the rest', () => {
    expect(relabel(rows, mapping).map((r) => r.y[1])).toEqual([1, 0, 0, 0, 0, 1, NaN, 1]);
    expect(relabel(rows, DEFAULT_LABEL_MAPPING).map((r) => r.y[1])).toEqual(rows.map((r) => r.y[1]));
    expect(rows[0].y[1]).toBeNaN();
  });

  it('reads Toxic Spans comments nobody marked as civil only when asked', () => {
    const out = relabel(rows, { ...DEFAULT_LABEL_MAPPING, toxicSpansUnmarkedCivil: true });
    expect(out[6].y).toEqual([0, NaN, 0, 0, 0, 0, NaN]);
    expect(out[4].y).toEqual(rows[4].y);
  });
});

describe('source weights', () => {
  it('balances sources, applies a boost, and keeps the mean row weight at 1', () => {
    const rows = [...Array(90).fill('davidson2017'), ...Array(10).fill('insults2012')].map((source) => ({ source, text: 'x', stratum: '', y: [] }) as LabelledRow);
    const plain = sourceWeights(rows, 0.5);
    const boosted = sourceWeights(rows, 0.5, { insults2012: 2 });
    expect(plain.insults2012 / plain.davidson2017).toBeCloseTo(3);
    expect(boosted.insults2012 / boosted.davidson2017).toBeCloseTo(6);
    for (const w of [plain, boosted]) expect((90 * w.davidson2017 + 10 * w.insults2012) / 100).toBeCloseTo(1);
  });
});
