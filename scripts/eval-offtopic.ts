/**
 * Off-topic evaluation: each comment scored against its own article and thread (positive) and against
 * other articles' titles and threads (negatives), reported as ROC-AUC for a plain TF-IDF cosine against the
 * article alone, TF-IDF against article + thread, and the shipped relevance analyzer.
 *   npm run eval:offtopic -- --data ../shared/data/dev
 * The dev data (SFU SOCC, CC BY-NC-SA 4.0) is read in place for evaluation only; nothing is copied or trained.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsv } from './csv';
import { tokenize } from '../src/moderation/text/tokens';
import { scoreRelevance, type Conversation } from '../src/moderation/relevance/score';
import { DEFAULT_SETTINGS } from '../config/policy-schema';

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
/** Prints the off-topic ROC-AUC table for the dev data in `dir` (also run by `npm run eval -- --dev <dir>`). */
export function runOffTopicEval(dir: string, THREAD = 20, OTHERS = 3): void {
  const rows = parseCsv(readFileSync(path.join(dir, 'sfu_ctc.csv'), 'utf8'));
  const byTitle = new Map<string, string[]>();
  for (const r of rows) {
    const title = r.title.replace(/ - The Globe and Mail$/, '').trim();
    if (!r.comment.trim()) continue;
    byTitle.set(title, [...(byTitle.get(title) ?? []), r.comment]);
  }
  const articles = [...byTitle].filter(([, c]) => c.length >= 10).map(([title, comments]) => ({ title, comments }));

  // Baseline: raw term frequencies, smoothed IDF over all dev comments, cosine.
  const words = (s: string) => s.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const dfs = new Map<string, number>();
  for (const a of articles) for (const c of a.comments) for (const w of new Set(words(c))) dfs.set(w, (dfs.get(w) ?? 0) + 1);
  const nDocs = articles.reduce((n, a) => n + a.comments.length, 0);
  const vec = (s: string) => {
    const v = new Map<string, number>();
    for (const w of words(s)) v.set(w, (v.get(w) ?? 0) + 1);
    for (const [w, tf] of v) v.set(w, tf * (Math.log((1 + nDocs) / (1 + (dfs.get(w) ?? 0))) + 1));
    return v;
  };
  const cosine = (a: Map<string, number>, b: Map<string, number>) => {
    let dot = 0, na = 0, nb = 0;
    for (const [w, x] of a) (na += x * x), (dot += x * (b.get(w) ?? 0));
    for (const x of b.values()) nb += x * x;
    return na && nb ? dot / Math.sqrt(na * nb) : 0;
  };

  type Scores = { titleOnly: number; titleThread: number; ours: number; oursRelevance: number };
  const pos: Scores[] = [];
  const neg: Scores[] = [];
  const judgeable: boolean[] = [];
  const score = (comment: string, title: string, thread: string[]): Scores => {
    const conv: Conversation = { title, thread };
    const r = scoreRelevance(comment, tokenize(comment), conv, DEFAULT_SETTINGS.relevance);
    const v = vec(comment);
    return { titleOnly: cosine(v, vec(title)), titleThread: cosine(v, vec([title, ...thread].join('\n'))), ours: -r.offTopic, oursRelevance: r.relevance };
  };
  const threadAt = (comments: string[], i: number) => comments.slice(Math.max(0, i - THREAD), i);
  const started = performance.now();
  articles.forEach((a, ai) => {
    a.comments.forEach((c, i) => {
      pos.push(score(c, a.title, threadAt(a.comments, i)));
      judgeable.push(scoreRelevance(c, tokenize(c), { title: a.title, thread: [] }, DEFAULT_SETTINGS.relevance).contentWords >= DEFAULT_SETTINGS.relevance.minContentWords);
      for (let k = 1; k <= OTHERS; k++) {
        const b = articles[(ai + k) % articles.length];
        neg.push(score(c, b.title, threadAt(b.comments, Math.min(i, b.comments.length))));
      }
    });
  });

  /** Mann-Whitney ROC-AUC with ties counted half. */
  function auc(p: number[], n: number[]): number {
    const all = [...p.map((s) => [s, 1]), ...n.map((s) => [s, 0])].sort((x, y) => x[0] - y[0]);
    let rankSum = 0;
    for (let i = 0; i < all.length; ) {
      let j = i;
      while (j < all.length && all[j][0] === all[i][0]) j++;
      const rank = (i + j + 1) / 2;
      for (let k = i; k < j; k++) if (all[k][1] === 1) rankSum += rank;
      i = j;
    }
    return (rankSum - (p.length * (p.length + 1)) / 2) / (p.length * n.length);
  }
  const negJudgeable = judgeable.flatMap((j) => Array(OTHERS).fill(j) as boolean[]);
  const report = (key: keyof Scores) => ({
    all: auc(pos.map((s) => s[key]), neg.map((s) => s[key])).toFixed(3),
    [`≥${DEFAULT_SETTINGS.relevance.minContentWords} content words`]: auc(pos.filter((_, i) => judgeable[i]).map((s) => s[key]), neg.filter((_, i) => negJudgeable[i]).map((s) => s[key])).toFixed(3),
  });
  console.log(`${articles.length} articles, ${pos.length} comments (${judgeable.filter(Boolean).length} with enough content), ${neg.length} negative pairings; thread = previous ${THREAD} comments`);
  console.table({
    'TF-IDF cosine, article title only': report('titleOnly'),
    'TF-IDF cosine, title + thread': report('titleThread'),
    'relevance analyzer (−offTopic)': report('ours'),
    'relevance analyzer (coverage)': report('oursRelevance'),
  });
  console.log(`${((performance.now() - started) / (pos.length + neg.length)).toFixed(2)} ms per scored pairing`);
}

if (require.main === module) runOffTopicEval(arg('--data', '../shared/data/dev'), Number(arg('--thread', '20')), Number(arg('--others', '3')));
