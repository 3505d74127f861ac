/**
 * CPU of the pure moderation pipeline per comment, as the worker runs it: `moderate` with the shipped local model,
 * the default policy and the site's article statistics, over comments like bench:e2e's (~250-character seed
 * comments with a `#i` suffix, 50 articles with the same ~3 KB body, each comment after the article's 20 latest
 * ones), plus the repeat-post fingerprint the worker takes of every body. Deterministic: no clock in the verdicts
 * (timings are left out of the dump).
 *   npm run bench:pipeline -- [--comments 3000] [--rounds 3] [--dump verdicts.json]
 * `--corpus varied` moderates a few hundred varied texts instead (obfuscation, threats, links, mentions): diff its dumps too.
 * Under valgrind (instruction counts): valgrind --tool=callgrind --callgrind-out-file=/tmp/x node --import tsx bench/pipeline.ts --comments 500 --rounds 1
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PolicySchema, resolvePolicy } from '../config/policy-schema';
import { loadLocalClassifier } from '../src/classifier/local-classifier';
import { compilePolicy } from '../src/moderation/compile-policy';
import { moderate } from '../src/moderation/pipeline';
import { textFingerprint } from '../src/moderation/record';
import { SiteTermCounter } from '../src/moderation/relevance/site-terms';
import type { AuthorHistoryEntry, CommentInput, ContextComment, ModerationContext, Verdict } from '../src/moderation/types';
import { STATUS_OF_ACTION } from '../src/moderation/types';
import { loadSeedFixtures } from '../test/fixtures/seeds';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const COMMENTS = Number(arg('comments', '3000'));
const ROUNDS = Number(arg('rounds', '3'));
const DUMP = arg('dump', '');
/** `e2e`: bench:e2e's comments; `varied`: the classifier's speed-invariance texts and every seed comment, some with mentions, links and repeats (for verdict diffs). */
const CORPUS = arg('corpus', 'e2e');
const ARTICLES = 50;
const THREAD = 20;
const HISTORY = 20;
const NOW = '2026-01-01T12:00:00.000Z';

const fixtures = loadSeedFixtures();
const e2eTexts = fixtures.flatMap((f) => f.comments.map((c) => c.body)).filter((t) => t.length >= 80);
const variedTexts = [
  ...fixtures.flatMap((f) => [...f.comments.map((c) => c.body), ...f.article.body.split(/\n+/).slice(0, 6)]),
  ...(JSON.parse(readFileSync(path.join(__dirname, '../test/classifier/fixtures/speed-invariance.json'), 'utf8')) as { cases: Array<{ text: string }> }).cases.map((c) => c.text),
  'Earn money from home, $300 a day! Contact me on WhatsApp +1 (555) 123-4567 or deals@spam.biz, click here: bit.ly/xyz',
  'Free iPhone for the first 100 readers, sign up now at www.win-free.shop and follow my channel',
  'Bitcoin profit signals, dm me. Visit my page https://crypto.example.top/join?ref=1 and www.news.example/other',
  'They are animals, all of them. These immigrants are nothing but vermin. I hope you die, @Reader3. I know where you live.',
  'Someone should shoot him. Putin must be hanged. You better watch your back, Reader 12, or else.',
];
/** The body of comment i. */
function bodyOf(i: number): string {
  if (CORPUS === 'e2e') return `${e2eTexts[i % e2eTexts.length].slice(0, 260)} #${i}`;
  const t = variedTexts[i % variedTexts.length];
  const round = Math.floor(i / variedTexts.length);
  const mention = (i + round) % 7 === 0 ? `@Reader${(i * 3) % 997} ` : (i + round) % 9 === 0 ? `@Reader ${(i * 5) % 997}, ` : '';
  const link = (i + round) % 11 === 0 ? ' More at www.deals-shop.com/offer or https://news.example/a1' : (i + round) % 13 === 0 ? ' Reader 12 you are a bxxxxxx' : '';
  return mention + t + link;
}
const articleBody = fixtures.map((f) => f.article.body).join('\n\n').slice(0, 3000);
const articles = Array.from({ length: ARTICLES }, (_, a) => ({ title: `${fixtures[a % fixtures.length].article.title} (${a})`, body: articleBody, url: `https://news.example/a${a}` }));
const counter = new SiteTermCounter('bench');
articles.forEach((a, i) => counter.add(`a${i}`, a.title, a.body));
const siteTerms = counter.snapshot();

/** The comments and their contexts, built as the worker would see them (threads and histories from earlier ones). */
function build(): Array<{ comment: CommentInput; context: ModerationContext }> {
  const threads = articles.map((): ContextComment[] => []);
  const out: Array<{ comment: CommentInput; context: ModerationContext }> = [];
  for (let i = 0; i < COMMENTS; i++) {
    const a = i % ARTICLES;
    const author = { id: `u${i % 997}`, name: `Reader ${i % 997}` };
    const comment: CommentInput = { id: `c${i}`, articleId: `a${a}`, author, body: bodyOf(i) };
    const thread = threads[a].slice(-THREAD);
    const parent = i % 5 === 0 && thread.length ? thread[thread.length - 1] : undefined;
    if (parent) comment.parentId = parent.id;
    out.push({ comment, context: { site: 'bench', article: articles[a], parent, thread, authorHistory: [], repeatCount: CORPUS === 'varied' && i % 17 === 0 ? 2 : 0, now: NOW, siteTerms } });
    threads[a].push({ id: comment.id, body: comment.body, author });
  }
  return out;
}

const classifier = loadLocalClassifier();
// The varied corpus also runs the word lists (empty by default).
const policy = resolvePolicy(PolicySchema.parse(CORPUS === 'varied' ? { bannedWords: ['idiot', 'scam*'], suspectWords: ['moron', 'free money', 'stupid'] } : {}));
const deps = { classifier, policy, compiled: compilePolicy(policy) };

/** One pass: every comment moderated in order, each author's history growing from the verdicts. */
async function pass(cases: ReturnType<typeof build>, verdicts?: unknown[]): Promise<void> {
  const history = new Map<string, AuthorHistoryEntry[]>();
  for (const { comment, context } of cases) {
    const mine = history.get(comment.author.id) ?? [];
    context.authorHistory = mine.slice(0, HISTORY);
    textFingerprint(comment.body);
    const v: Verdict = await moderate(comment, context, deps);
    mine.unshift({ commentId: comment.id, status: STATUS_OF_ACTION[v.action], codes: v.reasons.map((r) => r.code), targetAuthorId: v.target?.authorId, articleId: comment.articleId, at: NOW });
    history.set(comment.author.id, mine);
    if (verdicts) {
      const { timings: _t, ...rest } = v;
      verdicts.push({ id: comment.id, ...rest });
    }
  }
}

(async () => {
  const cases = build();
  const verdicts: unknown[] = [];
  await pass(cases, verdicts); // warm-up, and the verdicts to compare
  if (DUMP) writeFileSync(DUMP, JSON.stringify(verdicts, null, 1) + '\n');
  const runs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = process.cpuUsage();
    await pass(cases);
    const c = process.cpuUsage(c0);
    runs.push((c.user + c.system) / COMMENTS);
  }
  const actions = verdicts.reduce<Record<string, number>>((n, v) => ((n[(v as Verdict).action] = (n[(v as Verdict).action] ?? 0) + 1), n), {});
  console.log(`${COMMENTS} ${CORPUS} comments (${ARTICLES} articles, threads of ${THREAD}), ${JSON.stringify(actions)}`);
  if (runs.length) console.log(`CPU µs per comment (pipeline + fingerprint), ${ROUNDS} rounds: ${runs.map((x) => x.toFixed(1)).join(', ')}`);
})();
