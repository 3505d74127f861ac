/**
 * The labelled training sources (see ../shared/data/training/README.md) mapped to the model's
 * heads. Each source labels only some heads; the rest are NaN (masked out of the loss). A source
 * saying "not offensive at all" gives a 0 for every head it implies.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HEADS, type Head } from '../model';
import { readCsvObjects } from './csv';

export const SOURCES = ['jigsaw2018', 'davidson2017', 'olid2019', 'insults2012', 'toxicspans2022', 'reddit2021', 'wikicontext2020', 'wikitoxicity'] as const;
export type SourceName = (typeof SOURCES)[number];

export interface LabelledRow {
  source: SourceName;
  text: string;
  /** One value per head (HEADS order): 1, 0, or NaN when the source does not say. */
  y: number[];
  /** Key for stratified splitting within the source. */
  stratum: string;
  /**
   * Toxic Spans only: the characters most of the comment's raters marked toxic, as UTF-16
   * [start, end) ranges of `text` (sorted, disjoint; empty when no majority marked any).
   */
  spans?: [number, number][];
  /** The comment this one replied to (wikicontext in-context rows), when known. */
  parent?: string;
  /** Share of raters who called it toxic (wikicontext), when the source gives one. */
  toxicShare?: number;
}

const N = NaN;
const H = Object.fromEntries(HEADS.map((h, i) => [h, i])) as Record<Head, number>;
const ALL_ZERO = HEADS.map(() => 0);

function labels(partial: Partial<Record<Head, number>>): number[] {
  const y = HEADS.map(() => N);
  for (const [k, v] of Object.entries(partial)) y[H[k as Head]] = v;
  return y;
}

/** Jigsaw: every head but harassment; a non-toxic comment is not harassment either. */
function jigsaw(dir: string): LabelledRow[] {
  return readCsvObjects(path.join(dir, 'jigsaw2018_train_subset.csv')).map((r) => {
    const tox = r.toxic === '1' || r.severe_toxic === '1' ? 1 : 0;
    const y = labels({ toxicity: tox, severeToxicity: +r.severe_toxic, insult: +r.insult, threat: +r.threat, identityAttack: +r.identity_hate, profanity: +r.obscene, harassment: tox ? N : 0 });
    return { source: 'jigsaw2018' as const, text: r.comment_text, y, stratum: `${tox}${r.insult}${r.threat}${r.identity_hate}` };
  });
}

/** Davidson: hate → toxic + identity attack; offensive → toxic + profane, not identity attack; neither → all 0. */
function davidson(dir: string): LabelledRow[] {
  return readCsvObjects(path.join(dir, 'davidson2017_labeled.csv')).map((r) => {
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
  return readCsvObjects(path.join(dir, 'olid2019_train.tsv'), '\t').map((r) => {
    let y: number[];
    if (r.subtask_a === 'NOT') y = ALL_ZERO.slice();
    else if (r.subtask_b === 'UNT') y = labels({ toxicity: 1, insult: 0, threat: 0, identityAttack: 0, profanity: 1, harassment: 0 });
    else if (r.subtask_c === 'IND') y = labels({ toxicity: 1, identityAttack: 0, harassment: 1 });
    else if (r.subtask_c === 'GRP') y = labels({ toxicity: 1, harassment: 0 });
    else y = labels({ toxicity: 1, identityAttack: 0, harassment: 0 });
    return { source: 'olid2019' as const, text: r.tweet, y, stratum: `${r.subtask_a}${r.subtask_b}${r.subtask_c}` };
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
  return readCsvObjects(path.join(dir, 'insults2012_train.csv')).map((r) => {
    const v = +r.Insult;
    const y = labels({ toxicity: v ? 1 : N, insult: v, harassment: v });
    return { source: 'insults2012' as const, text: decodeInsultsText(r.Comment), y, stratum: r.Insult };
  });
}

/** UTF-16 offset of every code point offset of `text` (index = code point offset, up to its length). */
export function codePointToUtf16(text: string): number[] {
  const map: number[] = [];
  let u = 0;
  for (const ch of text) {
    map.push(u);
    u += ch.length;
  }
  map.push(u);
  return map;
}

/** Span types of Toxic Spans → heads. "Other Toxicity" types no head of its own. */
const SPAN_TYPES: Record<string, Head> = { Insult: 'insult', Threat: 'threat', 'Identity based Attack': 'identityAttack', 'Profane/Obscene': 'profanity' };
const TYPED_HEADS: Head[] = ['insult', 'threat', 'identityAttack', 'profanity'];

/**
 * Toxic Spans: news comments Civil Comments' raters had already called toxic, re-annotated by about
 * 3 raters each who marked and typed the toxic words. A comment is toxic if most raters marked a
 * span; a typed head is 1 when most raters marked a span of its type, 0 when the comment is toxic
 * and no rater marked that type (the other-typed comments are that head's negatives), else unknown.
 * Harassment and severe toxicity stay unknown. Gold spans: characters most raters marked.
 */
function toxicSpans(dir: string): LabelledRow[] {
  const comments = readCsvObjects(path.join(dir, 'toxicspans2022_comments.csv'));
  const annotations = readCsvObjects(path.join(dir, 'toxicspans2022_annotations.csv'));
  const spans = readCsvObjects(path.join(dir, 'toxicspans2022_spans.csv'));
  const byAnnotation = new Map<string, { type: string; start: number; end: number }[]>();
  for (const s of spans) {
    const list = byAnnotation.get(s.annotation) ?? [];
    list.push({ type: s.type, start: +s.start, end: +s.end });
    byAnnotation.set(s.annotation, list);
  }
  const raters = new Map<string, string[]>();
  for (const a of annotations) {
    const list = raters.get(a.comment_id) ?? [];
    list.push(a.annotation);
    raters.set(a.comment_id, list);
  }
  const rows: LabelledRow[] = [];
  for (const c of comments) {
    const text = c.comment_text;
    const anns = raters.get(c.comment_id) ?? [];
    if (!anns.length || !text.trim()) continue;
    const cp = codePointToUtf16(text);
    const n = anns.length;
    const marked = new Uint16Array(cp.length);
    let anyMarked = 0;
    const typed: Record<string, number> = {};
    for (const a of anns) {
      const list = byAnnotation.get(a) ?? [];
      if (list.length) anyMarked++;
      const types = new Set<string>();
      const chars = new Uint8Array(cp.length);
      for (const s of list) {
        const head = SPAN_TYPES[s.type];
        if (head) types.add(head);
        for (let i = Math.max(0, s.start); i < Math.min(s.end, cp.length - 1); i++) chars[i] = 1;
      }
      for (let i = 0; i < chars.length; i++) marked[i] += chars[i];
      for (const t of types) typed[t] = (typed[t] ?? 0) + 1;
    }
    const toxic = anyMarked * 2 > n;
    const partial: Partial<Record<Head, number>> = { toxicity: toxic ? 1 : N };
    for (const head of TYPED_HEADS) {
      const k = typed[head] ?? 0;
      partial[head] = k * 2 > n ? 1 : k === 0 && toxic ? 0 : N;
    }
    const gold: [number, number][] = [];
    for (let i = 0; i < cp.length - 1; i++) {
      if (marked[i] * 2 <= n) continue;
      const start = cp[i];
      while (i + 1 < cp.length - 1 && marked[i + 1] * 2 > n) i++;
      gold.push([start, cp[i + 1]]);
    }
    const y = labels(partial);
    rows.push({ source: 'toxicspans2022', text, y, stratum: TYPED_HEADS.map((h) => String(y[H[h]])).join(''), spans: gold });
  }
  return rows;
}

/** Reddit incivility: uncivil → toxicity (the only label); civil → all 0. */
function reddit(dir: string): LabelledRow[] {
  return readCsvObjects(path.join(dir, 'reddit_incivility2021.csv')).map((r) => ({
    source: 'reddit2021' as const,
    text: r.comment,
    y: r.correction === '1' ? labels({ toxicity: 1 }) : ALL_ZERO.slice(),
    stratum: r.correction,
  }));
}

/**
 * Wikipedia comments judged with and without their parent (two files, different comments): toxic
 * when at least half the raters said so, else all 0. In-context rows keep their parent.
 */
function wikicontext(dir: string): LabelledRow[] {
  const rows: LabelledRow[] = [];
  for (const [file, part] of [['wikicontext2020_in_context.csv', 'in'], ['wikicontext2020_out_of_context.csv', 'out']] as const) {
    for (const r of readCsvObjects(path.join(dir, file))) {
      const tox = Number(r.label) >= 0.5 ? 1 : 0;
      rows.push({ source: 'wikicontext2020', text: r.text, y: tox ? labels({ toxicity: 1 }) : ALL_ZERO.slice(), stratum: `${part}${tox}`, parent: r.parent || undefined, toxicShare: Number(r.label) });
    }
  }
  return rows;
}

/** Dixon et al.'s Wikipedia toxicity sample: toxic → toxicity; not toxic → all 0. */
function wikitoxicity(dir: string): LabelledRow[] {
  return readCsvObjects(path.join(dir, 'wikitoxicity_nonfuzzed.csv')).map((r) => ({
    source: 'wikitoxicity' as const,
    text: r.comment,
    y: r.toxic === 'True' ? labels({ toxicity: 1 }) : ALL_ZERO.slice(),
    stratum: r.toxic,
  }));
}

const READERS: Record<SourceName, (dir: string) => LabelledRow[]> = {
  jigsaw2018: jigsaw,
  davidson2017: davidson,
  olid2019: olid,
  insults2012: insults,
  toxicspans2022: toxicSpans,
  reddit2021: reddit,
  wikicontext2020: wikicontext,
  wikitoxicity,
};

/** Whether `dir` looks like the shared training folder (tests that need it skip without it). */
export function hasTrainingData(dir: string): boolean {
  return existsSync(path.join(dir, 'jigsaw2018_train_subset.csv'));
}

/** Reads every source (or those named) from `dir` (the shared training folder). */
export function loadTrainingData(dir: string, sources: readonly SourceName[] = SOURCES): LabelledRow[] {
  return sources.flatMap((s) => READERS[s](dir)).filter((r) => r.text.trim() !== '');
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
  /** Toxic Spans' comments train the toxicity head (all positives: risks "news register" = toxic). */
  toxicSpansToxicity: boolean;
  /**
   * Toxic Spans comments in which most raters marked nothing (Civil Comments' crowd called them
   * toxic, the span raters did not) are toxicity 0: the only news-register negatives in the data.
   */
  toxicSpansUnmarkedCivil?: boolean;
  /**
   * Severe toxicity beyond Jigsaw's few severe_toxic rows: threats (Jigsaw, Toxic Spans) and
   * Davidson's hate speech are severe; offensive-only tweets, untargeted OLID swearing and Toxic
   * Spans' comments that are profane or insulting without a threat or identity attack are not.
   */
  severeFromThreatsAndHate?: boolean;
}

export const DEFAULT_LABEL_MAPPING: LabelMapping = { davidsonOffensiveToxic: true, olidUntargetedToxic: true, insultsNegativeNotToxic: false, toxicSpansToxicity: true };

/** Rows relabelled for training under `m` (new arrays; the input is not changed). */
export function relabel(rows: LabelledRow[], m: LabelMapping): LabelledRow[] {
  const tox = H.toxicity;
  return rows.map((r) => {
    if (m.severeFromThreatsAndHate) r = severeRelabel(r);
    if (m.toxicSpansUnmarkedCivil && m.toxicSpansToxicity) r = unmarkedCivil(r);
    let value: number | undefined;
    if (r.source === 'davidson2017' && r.stratum === '1' && !m.davidsonOffensiveToxic) value = N;
    else if (r.source === 'olid2019' && r.stratum.startsWith('OFFUNT') && !m.olidUntargetedToxic) value = N;
    else if (r.source === 'insults2012' && r.stratum === '0' && m.insultsNegativeNotToxic) value = 0;
    else if (r.source === 'toxicspans2022' && !m.toxicSpansToxicity) value = N;
    if (value === undefined) return r;
    const y = r.y.slice();
    y[tox] = value;
    return { ...r, y };
  });
}

/** A Toxic Spans comment most raters marked nothing in: not toxic, and none of the typed labels either (`toxicSpansUnmarkedCivil`). */
function unmarkedCivil(r: LabelledRow): LabelledRow {
  if (r.source !== 'toxicspans2022' || !Number.isNaN(r.y[H.toxicity]) || r.spans?.length) return r;
  return { ...r, y: r.y.map((v, h) => (h === H.toxicity || (TYPED_HEADS.includes(HEADS[h]) && Number.isNaN(v)) ? 0 : v)) };
}

/** The row with severe toxicity read as `severeFromThreatsAndHate` says (the same row when nothing changes). */
function severeRelabel(r: LabelledRow): LabelledRow {
  const y = r.y;
  let severe: number | undefined;
  if (y[H.threat] === 1) severe = 1;
  else if (r.source === 'davidson2017') severe = r.stratum === '0' ? 1 : 0;
  else if (r.source === 'olid2019' && r.stratum.startsWith('OFFUNT')) severe = 0;
  else if (r.source === 'toxicspans2022' && y[H.toxicity] === 1 && y[H.threat] === 0 && y[H.identityAttack] === 0) severe = 0;
  if (severe === undefined || y[H.severeToxicity] === severe) return r;
  const copy = y.slice();
  copy[H.severeToxicity] = severe;
  return { ...r, y: copy };
}
