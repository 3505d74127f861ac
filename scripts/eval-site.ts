/**
 * `npm run eval:site -- --dev ../shared/data/dev`: measures site learning on the SFU comments (Globe and
 * Mail opinion articles; see that folder's README; evaluation only, never shipped or trained into the
 * general model). The articles are split in two halves; the adapter learns from the "history" half and
 * is scored on the "new" half, then the halves swap. For each of two site standards, it prints the
 * ROC-AUC of the general model (its toxicity head, and its head that ranked best on the history half)
 * and of the adapted model on the new half, with precision / recall on the new half at the adapter's flag
 * threshold. Exit code 1 if, for the first standard (the one that is the site's own, not the general
 * model's), the adapted model does not beat both general figures on both new halves.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { argValue } from '../src/cli/args';
import { atThreshold, rocAuc } from '../src/classifier/training/metrics';
import { loadLocalClassifier } from '../src/classifier/local-classifier';
import { applyAdapter } from '../src/site-learning/adapter';
import { trainAdapter, type TrainingExample } from '../src/site-learning/train';

interface Row {
  article: string;
  text: string;
  toxic: number;
  constructive: boolean;
  scores: Record<string, number>;
}

/** The two standards: what a moderator of this site would reject. The first one must be won. */
const STANDARDS: Array<{ name: string; rejected: (r: Row) => boolean }> = [
  { name: 'civil and constructive (reject toxic ≥ 2 or not constructive)', rejected: (r) => r.toxic >= 2 || !r.constructive },
  { name: 'toxicity only (reject toxic ≥ 2)', rejected: (r) => r.toxic >= 2 },
];

async function loadRows(dir: string): Promise<Row[]> {
  const records = parse(readFileSync(path.join(dir, 'sfu_ctc.csv')), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const classifier = loadLocalClassifier();
  const rows: Row[] = [];
  for (const r of records) {
    const { scores } = await classifier.classify({ text: r.comment });
    rows.push({
      article: r.title.replace(/ - The Globe and Mail$/, '').trim(),
      text: r.comment,
      toxic: Number(r.is_toxic_popular_answer_1),
      constructive: r.is_constructive === 'yes',
      scores: scores as Record<string, number>,
    });
  }
  return rows;
}

/** Articles by size, largest first, dealt alternately into two halves. */
function halves(rows: readonly Row[]): [Set<string>, Set<string>] {
  const sizes = new Map<string, number>();
  for (const r of rows) sizes.set(r.article, (sizes.get(r.article) ?? 0) + 1);
  const ordered = [...sizes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([a]) => a);
  return [new Set(ordered.filter((_, i) => i % 2 === 0)), new Set(ordered.filter((_, i) => i % 2 === 1))];
}

const f3 = (x: number) => x.toFixed(3);

async function main(): Promise<void> {
  const dir = argValue(process.argv.slice(2), 'dev');
  if (!dir) throw new Error('usage: npm run eval:site -- --dev ../shared/data/dev');
  const rows = await loadRows(dir);
  const [a, b] = halves(rows);
  const version = loadLocalClassifier().version;
  console.log(`SFU comments: ${rows.length} on ${a.size + b.size} articles; general model ${version}\n`);
  console.log('| site standard | history → new | labels (rejected) | general: toxicity | general: best head on history | adapted | adapted flag on new: precision / recall |');
  console.log('|---|---|--:|--:|--:|--:|--:|');
  let won = true;
  for (const [s, standard] of STANDARDS.entries()) {
    for (const [name, history] of [['A → B', a], ['B → A', b]] as const) {
      const label = (r: Row): 0 | 1 => (standard.rejected(r) ? 1 : 0);
      const train: TrainingExample[] = rows.filter((r) => history.has(r.article)).map((r) => ({ scores: r.scores, text: r.text, label: label(r), group: r.article }));
      const test = rows.filter((r) => !history.has(r.article));
      const adapter = trainAdapter(train, version);
      const y = test.map(label);
      const general = rocAuc(test.map((r) => r.scores.toxicity ?? 0), y);
      const bestHead = rocAuc(test.map((r) => r.scores[adapter.report.generalHead] ?? 0), y);
      const predicted = test.map((r) => applyAdapter(adapter, r.scores, r.text).score);
      const adapted = rocAuc(predicted, y);
      const atFlag = atThreshold(predicted, y, adapter.thresholds.flag);
      const flag = adapter.thresholds.flag > 1 ? 'off' : `${f3(atFlag.precision)} / ${f3(atFlag.recall)}`;
      const rejected = train.filter((e) => e.label).length;
      console.log(`| ${standard.name} | ${name} | ${train.length} (${rejected}) | ${f3(general)} | ${f3(bestHead)} (${adapter.report.generalHead}) | ${f3(adapted)} | ${flag} |`);
      if (s === 0 && !(adapted > general && adapted > bestHead)) won = false;
    }
  }
  console.log(won ? '\nsite standard: the adapted model beats the general model on both new halves' : '\nsite standard: the adapted model does NOT beat the general model on both new halves');
  if (!won) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`eval-site: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
