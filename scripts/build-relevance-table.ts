/**
 * Builds the relevance analyzer's two shipped tables (derived numbers only; no text is copied):
 * - src/moderation/relevance/background-df.json: document frequencies of content-term stems over public
 *   training corpora (sources and licences below and in docs/off-topic.md), so words weigh by how specific they are;
 * - src/moderation/relevance/combination.json: the logistic combination of the relevance signals, learned on
 *   the Wikipedia talk-page replies' TRAINING half only (own parent vs another parent, plain and padded with
 *   unrelated comments as thread). The SFU dev set, the seed fixtures and the Wikipedia test half are never used.
 *   npx tsx scripts/build-relevance-table.ts --data /work/shared/data/training [--df-only | --fit-only]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseCsv } from './csv';
import { rocAuc, wikiPairs } from './offtopic-sets';
import { tokenize } from '../src/moderation/text/tokens';
import { contentTerms } from '../src/moderation/relevance/terms';
import { ContextCache, compileText } from '../src/moderation/relevance/compiled';
import { COMBINED, relevanceFeatures } from '../src/moderation/relevance/features';

const { values } = parseArgs({ options: { data: { type: 'string', default: '/work/shared/data/training' }, 'df-only': { type: 'boolean' }, 'fit-only': { type: 'boolean' } } });
const dir = values.data!;
const OUT = path.join(__dirname, '../src/moderation/relevance');

const SOURCES: Array<{ file: string; licence: string; texts: (raw: string) => string[] }> = [
  { file: 'davidson2017_labeled.csv', licence: 'MIT', texts: (raw) => parseCsv(raw).map((r) => r.tweet) },
  { file: 'olid2019_train.tsv', licence: 'CC BY 4.0', texts: (raw) => raw.split('\n').slice(1).map((l) => l.split('\t')[1] ?? '') },
  { file: 'jigsaw2018_train_subset.csv', licence: 'data CC0, text CC BY-SA', texts: (raw) => parseCsv(raw).map((r) => r.comment_text) },
  { file: 'toxicspans2022_comments.csv', licence: 'CC0 1.0 (Civil Comments news-site comments)', texts: (raw) => parseCsv(raw).map((r) => r.comment_text) },
  { file: 'reddit_incivility2021.csv', licence: 'BSD-3-Clause', texts: (raw) => parseCsv(raw).map((r) => r.comment) },
  { file: 'wikitoxicity_nonfuzzed.csv', licence: 'Apache-2.0', texts: (raw) => parseCsv(raw).map((r) => r.comment) },
];
const MIN_DF = 3;

function buildDf(): void {
  const df = new Map<string, number>();
  let documents = 0;
  for (const src of SOURCES) {
    for (const text of src.texts(readFileSync(path.join(dir, src.file), 'utf8'))) {
      if (!text) continue;
      documents++;
      for (const stem of new Set(contentTerms(tokenize(text)).map((t) => t.stem))) df.set(stem, (df.get(stem) ?? 0) + 1);
    }
  }
  const kept = Object.fromEntries([...df].filter(([, n]) => n >= MIN_DF).sort((a, b) => b[1] - a[1]));
  const out = { documents, minDf: MIN_DF, sources: SOURCES.map(({ file, licence }) => ({ file, licence })), df: kept };
  writeFileSync(path.join(OUT, 'background-df.json'), JSON.stringify(out) + '\n');
  console.log(`background-df.json: ${documents} documents, ${Object.keys(kept).length} stems kept (df >= ${MIN_DF})`);
}

/** L2-regularised logistic regression by Newton's method (a handful of features: exact solve each step). */
export function fitLogistic(X: number[][], y: number[], l2 = 1, iterations = 30): { weights: number[]; intercept: number } {
  const d = X[0].length + 1;
  let w = new Array<number>(d).fill(0);
  for (let it = 0; it < iterations; it++) {
    const g = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < X.length; i++) {
      const x = [...X[i], 1];
      const p = 1 / (1 + Math.exp(-x.reduce((s, v, k) => s + v * w[k], 0)));
      for (let a = 0; a < d; a++) {
        g[a] += (y[i] - p) * x[a];
        for (let b = 0; b < d; b++) H[a][b] += p * (1 - p) * x[a] * x[b];
      }
    }
    for (let a = 0; a < d - 1; a++) (g[a] -= l2 * w[a]), (H[a][a] += l2);
    const step = solve(H, g);
    w = w.map((v, k) => v + step[k]);
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  return { weights: w.slice(0, -1), intercept: w[d - 1] };
}

/** Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) x[r] = (M[r][n] - M[r].slice(r + 1, n).reduce((s, v, k) => s + v * x[r + 1 + k], 0)) / M[r][r];
  return x;
}

function fitCombination(): void {
  const sets = [wikiPairs(dir, 'train'), wikiPairs(dir, 'train', 20)];
  const X: number[][] = [];
  const y: number[] = [];
  for (const set of sets) {
    const cache = new ContextCache();
    for (const p of set.pairs) {
      const conv = cache.conversation(p.conv);
      const f = relevanceFeatures(compileText(conv.vocabulary, p.comment), conv).features;
      X.push(COMBINED.map((k) => f[k]));
      y.push(p.onTopic);
    }
  }
  const { weights, intercept } = fitLogistic(X, y);
  const trainAuc = rocAuc(X.map((x) => x.reduce((s, v, k) => s + v * weights[k], intercept)), y as Array<0 | 1>);
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const out = {
    trainedOn: sets.map((s) => `${s.name}: ${s.about}`),
    licence: 'Wikipedia talk comments with their parents (Pavlopoulos et al. 2020), Apache-2.0; only the fitted numbers are shipped',
    pairs: y.length,
    trainAuc: round(trainAuc),
    weights: Object.fromEntries(COMBINED.map((k, i) => [k, round(weights[i])])),
    intercept: round(intercept),
  };
  writeFileSync(path.join(OUT, 'combination.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(`combination.json: ${y.length} training pairs, training ROC-AUC ${trainAuc.toFixed(3)}, weights ${JSON.stringify(out.weights)}, intercept ${out.intercept}`);
}

if (require.main === module) {
  if (values['fit-only']) fitCombination();
  else {
    buildDf();
    // The features read background-df.json when loaded: fit in a fresh process that sees the new table.
    if (!values['df-only']) spawnSync(process.execPath, [...process.execArgv, __filename, '--data', dir, '--fit-only'], { stdio: 'inherit' });
  }
}
