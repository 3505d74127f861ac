/**
 * CSV/TSV reading for the training and evaluation scripts, through csv-parse: RFC 4180 quoting
 * (delimiters, doubled quotes and line breaks inside quoted fields), CRLF or LF, a BOM dropped.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** Records as arrays of strings, header included. Quotes are literal in TSV (OLID tweets hold bare quotes). */
export function parseCsv(input: string, delimiter = ','): string[][] {
  return parse(input, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n', '\r'], quote: delimiter === '\t' ? false : '"' }) as string[][];
}

/** Records as objects keyed by the header row. */
export function parseCsvObjects(input: string, delimiter = ','): Record<string, string>[] {
  const [header, ...rows] = parseCsv(input, delimiter);
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k] ?? ''])));
}

/** A CSV file's records as objects. */
export function readCsvObjects(file: string, delimiter = ','): Record<string, string>[] {
  return parseCsvObjects(readFileSync(file, 'utf8'), delimiter);
}
