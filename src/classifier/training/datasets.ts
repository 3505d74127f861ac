/**
 * The four labelled training sources (see ../shared/data/training/README.md) mapped to the model's
 * heads. Each source labels only some heads; the rest are NaN (masked out of the loss). A source
 * saying "not offensive at all" gives a 0 for every head it implies.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HEADS } from '../model';
import { parseCsv, parseCsvObjects } from './csv';

export const SOURCES = ['jigsaw2018', 'davidson2017', 'olid2019', 'insults2012'] as const;
export type SourceName = (typeof SOURCES)[number];

export interface LabelledRow {
  source: SourceName;
  text: string;
  /** One value per head (HEADS order): 1, 0, or NaN when the source does not say. */
  y: number[];
  /** Key for stratified splitting within the source. */
  stratum: string;
}

const N = NaN;
const H = Object.fromEntries(HEADS.map((h, i) => [h, i])) as Record<(typeof HEADS)[number], number>;
const ALL_ZERO = HEADS.map(() => 0);

function labels(partial: Partial<Record<(typeof HEADS)[number], number>>): number[] {
  const y = HEADS.map(() => N);
  for (const [k, v] of Object.entries(partial)) y[H[k as (typeof HEADS)[number]]] = v;
  return y;
}

/** Jigsaw: every head but harassment; a non-toxic comment is not harassment either. */
function jigsaw(dir: string): LabelledRow[] {
  return parseCsvObjects(readFileSync(path.join(dir, 'jigsaw2018_train_subset.csv'), 'utf8')).map((r) => {
    const tox = r.toxic === '1' || r.severe_toxic === '1' ? 1 : 0;
    const y = labels({ toxicity: tox, insult: +r.insult, threat: +r.threat, identityAttack: +r.identity_hate, profanity: +r.obscene, harassment: tox ? N : 0 });
    return { source: 'jigsaw2018' as const, text: r.comment_text, y, stratum: `${tox}${r.insult}${r.threat}${r.identity_hate}` };
  });
}

/** Davidson: hate → toxic + identity attack; offensive → toxic + profane, not identity attack; neither → all 0. */
function davidson(dir: string): LabelledRow[] {
  return parseCsvObjects(readFileSync(path.join(dir, 'davidson2017_labeled.csv'), 'utf8')).map((r) => {
    const y = r.class === '2' ? ALL_ZERO.slice() : r.class === '0' ? labels({ toxicity: 1, identityAttack: 1 }) : labels({ toxicity: 1, identityAttack: 0, profanity: 1 });
    return { source: 'davidson2017' as const, text: r.tweet, y, stratum: r.class };
  });
}

/**
 * OLID: OFF → toxic. Untargeted offence is profanity, not insult, threat or harassment. Targeted
 * at an individual → harassment; at a group or other → not harassment (a group may be an identity
 * group, so identity attack stays unknown there). NOT → all 0.
 */
function olid(dir: string): LabelledRow[] {
  const [header, ...rows] = parseCsv(readFileSync(path.join(dir, 'olid2019_train.tsv'), 'utf8'), '\t');
  const col = (name: string): number => header.indexOf(name);
  const [t, a, b, c] = [col('tweet'), col('subtask_a'), col('subtask_b'), col('subtask_c')];
  return rows
    .filter((r) => r.length > c)
    .map((r) => {
      let y: number[];
      if (r[a] === 'NOT') y = ALL_ZERO.slice();
      else if (r[b] === 'UNT') y = labels({ toxicity: 1, insult: 0, threat: 0, identityAttack: 0, profanity: 1, harassment: 0 });
      else if (r[c] === 'IND') y = labels({ toxicity: 1, identityAttack: 0, harassment: 1 });
      else if (r[c] === 'GRP') y = labels({ toxicity: 1, harassment: 0 });
      else y = labels({ toxicity: 1, identityAttack: 0, harassment: 0 });
      return { source: 'olid2019' as const, text: r[t], y, stratum: `${r[a]}${r[b]}${r[c]}` };
    });
}

/** Decodes the literal escapes of the 2012 insults file (`\n`, `\xa0`, `\\xe2\\x80\\x99`, `\u00e9`). */
export function decodeInsultsText(raw: string): string {
  let s = raw.replace(/^"+|"+$/g, '');
  s = s.replace(/\\\\/g, '\\').replace(/\\\\/g, '\\');
  s = s.replace(/(?:\\x[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Buffer.from(run.split('\\x').slice(1).map((h) => parseInt(h, 16)));
    const utf8 = bytes.toString('utf8');
    return utf8.includes('\ufffd') ? bytes.toString('latin1') : utf8;
  });
  s = s.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return s.replace(/\\([nrt'"])/g, (_, c: string) => (c === 'n' || c === 'r' ? '\n' : c === 't' ? '\t' : c));
}

/** Insults 2012: an insult aimed at a participant → insult and harassment (and toxicity); 0 → none of them. */
function insults(dir: string): LabelledRow[] {
  return parseCsvObjects(readFileSync(path.join(dir, 'insults2012_train.csv'), 'utf8')).map((r) => {
    const v = +r.Insult;
    const y = labels({ toxicity: v ? 1 : N, insult: v, harassment: v });
    return { source: 'insults2012' as const, text: decodeInsultsText(r.Comment), y, stratum: r.Insult };
  });
}

/** Reads every source from `dir` (the shared training folder). */
export function loadTrainingData(dir: string): LabelledRow[] {
  return [...jigsaw(dir), ...davidson(dir), ...olid(dir), ...insults(dir)].filter((r) => r.text.trim() !== '');
}

/**
 * How the training recipe reads the sources' labels where the mapping is a judgement call. The
 * defaults are the mapping above; evaluation always uses the mapping above.
 */
export interface LabelMapping {
  /** Davidson "offensive" (mostly profanity and slurs in tweets) is toxicity; false leaves toxicity unknown there. */
  davidsonOffensiveToxic: boolean;
  /** OLID untargeted offence (swearing) is toxicity; false leaves toxicity unknown there. */
  olidUntargetedToxic: boolean;
  /** A 2012 comment that is not an insult is not toxic either (false: unknown). */
  insultsNegativeNotToxic: boolean;
}

export const DEFAULT_LABEL_MAPPING: LabelMapping = { davidsonOffensiveToxic: true, olidUntargetedToxic: true, insultsNegativeNotToxic: false };

/** Rows relabelled for training under `m` (new arrays; the input is not changed). */
export function relabel(rows: LabelledRow[], m: LabelMapping): LabelledRow[] {
  const tox = H.toxicity;
  return rows.map((r) => {
    let value: number | undefined;
    if (r.source === 'davidson2017' && r.stratum === '1' && !m.davidsonOffensiveToxic) value = N;
    else if (r.source === 'olid2019' && r.stratum.startsWith('OFFUNT') && !m.olidUntargetedToxic) value = N;
    else if (r.source === 'insults2012' && r.stratum === '0' && m.insultsNegativeNotToxic) value = 0;
    if (value === undefined) return r;
    const y = r.y.slice();
    y[tox] = value;
    return { ...r, y };
  });
}
