/**
 * Builds src/moderation/relevance/background-df.json: document frequencies of content-term stems over
 * public training corpora (see the sources below and docs/off-topic.md), so the relevance analyzer can
 * weigh a comment's words by how specific they are. Counts only; no text is copied.
 *   npx tsx scripts/build-relevance-table.ts --data /work/shared/data/training
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsv } from './csv';
import { tokenize } from '../src/moderation/text/tokens';
import { contentTerms } from '../src/moderation/relevance/terms';

const dir = process.argv[process.argv.indexOf('--data') + 1] ?? '/work/shared/data/training';
const SOURCES: Array<{ file: string; licence: string; texts: (raw: string) => string[] }> = [
  { file: 'davidson2017_labeled.csv', licence: 'MIT', texts: (raw) => parseCsv(raw).map((r) => r.tweet) },
  { file: 'olid2019_train.tsv', licence: 'CC BY 4.0', texts: (raw) => raw.split('\n').slice(1).map((l) => l.split('\t')[1] ?? '') },
  { file: 'jigsaw2018_train_subset.csv', licence: 'data CC0, text CC BY-SA', texts: (raw) => parseCsv(raw).map((r) => r.comment_text) },
];
const MIN_DF = 3;

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
writeFileSync(path.join(__dirname, '../src/moderation/relevance/background-df.json'), JSON.stringify(out) + '\n');
console.log(`${documents} documents, ${Object.keys(kept).length} stems kept (df >= ${MIN_DF})`);
