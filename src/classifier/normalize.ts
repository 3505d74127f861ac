/**
 * Text normalisation for the local classifier. Undoes the usual obfuscations (case, Unicode
 * confusables and styled letters, leetspeak, s p a c e d and fuuuull letters, masked words such as
 * `b*tch` or `bxxxxxx`) and replaces URLs and @mentions with placeholder tokens, so that the
 * features see one spelling per word. Every character of the result keeps the range of the
 * original comment it came from, so explanations can point into what the author wrote.
 */
import type { Span } from '../moderation/types';
import { unmask } from './lexicon';

/** The normalised text: lower-case tokens separated by single spaces. */
export interface NormalizedText {
  text: string;
  /** For each UTF-16 unit of `text`, the original offset where its source starts. */
  start: Int32Array;
  /** For each UTF-16 unit of `text`, the original offset where its source ends (exclusive). */
  end: Int32Array;
}

/** Placeholder tokens; they begin with `_`, which no ordinary token does. */
export const URL_TOKEN = '_url_';
export const USER_TOKEN = '_user_';
export const MASK_TOKEN = '_mask_';

// Letters from other scripts that look like Latin ones and survive NFKD (Cyrillic, Greek, Armenian …).
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i',
  ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g', ı: 'i', ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ŧ: 't',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', γ: 'y', ω: 'w',
  ս: 'u', օ: 'o', ց: 'g', հ: 'h', ո: 'n', 'ʀ': 'r', 'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ɢ': 'g',
  'ʜ': 'h', 'ɪ': 'i', 'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ꜱ': 's', 'ᴛ': 't',
  'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z', '’': "'", '‘': "'", 'ʼ': "'", '`': "'", 'ß': 'ss', 'æ': 'ae',
  'œ': 'oe', 'þ': 'th', '×': 'x',
};

// Leetspeak, applied only inside tokens that are mostly letters (so "2020" and "1st" stay).
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'i' };
// These only count as letters with a letter on both sides ("sh!t", but not "wow!").
const LEET_INNER_ONLY = new Set(['!', '|']);
const MASK_CHARS = new Set(['*', '#', '%', '_']);
// Tokens that are numbers with a unit or a name with a number ("1st", "5pm", "covid19") keep their digits.
const NUMBERISH = /^\d+[a-z]+$|^[a-z]+\d+$/;
const URL_LIKE = /^(?:https?:\/\/|www\.)|^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|io|co|ca|uk|de|ly|me|tv)(?:[/?#]\S*)?$/;
const MENTION = /^\.?@\w/;
const ENTITY = /&(?:(amp|lt|gt|quot|apos|nbsp)|#(\d{1,7})|#x([0-9a-f]{1,6}));/iy;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

const foldCache = new Map<number, string>();

/** Lower-cases and folds one non-ASCII code point to ASCII look-alikes where one exists. */
function foldNonAscii(cp: number): string {
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const ch = String.fromCodePoint(cp);
  let out: string;
  if (/[\p{Cf}\p{M}]/u.test(ch)) out = '';
  else if (/[\p{Zs}\u2028\u2029]/u.test(ch)) out = ' ';
  else {
    out = '';
    for (const c of ch.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()) out += CONFUSABLES[c] ?? c;
    if (/^\s+$/.test(out)) out = ' ';
  }
  foldCache.set(cp, out);
  return out;
}

function isLetter(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 128) return code >= 97 && code <= 122;
  return /\p{L}/u.test(c);
}

function isWordChar(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
  return /[\p{L}\p{N}]/u.test(c);
}

function isSymbol(c: string): boolean {
  return c.charCodeAt(0) >= 128 && /[\p{S}\p{Extended_Pictographic}]/u.test(c);
}

/** A token under construction: characters with the original range each came from. */
interface Word {
  chars: string[];
  s: number[];
  e: number[];
  special: boolean;
}

/** Collapses runs of three or more equal letters to one ("fuuuuck" → "fuck", "sooo" → "so"). */
function collapseRepeats(w: Word): void {
  const { chars, s, e } = w;
  let out = 0;
  for (let i = 0; i < chars.length; ) {
    let j = i + 1;
    while (j < chars.length && chars[j] === chars[i]) j++;
    const run = j - i;
    const keep = run >= 3 && isLetter(chars[i]) ? 1 : run;
    for (let k = 0; k < keep; k++) {
      chars[out] = chars[i + k];
      s[out] = s[i + k];
      e[out] = keep === 1 && run >= 3 ? e[j - 1] : e[i + k];
      out++;
    }
    i = j;
  }
  chars.length = s.length = e.length = out;
}

/** Splits one whitespace-free raw token into words (after leetspeak and un-masking). */
function wordsOfToken(chars: string[], s: number[], e: number[], out: Builder): void {
  const raw = chars.join('');
  if (raw === 'rt') return; // retweet marker: a source artefact, not language
  if (raw === 'url' || URL_LIKE.test(raw)) {
    out.push({ chars: [URL_TOKEN], s: [s[0]], e: [e[e.length - 1]], special: true });
    return;
  }
  if (MENTION.test(raw)) {
    out.push({ chars: [USER_TOKEN], s: [s[0]], e: [e[e.length - 1]], special: true });
    return;
  }
  const t = chars.slice();
  let letters = 0;
  let digits = 0;
  for (const c of t) {
    if (isLetter(c)) letters++;
    else if (c >= '0' && c <= '9') digits++;
  }
  if (letters >= 2 && (digits === 0 || !NUMBERISH.test(raw))) {
    for (let i = 0; i < t.length; i++) {
      const to = LEET[t[i]];
      if (!to) continue;
      const before = isLetter(chars[i - 1]) || (i > 0 && LEET[chars[i - 1]] !== undefined && isLetter(chars[i - 2]));
      const after = isLetter(chars[i + 1]) || (LEET[chars[i + 1]] !== undefined && isLetter(chars[i + 2]));
      if (LEET_INNER_ONLY.has(t[i]) ? before && after : before || after) t[i] = to;
    }
  }
  // Segments: runs of word and mask characters; apostrophes inside words vanish ("don't" → "dont").
  let seg: Word | undefined;
  let masked = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    const dashRun = c === '-' && (t[i + 1] === '-' || t[i - 1] === '-');
    if (isWordChar(c) || MASK_CHARS.has(c) || dashRun) {
      seg ??= { chars: [], s: [], e: [], special: false };
      if (!isWordChar(c)) masked = true;
      seg.chars.push(c);
      seg.s.push(s[i]);
      seg.e.push(e[i]);
    } else if (c === "'" && seg && isWordChar(t[i + 1] ?? '')) {
      continue;
    } else {
      if (seg && seg.chars.length) emitSegment(seg, masked, out);
      seg = undefined;
      masked = false;
      if (isSymbol(c)) out.push({ chars: [c], s: [s[i]], e: [e[i]], special: false });
    }
  }
  if (seg && seg.chars.length) emitSegment(seg, masked, out);
}

function emitSegment(seg: Word, masked: boolean, out: Builder): void {
  const word = seg.chars.join('');
  let pattern: string | undefined;
  if (masked) pattern = seg.chars.map((c) => (isWordChar(c) ? c : '?')).join('');
  else if (/^[a-wyz]x{3,}$/.test(word)) pattern = word[0] + '?'.repeat(word.length - 1);
  if (pattern !== undefined) {
    if (!/[^?]/.test(pattern)) {
      out.push({ chars: [MASK_TOKEN], s: [seg.s[0]], e: [seg.e[seg.e.length - 1]], special: true });
      return;
    }
    const restored = unmask(pattern);
    if (restored) {
      out.push({ chars: [...restored], s: seg.s, e: seg.e, special: false });
      return;
    }
    if (masked) {
      // Unknown masked word: keep its visible letters.
      const keep = seg.chars.map((c, i) => (isWordChar(c) ? i : -1)).filter((i) => i >= 0);
      seg = { chars: keep.map((i) => seg.chars[i]), s: keep.map((i) => seg.s[i]), e: keep.map((i) => seg.e[i]), special: false };
    }
  }
  collapseRepeats(seg);
  out.push(seg);
}

// The Builder's output, reused from call to call (normalize is synchronous and not re-entrant):
// UTF-16 code units of the normalised text and, for each, the original range it came from.
let outCodes = new Uint16Array(1024);
let outStart = new Int32Array(1024);
let outEnd = new Int32Array(1024);

/** Collects words into the normalised text, merging runs of single letters ("f u c k", "f.u.c.k"). */
class Builder {
  private length = 0;
  private singles: Word[] = [];

  constructor(capacity: number) {
    if (outCodes.length < capacity) this.grow(capacity);
  }

  private grow(size: number): void {
    const c = new Uint16Array(size);
    c.set(outCodes.subarray(0, this.length));
    const s = new Int32Array(size);
    s.set(outStart.subarray(0, this.length));
    const e = new Int32Array(size);
    e.set(outEnd.subarray(0, this.length));
    [outCodes, outStart, outEnd] = [c, s, e];
  }

  /** Appends one UTF-16 unit that came from original [from, to). */
  private unit(code: number, from: number, to: number): void {
    if (this.length === outCodes.length) this.grow(this.length * 2 + 16);
    outCodes[this.length] = code;
    outStart[this.length] = from;
    outEnd[this.length++] = to;
  }

  /** A plain word: folded units [a, b) (fold's buffers), with their offsets. */
  pushRange(a: number, b: number): void {
    if (this.singles.length) this.flushSingles();
    this.separator();
    for (let k = a; k < b; k++) this.unit(foldCodes[k], foldStart[k], foldEnd[k]);
  }

  push(w: Word): void {
    if (!w.special && w.chars.length === 1 && isLetter(w.chars[0])) {
      this.singles.push(w);
      return;
    }
    if (this.singles.length) this.flushSingles();
    this.emit(w);
  }

  private separator(): void {
    if (!this.length) return;
    const last = outEnd[this.length - 1];
    this.unit(32, last, last);
  }

  private emit(w: Word): void {
    this.separator();
    for (let i = 0; i < w.chars.length; i++) {
      const c = w.chars[i];
      for (let k = 0; k < c.length; k++) this.unit(c.charCodeAt(k), w.s[i], w.e[i]);
    }
  }

  private flushSingles(): void {
    const run = this.singles;
    this.singles = [];
    let i = 0;
    // "what a f u c k": a leading "a" or "i" is its own word when the rest is a known one.
    if (run.length >= 4 && (run[0].chars[0] === 'a' || run[0].chars[0] === 'i')) {
      const rest = run.slice(1).map((w) => w.chars[0]).join('');
      if (unmask(rest) === rest) this.emit(run[i++]);
    }
    if (run.length - i < 3) {
      for (; i < run.length; i++) this.emit(run[i]);
      return;
    }
    const merged: Word = { chars: [], s: [], e: [], special: false };
    for (; i < run.length; i++) {
      merged.chars.push(run[i].chars[0]);
      merged.s.push(run[i].s[0]);
      merged.e.push(run[i].e[0]);
    }
    collapseRepeats(merged);
    this.emit(merged);
  }

  finish(): NormalizedText {
    if (this.singles.length) this.flushSingles();
    const n = this.length;
    // One allocation for both offset arrays; the text is decoded from the code units in one call.
    const ranges = new Int32Array(2 * n);
    ranges.set(outStart.subarray(0, n));
    ranges.set(outEnd.subarray(0, n), n);
    const text = Buffer.from(outCodes.buffer, 0, n * 2).toString('utf16le');
    return { text, start: ranges.subarray(0, n), end: ranges.subarray(n, 2 * n) };
  }
}

// fold's output buffers, reused from call to call (normalize is synchronous and not re-entrant).
let foldCodes = new Uint16Array(1024);
let foldStart = new Int32Array(1024);
let foldEnd = new Int32Array(1024);

/** Grows fold's buffers to at least `size`, keeping their first `n` entries. */
function growFold(size: number, n: number): void {
  const c = new Uint16Array(size);
  c.set(foldCodes.subarray(0, n));
  const s = new Int32Array(size);
  s.set(foldStart.subarray(0, n));
  const e = new Int32Array(size);
  e.set(foldEnd.subarray(0, n));
  [foldCodes, foldStart, foldEnd] = [c, s, e];
}

/** Appends `folded` at n, each unit from original [from, to); returns the new length. */
function addFolded(n: number, folded: string, from: number, to: number): number {
  if (n + folded.length >= foldCodes.length) growFold((n + folded.length + 1) * 2, n);
  for (let k = 0; k < folded.length; k++) {
    foldCodes[n] = folded.charCodeAt(k);
    foldStart[n] = from;
    foldEnd[n++] = to;
  }
  return n;
}

/**
 * Folds every character (case, confusables, entities, whitespace) keeping its original range: the
 * folded text, with the ranges in foldStart/foldEnd (valid until the next call).
 */
function fold(original: string): string {
  if (foldCodes.length < original.length * 2 + 8) growFold(original.length * 2 + 8, 0);
  let n = 0;
  for (let i = 0; i < original.length; ) {
    const code = original.charCodeAt(i);
    if (code < 128) {
      if (n >= foldCodes.length) n = addFolded(n, '', i, i + 1);
      if (code === 38) {
        ENTITY.lastIndex = i;
        const m = ENTITY.exec(original);
        if (m) {
          const cp = m[1] ? NAMED_ENTITIES[m[1].toLowerCase()].codePointAt(0)! : m[2] ? Number(m[2]) : parseInt(m[3], 16);
          const folded = cp < 128 ? String.fromCharCode(cp).toLowerCase() : cp <= 0x10ffff ? foldNonAscii(cp) : '';
          n = addFolded(n, folded.replace(/\s/g, ' '), i, i + m[0].length);
          i += m[0].length;
          continue;
        }
      }
      foldCodes[n] = code <= 32 || code === 127 ? 32 : code >= 65 && code <= 90 ? code + 32 : code;
      foldStart[n] = i;
      foldEnd[n++] = i + 1;
      i++;
    } else {
      const cp = original.codePointAt(i)!;
      const len = cp > 0xffff ? 2 : 1;
      n = addFolded(n, foldNonAscii(cp), i, i + len);
      i += len;
    }
  }
  return Buffer.from(foldCodes.buffer, 0, n * 2).toString('utf16le');
}

const OPENING = new Set([34, 39, 40]); // " ' (
const CLOSING = new Set([34, 39, 41, 46, 44, 33, 63, 59, 58]); // " ' ) . , ! ? ; :

/**
 * The fast path: a token of plain lower-case ASCII letters (no run of three) with at most simple
 * punctuation around it. Returns [from, to) of the letters, or undefined for the slow path.
 */
function plainRange(text: string, a: number, b: number): [number, number] | undefined {
  while (a < b && OPENING.has(text.charCodeAt(a))) a++;
  while (b > a && CLOSING.has(text.charCodeAt(b - 1))) b--;
  let prev = -1;
  let run = 0;
  for (let k = a; k < b; k++) {
    const c = text.charCodeAt(k);
    if (c < 97 || c > 122) return undefined;
    run = c === prev ? run + 1 : 1;
    if (run >= 3) return undefined;
    prev = c;
  }
  const len = b - a;
  if (len <= 1) return undefined; // single letters may be part of "f u c k"; empty: punctuation only
  if (len === 2 && text.startsWith('rt', a)) return undefined;
  if (len === 3 && text.startsWith('url', a)) return undefined;
  return [a, b];
}

/** Normalises a comment; see the module comment for what is undone. */
export function normalize(original: string): NormalizedText {
  const text = fold(original);
  const fs = foldStart;
  const fe = foldEnd;
  const out = new Builder(text.length + 16);
  for (let a = 0; a < text.length; ) {
    if (text.charCodeAt(a) === 32) {
      a++;
      continue;
    }
    let b = text.indexOf(' ', a);
    if (b < 0) b = text.length;
    const plain = plainRange(text, a, b);
    if (plain) out.pushRange(plain[0], plain[1]);
    else {
      const chars: string[] = [];
      const s: number[] = [];
      const e: number[] = [];
      for (let k = a; k < b; k++) {
        const c = text.charCodeAt(k);
        // Keep surrogate pairs together as one character.
        if (c >= 0xd800 && c <= 0xdbff && k + 1 < b) {
          chars.push(text.slice(k, k + 2));
          s.push(fs[k]);
          e.push(fe[k + 1]);
          k++;
        } else {
          chars.push(text[k]);
          s.push(fs[k]);
          e.push(fe[k]);
        }
      }
      wordsOfToken(chars, s, e, out);
    }
    a = b;
  }
  return out.finish();
}

/** Maps a range [from, to) of the normalised text back to a span of the original comment. */
export function toOriginalSpan(n: NormalizedText, from: number, to: number): Span {
  return { start: n.start[from], end: n.end[to - 1] };
}
