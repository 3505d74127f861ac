/**
 * End-to-end speed of `npm run --silent classify`: generates ~30k synthetic news comments (~360 characters,
 * made up here from word lists: no shared data) under a set of articles, each line carrying its article and
 * the previous comments of its thread as the worker would (threadSize 20), runs the real CLI as a child
 * process several times and prints comments/s with process start included, as a range.
 * A second pass sends the same comments alone (no article, no thread), as a plain toxicity batch would.
 *   npm run bench:classify-cli [-- --comments 30000 --articles 60 --thread 20 --runs 3] [--out input.jsonl] [--root DIR]
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    comments: { type: 'string', default: '30000' },
    articles: { type: 'string', default: '60' },
    thread: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    /** Only write the generated input to this file (for profiling: node --cpu-prof … < file). */
    out: { type: 'string' },
    /** Run the CLI of another checkout (e.g. an older commit, for before/after figures). */
    root: { type: 'string' },
  },
});
const ROOT = path.resolve(values.root ?? path.resolve(__dirname, '..'));

/** Deterministic PRNG (mulberry32) so every run classifies the same input. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261201);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const PLACES = ['Halifax', 'Winnipeg', 'Calgary', 'Ottawa', 'Toronto', 'Kingston', 'Regina', 'Victoria', 'Moncton', 'Sudbury', 'Kelowna', 'Saskatoon'];
const PEOPLE = ['Morrison', 'Tremblay', 'Okafor', 'Lindqvist', 'Haddad', 'Novak', 'Castillo', 'Nguyen', 'Whitfield', 'Abernathy', 'Kowalski', 'Delacroix'];
const TOPICS: Array<{ subject: string; nouns: string[]; verbs: string[] }> = [
  { subject: 'the harbour expansion', nouns: ['harbour', 'port', 'container terminal', 'dredging', 'shipping lanes', 'dock workers', 'cargo volumes'], verbs: ['approved', 'delayed', 'funded', 'opposed'] },
  { subject: 'the transit budget', nouns: ['bus routes', 'light rail', 'fares', 'ridership', 'transit union', 'subway extension', 'commuters'], verbs: ['cut', 'expanded', 'froze', 'audited'] },
  { subject: 'the hospital merger', nouns: ['emergency wait times', 'nurses', 'surgical backlog', 'health authority', 'clinics', 'patients', 'family doctors'], verbs: ['merged', 'reviewed', 'restructured', 'defended'] },
  { subject: 'the carbon tax rebate', nouns: ['carbon price', 'rebate cheques', 'emissions', 'fuel costs', 'heat pumps', 'households', 'refineries'], verbs: ['raised', 'scrapped', 'doubled', 'challenged'] },
  { subject: 'the housing plan', nouns: ['rent control', 'zoning', 'condo towers', 'mortgage rates', 'first-time buyers', 'vacancy rate', 'developers'], verbs: ['unveiled', 'blocked', 'rezoned', 'promised'] },
  { subject: 'the school board vote', nouns: ['class sizes', 'teachers', 'curriculum', 'school buses', 'trustees', 'portables', 'exam results'], verbs: ['voted', 'postponed', 'reversed', 'endorsed'] },
  { subject: 'the hockey arena deal', nouns: ['arena', 'season tickets', 'owners', 'naming rights', 'playoff run', 'goaltender', 'parking'], verbs: ['signed', 'renegotiated', 'subsidised', 'cancelled'] },
  { subject: 'the wildfire response', nouns: ['evacuation orders', 'water bombers', 'firefighters', 'smoke advisories', 'burn ban', 'insurance claims', 'forests'], verbs: ['ordered', 'lifted', 'expanded', 'criticised'] },
  { subject: 'the trade dispute', nouns: ['tariffs', 'softwood lumber', 'steel exports', 'trade panel', 'dairy quotas', 'negotiators', 'border crossings'], verbs: ['imposed', 'appealed', 'settled', 'escalated'] },
  { subject: 'the pipeline inquiry', nouns: ['pipeline', 'spill response', 'regulator', 'land claims', 'oil sands', 'tanker traffic', 'environmental review'], verbs: ['halted', 'resumed', 'approved', 'questioned'] },
];
const OPINION = [
  'I honestly think', 'It seems to me that', 'Let us be clear:', 'For what it is worth,', 'My neighbours agree that', 'Anyone who has lived here knows',
  'The real question is whether', 'Frankly,', 'I have said this for years:', 'Nobody in council will admit that',
];
const TAILS = [
  'and the taxpayers will be left holding the bill again.', 'which is exactly what the report warned about last spring.',
  'but nobody asked the people who actually live with it every day.', 'so the numbers in this article do not add up.',
  'and that should worry anyone paying attention.', 'while the same consultants get paid twice for the same advice.',
];
const RUDE = ['You are an idiot if you believe that.', 'What a stupid take, honestly.', 'Only a clown would write this garbage.', 'Shut up and read the report first.'];
const OFF = ['Does anyone know a good recipe for banana bread with walnuts and brown sugar?', 'My cat knocked the coffee off the table again this morning, what a start to the week.', 'Great weather for the long weekend at the cottage, the lake was perfect.'];

function sentence(topic: (typeof TOPICS)[number], place: string, person: string): string {
  return `${pick(OPINION)} ${person} ${pick(topic.verbs)} ${pick(topic.nouns)} in ${place} ${pick(TAILS)}`;
}

interface Article { title: string; body: string; topic: (typeof TOPICS)[number]; place: string; person: string }
function article(i: number): Article {
  const topic = TOPICS[i % TOPICS.length];
  const place = pick(PLACES);
  const person = pick(PEOPLE);
  const title = `${place} council ${pick(topic.verbs)} ${topic.subject}, ${person} says`;
  const paras: string[] = [];
  for (let p = 0; p < 5; p++) {
    const s = [0, 1, 2].map(() => `${pick(['Officials said', 'Critics argued', 'A spokesperson confirmed', 'Residents told reporters'])} that ${pick(topic.nouns)} and ${pick(topic.nouns)} in ${place} were ${pick(topic.verbs)} after ${person} spoke on ${pick(['Monday', 'Tuesday', 'Thursday'])}.`);
    paras.push(s.join(' '));
  }
  return { title, body: paras.join('\n\n'), topic, place, person };
}

function commentBody(a: Article): string {
  const parts: string[] = [];
  if (rand() < 0.04) parts.push(pick(OFF));
  if (rand() < 0.06) parts.push(pick(RUDE));
  while (parts.join(' ').length < 240 + rand() * 120) parts.push(sentence(a.topic, rand() < 0.7 ? a.place : pick(PLACES), rand() < 0.6 ? a.person : pick(PEOPLE)));
  return parts.join(' ');
}

function generate(n: number, nArticles: number, threadSize: number): { text: string; alone: string; meanChars: number } {
  const articles = Array.from({ length: nArticles }, (_, i) => article(i));
  const threads = articles.map(() => [] as string[]);
  const lines: string[] = [];
  const alone: string[] = [];
  let chars = 0;
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rand() * nArticles);
    const a = articles[k];
    const body = commentBody(a);
    chars += body.length;
    const thread = threads[k].slice(-threadSize);
    const parent = thread.length && rand() < 0.3 ? { body: thread[thread.length - 1] } : undefined;
    lines.push(JSON.stringify({ id: `b-${i}`, body, article: { title: a.title, body: a.body }, ...(parent ? { parent } : {}), thread }));
    alone.push(JSON.stringify({ id: `b-${i}`, body }));
    threads[k].push(body);
  }
  return { text: lines.join('\n') + '\n', alone: alone.join('\n') + '\n', meanChars: chars / n };
}

/** GNU time, when installed, reports the child's CPU seconds (user + system) on stderr. */
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function runCli(input: string): Promise<{ seconds: number; cpu?: number; lines: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const fd = openSync(input, 'r');
    const t0 = process.hrtime.bigint();
    const cmd = ['npm', 'run', '--silent', 'classify'];
    const child = TIME
      ? spawn(TIME, ['-f', 'cpu %U %S', ...cmd], { cwd: ROOT, stdio: [fd, 'pipe', 'pipe'] })
      : spawn(cmd[0], cmd.slice(1), { cwd: ROOT, stdio: [fd, 'pipe', 'inherit'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    let lines = 0;
    let errors = 0;
    let rest = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      lines += parts.length;
      for (const p of parts) if (p.startsWith('{"error"') || p.includes('"error":')) errors++;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0) reject(new Error(`classify exited with ${code}: ${stderr}`));
      else resolve({ seconds, cpu: m ? Number(m[1]) + Number(m[2]) : undefined, lines, errors });
    });
  });
}

const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

/** Runs the CLI `runs` times on `text` and prints the rates. */
async function measure(label: string, text: string, n: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'classify-cli-bench-'));
  const input = path.join(dir, 'in.jsonl');
  writeFileSync(input, text);
  console.log(`\n${label}: input ${(text.length / 1048576).toFixed(0)} MB`);
  const rates: number[] = [];
  const cpuRates: number[] = [];
  try {
    for (let r = 0; r < Number(values.runs); r++) {
      const { seconds, cpu, lines, errors } = await runCli(input);
      if (lines !== n || errors) throw new Error(`expected ${n} result lines without errors, got ${lines} lines, ${errors} errors`);
      rates.push(n / seconds);
      if (cpu) cpuRates.push(n / cpu);
      const cpuNote = cpu ? `; ${cpu.toFixed(2)} CPU-s, ${(n / cpu).toFixed(0)} comments per CPU-second` : '';
      console.log(`run ${r + 1}: ${seconds.toFixed(2)} s, ${(n / seconds).toFixed(0)} comments/s (process start included${cpuNote})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`npm run --silent classify, ${label}: ${range(rates)} comments/s wall clock over ${rates.length} runs, process start included`);
  // On a shared machine the wall clock also counts other processes' time; CPU time is what this process used.
  if (cpuRates.length) console.log(`  ${range(cpuRates)} comments per CPU-second of the classify process (npm and node start included)`);
}

async function main(): Promise<void> {
  const n = Number(values.comments);
  const { text, alone, meanChars } = generate(n, Number(values.articles), Number(values.thread));
  if (values.out) return writeFileSync(values.out, text);
  console.log(`${n} comments (mean ${meanChars.toFixed(0)} chars) under ${values.articles} articles; CLI in ${ROOT}`);
  await measure(`with article + thread of ≤ ${values.thread} earlier comments`, text, n);
  await measure('comments alone (no article, no thread)', alone, n);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
