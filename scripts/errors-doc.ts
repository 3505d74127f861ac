/**
 * `npm run docs:errors`: rewrites the table of docs/errors.md from the error catalogue
 * (src/api/openapi/errors.ts), between its `<!-- errors:start -->` and `<!-- errors:end -->` marks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../src/api/openapi/errors';

const file = path.resolve(__dirname, '../docs/errors.md');
const rows = Object.entries(ERROR_CODES)
  .sort((a, b) => a[1].status - b[1].status)
  .map(([code, info]) => `| \`${code}\` | ${info.status} | ${info.description} |`);
const table = ['| code | HTTP | meaning |', '|---|---|---|', ...rows].join('\n');
const text = readFileSync(file, 'utf8').replace(/<!-- errors:start -->[\s\S]*<!-- errors:end -->/, `<!-- errors:start -->\n${table}\n<!-- errors:end -->`);
writeFileSync(file, text);
console.log(`docs/errors.md: ${rows.length} codes`);
