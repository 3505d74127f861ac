/**
 * Comment text as tokens: the classifier's normaliser (src/classifier/normalize.ts) undoes obfuscation,
 * and each normalised token keeps the span of the original text it came from.
 */
import { normalize, URL_TOKEN, USER_TOKEN, MASK_TOKEN, type NormalizedText } from '../../classifier/normalize';
import type { Span } from '../types';

export { URL_TOKEN, USER_TOKEN, MASK_TOKEN };

/** One normalised token and where it sits in the original text. */
export interface Token {
  /** Lower-case, de-obfuscated form ("sh!t" → "shit", "f u c k" → "fuck"). */
  norm: string;
  start: number;
  end: number;
  /** The original starts with an upper-case letter (a proper-noun candidate). */
  capital: boolean;
}

/** Tokenises `text` through the shared normaliser; spans point into `text`. */
export function tokenize(text: string): Token[] {
  return tokensOf(text, normalize(text));
}

/** The tokens of `text` from its normalised form `n` (`normalize(text)`, when the caller has it already). */
export function tokensOf(text: string, n: NormalizedText): Token[] {
  const tokens: Token[] = [];
  let from = 0;
  for (let i = 0; i <= n.text.length; i++) {
    if (i < n.text.length && n.text.charCodeAt(i) !== 32) continue;
    if (i > from) {
      const start = n.start[from];
      tokens.push({ norm: n.text.slice(from, i), start, end: n.end[i - 1], capital: isCapital(text, start) });
    }
    from = i + 1;
  }
  return tokens;
}

/** Whether text[i] is a letter with a lower case of its own (ASCII without a string; empty: false). */
function isCapital(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return c >= 65 && c <= 90;
  const first = text[i] ?? '';
  return first !== first.toLowerCase();
}

/** The smallest span covering tokens [from, to). */
export function spanOf(tokens: readonly Token[], from: number, to: number): Span {
  return { start: tokens[from].start, end: tokens[to - 1].end };
}

/** A short quotation of the original text for reason messages. */
export function quote(text: string, spans: readonly Span[], max = 40): string {
  if (!spans.length) return '';
  const s = text.slice(spans[0].start, spans[0].end).replace(/\s+/g, ' ');
  return `"${s.length > max ? s.slice(0, max - 1) + '…' : s}"`;
}
