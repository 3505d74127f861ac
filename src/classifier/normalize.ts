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
function wordsOfToken(chars: string[], s: number[], e: number[], push: (w: Word) => void): void {
  const raw = chars.join('');
  if (raw === 'rt') return; // retweet marker: a source artefact, not language
  if (raw === 'url' || URL_LIKE.test(raw)) {
    push({ chars: [URL_TOKEN], s: [s[0]], e: [e[e.length - 1]], special: true });
    return;
  }
  if (MENTION.test(raw)) {
    push({ chars: [USER_TOKEN], s: [s[0]], e: [e[e.length - 1]], special: true });
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
  const flush = (): void => {
    if (seg && seg.chars.length) emitSegment(seg, masked, push);
    seg = undefined;
    masked = false;
  };
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
      flush();
      if (isSymbol(c)) push({ chars: [c], s: [s[i]], e: [e[i]], special: false });
    }
  }
  flush();
}

function emitSegment(seg: Word, masked: boolean, push: (w: Word) => void): void {
  const word = seg.chars.join('');
  let pattern: string | undefined;
  if (masked) pattern = seg.chars.map((c) => (isWordChar(c) ? c : '?')).join('');
  else if (/^[a-wyz]x{3,}$/.test(word)) pattern = word[0] + '?'.repeat(word.length - 1);
  if (pattern !== undefined) {
    if (!/[^?]/.test(pattern)) {
      push({ chars: [MASK_TOKEN], s: [seg.s[0]], e: [seg.e[seg.e.length - 1]], special: true });
      return;
    }
    const restored = unmask(pattern);
    if (restored) {
      push({ chars: [...restored], s: seg.s, e: seg.e, special: false });
      return;
    }
    if (masked) {
      // Unknown masked word: keep its visible letters.
      const keep = seg.chars.map((c, i) => (isWordChar(c) ? i : -1)).filter((i) => i >= 0);
      seg = { chars: keep.map((i) => seg.chars[i]), s: keep.map((i) => seg.s[i]), e: keep.map((i) => seg.e[i]), special: false };
    }
  }
  collapseRepeats(seg);
  push(seg);
}

/** Merges runs of three or more single letters ("f u c k", "f.u.c.k") into one word. */
function mergeSpacedLetters(words: Word[]): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < words.length; ) {
    let j = i;
    while (j < words.length && !words[j].special && words[j].chars.length === 1 && isLetter(words[j].chars[0])) j++;
    // "what a f u c k": a leading "a" or "i" is its own word when the rest is a known one.
    if (j - i >= 4 && (words[i].chars[0] === 'a' || words[i].chars[0] === 'i')) {
      const rest = words.slice(i + 1, j).map((w) => w.chars[0]).join('');
      if (unmask(rest) === rest) out.push(words[i++]);
    }
    if (j - i >= 3) {
      const merged: Word = { chars: [], s: [], e: [], special: false };
      for (let k = i; k < j; k++) {
        merged.chars.push(words[k].chars[0]);
        merged.s.push(words[k].s[0]);
        merged.e.push(words[k].e[0]);
      }
      collapseRepeats(merged);
      out.push(merged);
      i = j;
    } else {
      out.push(words[i]);
      i++;
    }
  }
  return out;
}

/** Normalises a comment; see the module comment for what is undone. */
export function normalize(original: string): NormalizedText {
  const words: Word[] = [];
  const push = (w: Word): void => {
    words.push(w);
  };
  let chars: string[] = [];
  let s: number[] = [];
  let e: number[] = [];
  const endToken = (): void => {
    if (chars.length) wordsOfToken(chars, s, e, push);
    chars = [];
    s = [];
    e = [];
  };
  const add = (folded: string, from: number, to: number): void => {
    for (const c of folded) {
      if (c === ' ') endToken();
      else {
        chars.push(c);
        s.push(from);
        e.push(to);
      }
    }
  };
  for (let i = 0; i < original.length; ) {
    const code = original.charCodeAt(i);
    if (code < 128) {
      if (code === 38) {
        ENTITY.lastIndex = i;
        const m = ENTITY.exec(original);
        if (m) {
          const cp = m[1] ? NAMED_ENTITIES[m[1].toLowerCase()].codePointAt(0)! : m[2] ? Number(m[2]) : parseInt(m[3], 16);
          const folded = cp < 128 ? String.fromCharCode(cp).toLowerCase() : cp <= 0x10ffff ? foldNonAscii(cp) : '';
          add(folded, i, i + m[0].length);
          i += m[0].length;
          continue;
        }
      }
      if (code <= 32 || code === 127) endToken();
      else add(code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : original[i], i, i + 1);
      i++;
    } else {
      const cp = original.codePointAt(i)!;
      const len = cp > 0xffff ? 2 : 1;
      add(foldNonAscii(cp), i, i + len);
      i += len;
    }
  }
  endToken();
  return assemble(mergeSpacedLetters(words));
}

function assemble(words: Word[]): NormalizedText {
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  for (const w of words) {
    if (text.length) {
      text += ' ';
      const last = end[end.length - 1];
      start.push(last);
      end.push(last);
    }
    for (let i = 0; i < w.chars.length; i++) {
      const c = w.chars[i];
      text += c;
      for (let k = 0; k < c.length; k++) {
        start.push(w.s[i]);
        end.push(w.e[i]);
      }
    }
  }
  return { text, start: Int32Array.from(start), end: Int32Array.from(end) };
}

/** Maps a range [from, to) of the normalised text back to a span of the original comment. */
export function toOriginalSpan(n: NormalizedText, from: number, to: number): Span {
  return { start: n.start[from], end: n.end[to - 1] };
}
