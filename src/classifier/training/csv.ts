/**
 * A small RFC 4180 reader: quoted fields may hold the delimiter, doubled quotes and line breaks;
 * CRLF and LF both end a record. Returns records as arrays of strings (header included).
 */
export function parseCsv(input: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = input.charCodeAt(0) === 0xfeff ? 1 : 0;
  const d = delimiter.charCodeAt(0);
  while (i < input.length) {
    const c = input.charCodeAt(i);
    if (quoted) {
      if (c === 34) {
        if (input.charCodeAt(i + 1) === 34) {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      const next = input.indexOf('"', i);
      const stop = next < 0 ? input.length : next;
      field += input.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === 34 && field === '') {
      quoted = true;
      i++;
    } else if (c === d) {
      row.push(field);
      field = '';
      i++;
    } else if (c === 10 || c === 13) {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += c === 13 && input.charCodeAt(i + 1) === 10 ? 2 : 1;
    } else {
      field += input[i];
      i++;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Records as objects keyed by the header row. */
export function parseCsvObjects(input: string, delimiter = ','): Record<string, string>[] {
  const [header, ...rows] = parseCsv(input, delimiter);
  if (!header) return [];
  return rows.filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(header.map((h, k) => [h, r[k] ?? ''])));
}
