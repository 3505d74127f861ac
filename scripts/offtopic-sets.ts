/**
 * Off-topic evaluation sets, each a list of (comment, conversation, on topic?) pairs built by moving comments
 * between conversations, and the plain TF-IDF cosine baseline they are reported against. Read in place from
 * ../shared (never copied) or from the repo's seed fixtures. Used by scripts/eval-offtopic.ts (report) and
 * scripts/build-relevance-table.ts (which learns the score's combination on the Wikipedia training half only).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsv } from './csv';
import type { Conversation } from '../src/moderation/relevance/compiled';
import { loadSeedFixtures } from '../test/fixtures/seeds';

/** A comment in a conversation: its own (1) or another one's (0). */
export interface Pair {
  comment: string;
  conv: Conversation;
  onTopic: 0 | 1;
}

export interface PairSet {
  name: string;
  /** How the pairs were made, one line. */
  about: string;
  pairs: Pair[];
}

/**
 * SFU Constructiveness and Toxicity Corpus (dev, CC BY-NC-SA: evaluation only): each comment under its own
 * article title and previous `thread` comments vs under `others` other articles' titles and threads at the same
 * position. The corpus has no article bodies.
 */
export function sfuPairs(dir: string, thread = 20, others = 3): PairSet {
  const rows = parseCsv(readFileSync(path.join(dir, 'sfu_ctc.csv'), 'utf8'));
  const byTitle = new Map<string, string[]>();
  for (const r of rows) {
    const title = r.title.replace(/ - The Globe and Mail$/, '').trim();
    if (!r.comment.trim()) continue;
    byTitle.set(title, [...(byTitle.get(title) ?? []), r.comment]);
  }
  const articles = [...byTitle].filter(([, c]) => c.length >= 10).map(([title, comments]) => ({ title, comments }));
  const threadAt = (comments: string[], i: number) => comments.slice(Math.max(0, i - thread), i);
  const pairs: Pair[] = [];
  articles.forEach((a, ai) =>
    a.comments.forEach((c, i) => {
      pairs.push({ comment: c, conv: { title: a.title, thread: threadAt(a.comments, i) }, onTopic: 1 });
      for (let k = 1; k <= others; k++) {
        const b = articles[(ai + k) % articles.length];
        pairs.push({ comment: c, conv: { title: b.title, thread: threadAt(b.comments, Math.min(i, b.comments.length)) }, onTopic: 0 });
      }
    }),
  );
  return { name: 'SFU comments (dev)', about: `${articles.length} Globe and Mail articles (titles only), thread = previous ${thread} comments, ${others} other articles each`, pairs };
}

/**
 * The seed fixtures (5 NATO/Russia/Ukraine articles with bodies, all one topic: hard negatives): every comment
 * under its own article and earlier comments vs under each other article; and every article paragraph
 * (≥ 80 characters) under the rest of its own article vs under each other article.
 */
export function seedPairs(): PairSet[] {
  const seeds = loadSeedFixtures();
  const comments: Pair[] = [];
  const paragraphs: Pair[] = [];
  seeds.forEach((s, si) => {
    s.comments.forEach((c, i) => {
      const parent = c.parentId ? s.comments.find((p) => p.id === c.parentId)?.body : undefined;
      comments.push({ comment: c.body, conv: { title: s.article.title, body: s.article.body, thread: [] }, onTopic: 1 });
      seeds.forEach((o, oi) => {
        if (oi !== si) comments.push({ comment: c.body, conv: { title: o.article.title, body: o.article.body, thread: [] }, onTopic: 0 });
      });
    });
    const paras = s.article.body.split(/\n\n+/);
    paras.forEach((p, pi) => {
      if (p.length < 80) return;
      const rest = paras.filter((_, k) => k !== pi).join('\n\n');
      paragraphs.push({ comment: p, conv: { title: s.article.title, body: rest, thread: [] }, onTopic: 1 });
      seeds.forEach((o, oi) => {
        if (oi !== si) paragraphs.push({ comment: p, conv: { title: o.article.title, body: o.article.body, thread: [] }, onTopic: 0 });
      });
    });
  });
  return [
    { name: 'seed comments moved', about: 'seed fixtures: 8 comments under their own article vs the 4 other articles (article text only; all one topic)', pairs: comments },
    { name: 'seed paragraphs moved', about: 'seed fixtures: article paragraphs vs the rest of their article, or another article (same topic)', pairs: paragraphs },
  ];
}

/**
 * Wikipedia talk-page replies (Pavlopoulos et al. 2020, Apache-2.0) under their true parent comment vs under
 * another reply's parent, split by a hash of the reply id: `train` half (used to learn the combination) or
 * `test` half (reported). With `distractors` > 0, each pair's thread also holds 0…distractors other replies'
 * parents (the same for both arms), so that contexts range from one short comment to a news-sized thread.
 */
export function wikiPairs(dir: string, half: 'train' | 'test', distractors = 0): PairSet {
  const rows = parseCsv(readFileSync(path.join(dir, 'wikicontext2020_in_context.csv'), 'utf8')).filter((r) => r.text.trim() && r.parent.trim());
  const mine = rows.filter((r) => (createHash('sha1').update(r.id).digest()[0] & 1) === (half === 'train' ? 0 : 1));
  const pairs: Pair[] = [];
  const away = (i: number, salt: number) => mine[(i + 1 + ((i * 7919 + salt * 104729) % (mine.length - 1))) % mine.length];
  mine.forEach((r, i) => {
    const other = away(i, 0);
    const k = distractors ? (i * 37) % (distractors + 1) : 0;
    const thread = Array.from({ length: k }, (_, j) => away(i, j + 1).parent);
    pairs.push({ comment: r.text, conv: { parent: r.parent, thread }, onTopic: 1 });
    pairs.push({ comment: r.text, conv: { parent: other.parent, thread }, onTopic: 0 });
  });
  const extra = distractors ? `, plus 0–${distractors} unrelated talk comments as thread` : '';
  return { name: `Wikipedia replies (${half} half${distractors ? ', padded' : ''})`, about: `${mine.length} talk-page replies under their parent vs another reply's parent${extra}`, pairs };
}

/** Every set available: the SFU and Wikipedia ones only when their data directories exist. */
export function allPairSets(devDir: string, trainingDir: string): PairSet[] {
  const sets: PairSet[] = [];
  if (existsSync(path.join(devDir, 'sfu_ctc.csv'))) sets.push(sfuPairs(devDir));
  sets.push(...seedPairs());
  if (existsSync(path.join(trainingDir, 'wikicontext2020_in_context.csv'))) sets.push(wikiPairs(trainingDir, 'test'), wikiPairs(trainingDir, 'test', 20));
  return sets;
}

/**
 * The plain baseline: raw term frequencies of lower-cased words, smoothed IDF over the set's own distinct
 * texts, cosine of the comment against the article title + body + thread + parent concatenated.
 */
export function tfidfBaseline(set: PairSet): number[] {
  const words = (s: string) => s.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const texts = new Set<string>();
  for (const p of set.pairs) {
    texts.add(p.comment);
    for (const t of [p.conv.title, p.conv.body, p.conv.parent, ...p.conv.thread]) if (t) texts.add(t);
  }
  const df = new Map<string, number>();
  for (const t of texts) for (const w of new Set(words(t))) df.set(w, (df.get(w) ?? 0) + 1);
  const vec = (s: string) => {
    const v = new Map<string, number>();
    for (const w of words(s)) v.set(w, (v.get(w) ?? 0) + 1);
    for (const [w, tf] of v) v.set(w, tf * (Math.log((1 + texts.size) / (1 + (df.get(w) ?? 0))) + 1));
    return v;
  };
  const cosine = (a: Map<string, number>, b: Map<string, number>) => {
    let d = 0;
    let na = 0;
    let nb = 0;
    for (const [w, x] of a) (na += x * x), (d += x * (b.get(w) ?? 0));
    for (const x of b.values()) nb += x * x;
    return na && nb ? d / Math.sqrt(na * nb) : 0;
  };
  return set.pairs.map((p) => cosine(vec(p.comment), vec([p.conv.title, p.conv.body, ...p.conv.thread, p.conv.parent].filter(Boolean).join('\n'))));
}

/** Mann-Whitney ROC-AUC of `scores` (higher = more on topic) against `labels`, ties counted half. */
export function rocAuc(scores: readonly number[], labels: ReadonlyArray<0 | 1>): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && scores[idx[j]] === scores[idx[i]]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (labels[idx[k]] === 1) (rankSum += rank), pos++;
    i = j;
  }
  const neg = idx.length - pos;
  return pos && neg ? (rankSum - (pos * (pos + 1)) / 2) / (pos * neg) : NaN;
}
