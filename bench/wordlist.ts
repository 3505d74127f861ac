/**
 * Word-list overhead: moderation time per comment with empty lists vs 10,000 banned + 10,000 suspect words
 * (the seed fixtures' comments, the shipped local model), plus the words phase and one list match alone.
 * Also reports the threat phase's share and the threat matcher alone (seed comments and article paragraphs).
 *   npm run bench:wordlist
 */
import { PolicySchema, resolvePolicy } from '../config/policy-schema';
import { loadLocalClassifier } from '../src/classifier/local-classifier';
import { compilePolicy } from '../src/moderation/compile-policy';
import { moderate } from '../src/moderation/pipeline';
import { tokenize } from '../src/moderation/text/tokens';
import { findThreats } from '../src/moderation/text/threat-patterns';
import type { ModerationContext } from '../src/moderation/types';
import { loadSeedFixtures } from '../test/fixtures/seeds';

const ROUNDS = Number(process.env.ROUNDS ?? 300);
const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => (i % 10 === 0 ? `${tag}${i}*` : i % 7 === 0 ? `${tag} phrase ${i}` : `${tag}${i}`));

const cases = loadSeedFixtures().flatMap((f) =>
  f.comments.map((c, i) => ({ comment: c, context: { article: f.article, thread: f.comments.slice(0, i), authorHistory: [], repeatCount: 0, now: new Date().toISOString() } as ModerationContext })),
);
const classifier = loadLocalClassifier();

async function run(label: string, n: number): Promise<number> {
  const policy = resolvePolicy(PolicySchema.parse({ bannedWords: words(n, 'ban'), suspectWords: words(n, 'sus') }));
  const t0 = performance.now();
  const compiled = compilePolicy(policy);
  const compileMs = performance.now() - t0;
  const deps = { classifier, policy, compiled };
  for (const c of cases) await moderate(c.comment, c.context, deps); // warm-up
  let wordsMs = 0;
  let threatMs = 0;
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++)
    for (const c of cases) {
      const { timings } = await moderate(c.comment, c.context, deps);
      wordsMs += timings.words;
      threatMs += timings.threat;
    }
  const perComment = (performance.now() - start) / (ROUNDS * cases.length);
  const tokens = cases.map((c) => tokenize(c.comment.body));
  const m0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) for (const t of tokens) compiled.banned.match(t);
  const matchUs = ((performance.now() - m0) / (ROUNDS * tokens.length)) * 1000;
  console.log(
    `${label.padEnd(28)} moderate ${perComment.toFixed(3)} ms/comment | words phase ${(wordsMs / (ROUNDS * cases.length)).toFixed(4)} ms | ` +
      `one list match ${matchUs.toFixed(2)} µs | compile ${compileMs.toFixed(0)} ms | threat phase ${(threatMs / (ROUNDS * cases.length)).toFixed(4)} ms`,
  );
  return perComment;
}

(async () => {
  console.log(`${cases.length} seed comments × ${ROUNDS} rounds, local model`);
  await run('(warm-up, 0 words)', 0);
  const base = await run('0 words', 0);
  const big = await run('10,000 banned + 10,000 suspect', 10_000);
  console.log(`overhead: ${(((big - base) / base) * 100).toFixed(1)}% (${(big - base).toFixed(4)} ms/comment)`);
  threatMatcher();
})();

/** The threat matcher alone on pre-tokenised text: comments and article paragraphs (longer texts). */
function threatMatcher(): void {
  const texts = loadSeedFixtures().flatMap((f) => [...f.comments.map((c) => c.body), ...f.article.body.split(/\n+/)]);
  const tokens = texts.map((t) => tokenize(t));
  const chars = texts.reduce((n, t) => n + t.length, 0) / texts.length;
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < texts.length; i++) findThreats(texts[i], tokens[i]);
  const us = ((performance.now() - t0) / (ROUNDS * texts.length)) * 1000;
  console.log(`threat matcher alone: ${us.toFixed(1)} µs per text (${texts.length} texts, mean ${chars.toFixed(0)} chars)`);
}
