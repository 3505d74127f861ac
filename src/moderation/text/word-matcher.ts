/**
 * Matches a site's banned or suspect word list against a comment's normalised tokens.
 * Entries are normalised like comments, so obfuscated spellings ("sh!t", "f u c k", "b*tch") match, and
 * matching is by whole tokens, so "class" never matches "ass". An entry ending in `*` matches any ending
 * of its last word ("idiot*" → "idiots", "idiotic"). Lookup is one hash probe per token (plus one per
 * prefix length when the list has `*` entries), so a 10,000-entry list costs about as much as an empty one.
 */
import type { Span } from '../types';
import { tokenize, spanOf, type Token } from './tokens';

interface Entry {
  /** The list entry as configured, shown to moderators. */
  word: string;
  tokens: string[];
  prefix: boolean;
}

/** One occurrence of a list entry in the comment. */
export interface WordMatch {
  word: string;
  span: Span;
}

/** A compiled word list; build once per policy (`compileWordList`), reuse for every comment. */
export interface WordMatcher {
  readonly size: number;
  match(tokens: readonly Token[]): WordMatch[];
}

/** Compiles entries into hash indexes keyed by their first normalised token. */
export function compileWordList(words: readonly string[]): WordMatcher {
  const byFirst = new Map<string, Entry[]>();
  const prefixes = new Map<string, Entry[]>();
  const lengths = new Set<number>();
  for (const word of words) {
    const prefix = word.trim().endsWith('*');
    const tokens = tokenize(word.trim().replace(/\*+$/, '')).map((t) => t.norm);
    if (!tokens.length) continue;
    const entry: Entry = { word, tokens, prefix };
    if (prefix && tokens.length === 1) {
      push(prefixes, tokens[0], entry);
      lengths.add(tokens[0].length);
    } else push(byFirst, tokens[0], entry);
  }
  const sortedLengths = [...lengths].sort((a, b) => a - b);
  return {
    size: words.length,
    match(tokens) {
      const out: WordMatch[] = [];
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i].norm;
        for (const e of byFirst.get(t) ?? []) {
          if (sequenceAt(tokens, i, e)) out.push({ word: e.word, span: spanOf(tokens, i, i + e.tokens.length) });
        }
        for (const len of sortedLengths) {
          if (len > t.length) break;
          for (const e of prefixes.get(t.slice(0, len)) ?? []) out.push({ word: e.word, span: spanOf(tokens, i, i + 1) });
        }
      }
      return out;
    },
  };
}

function sequenceAt(tokens: readonly Token[], i: number, e: Entry): boolean {
  if (i + e.tokens.length > tokens.length) return false;
  const last = e.tokens.length - 1;
  for (let k = 1; k <= last; k++) {
    const t = tokens[i + k].norm;
    if (k === last && e.prefix ? !t.startsWith(e.tokens[k]) : t !== e.tokens[k]) return false;
  }
  return true;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
