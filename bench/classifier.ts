/**
 * Speed and footprint of the local classifier on one core: model load time, comments/s for
 * scores only (`scoreText`) and with explanations (`classifyText`), resident memory.
 *   npm run bench:classifier [-- --data ../shared/data/training] [--seconds 3]
 * Without --data it scores comments of about 360 characters (the length of news comments) built
 * from the seed fixtures' comments and article paragraphs (the project's own text: seeded, the same
 * corpus every run); with --data, every comment of the labelled training files.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSeedFixtures } from '../test/fixtures/seeds';
import { loadLocalClassifier, DEFAULT_MODEL_PATH } from '../src/classifier/local-classifier';
import { loadTrainingData } from '../src/classifier/training/datasets';
import { rng } from '../src/classifier/training/split';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    model: { type: 'string', default: DEFAULT_MODEL_PATH },
    seconds: { type: 'string', default: '3' },
  },
});

/** Mean length of the synthetic comments (characters). */
const TARGET_CHARS = 360;

function texts(): string[] {
  if (values.data) return loadTrainingData(path.resolve(values.data)).map((r) => r.text);
  const pieces: string[] = [];
  for (const f of loadSeedFixtures()) {
    for (const c of f.comments) pieces.push(c.body);
    for (const p of f.article.body.split(/\n\n+/)) if (p.trim()) pieces.push(p.trim());
  }
  // 5,000 comments, pieces joined and cut at the first space after a length drawn uniformly from 240–480 characters.
  const random = rng(360);
  const out: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const want = TARGET_CHARS - 120 + random() * 240;
    let text = '';
    while (text.length < want) text += (text ? ' ' : '') + pieces[Math.floor(random() * pieces.length)];
    out.push(text.slice(0, Math.max(text.indexOf(' ', want), want)));
  }
  return out;
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(0);
const rssBefore = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
const classifier = loadLocalClassifier(values.model);
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
const loadCpu = process.cpuUsage(cpu0);
const loadCpuMs = (loadCpu.user + loadCpu.system) / 1000;
const corpus = texts();
const meanChars = corpus.reduce((a, t) => a + t.length, 0) / corpus.length;

function run(label: string, fn: (t: string) => unknown): number {
  for (let i = 0; i < Math.min(corpus.length, 2000); i++) fn(corpus[i]); // warm-up
  const budget = Number(values.seconds) * 1e9;
  let n = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < budget) {
    for (let i = 0; i < 200; i++) fn(corpus[n++ % corpus.length]);
    elapsed = Number(process.hrtime.bigint() - start);
  }
  const cpu = process.cpuUsage(cpuStart);
  // CPU time of this single-threaded loop: the figure for one core even when other processes compete for it.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perCpuSecond = n / cpuSeconds;
  const perWallSecond = n / (elapsed / 1e9);
  console.log(`${label}: ${perCpuSecond.toFixed(0)} comments/s per CPU-second (${((cpuSeconds * 1e6) / n).toFixed(1)} µs CPU each); wall clock ${perWallSecond.toFixed(0)}/s`);
  return perCpuSecond;
}

console.log(`model ${classifier.version}: loaded in ${loadMs.toFixed(0)} ms wall clock, ${loadCpuMs.toFixed(0)} ms CPU`);
console.log(`corpus: ${corpus.length} texts, mean ${meanChars.toFixed(0)} chars (${values.data ? 'training files' : 'synthetic, from the seed fixtures'})`);
run('scoreText (scores only)', (t) => classifier.scoreText(t));
run('classifyText (scores + spans)', (t) => classifier.classifyText(t));
const rss = process.memoryUsage().rss;
console.log(`resident memory: ${mb(rss)} MB (${mb(rssBefore)} MB before loading the model and corpus)`);
