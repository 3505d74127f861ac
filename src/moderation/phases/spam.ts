/**
 * Spam and promotion: links to unrelated sites, money and contact bait (each signal raises the score);
 * and the same text posted repeatedly on the site or in this thread (REPEAT_POST).
 */
import type { Span } from '../types';
import { clamp01, type Finding, type Phase } from './phase';

const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"')]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|xyz|ru|io|co|ly|me|top|click|shop|online|site|app)\b(?:\/[^\s<>"')]*)?/gi;
const BAIT: Array<[string, RegExp]> = [
  ['money bait', /\$\s?\d[\d,]*(?:\s?(?:a|per)\s(?:day|week|month|hour))|\b(?:earn|make)\s(?:money|cash|\$)|\b(?:work|working)\s(?:from|at)\shome\b|\b(?:bitcoin|crypto|forex)\s(?:profit|invest\w*|trading|signals?)\b|\bfree\s(?:gift|money|iphone|trial)\b|\b(?:casino|viagra|cialis|payday loans?)\b/gi],
  ['contact bait', /\b(?:whats\s?app|telegram|dm me|text me|contact me|call me|email me)\b|[\w.+-]+@[\w-]+\.[a-z]{2,}|\+?\d[\d\s().-]{8,}\d/gi],
  ['click bait', /\b(?:click here|visit my|check out my|sign up (?:now|today|here)|subscribe to my|follow my (?:page|channel))\b/gi],
];
/**
 * Contact bait for a body without "@": its e-mail alternative cannot match there, and the rest matches exactly
 * where the whole does (an alternative that never matches changes no match); it is the costly one, trying every word.
 */
const CONTACT_WITHOUT_EMAIL = /\b(?:whats\s?app|telegram|dm me|text me|contact me|call me|email me)\b|\+?\d[\d\s().-]{8,}\d/gi;
const LINK_SCORE = 0.4;
const BAIT_SCORE = 0.5;

export const spamPhase: Phase = {
  name: 'spam',
  run({ comment, context, policy, state }) {
    const settings = policy.policy.spam;
    const body = comment.body;
    const spans: Span[] = [];
    let links = 0;
    let own: Set<string> | undefined; // the site's own hosts, needed only when the body has a link
    for (const m of body.matchAll(LINK)) {
      own ??= new Set([...settings.allowedDomains, hostOf(context.article?.url ?? '')].filter(Boolean).map(bare));
      if (own.has(bare(hostOf(m[0])))) continue;
      links++;
      spans.push({ start: m.index, end: m.index + m[0].length });
    }
    let what = links ? `${links} link(s) to other sites` : '';
    let keep = 1;
    for (let i = 0; i < Math.min(2, links); i++) keep *= 1 - LINK_SCORE;
    let baits = 0;
    for (let b = 0; b < BAIT.length; b++) {
      const [label, pattern] = BAIT[b];
      const re = b === 1 && !body.includes('@') ? CONTACT_WITHOUT_EMAIL : pattern;
      const before = spans.length;
      for (const m of body.matchAll(re)) spans.push({ start: m.index, end: m.index + m[0].length });
      if (spans.length === before) continue;
      baits++;
      what = what ? `${what}, ${label}` : label;
    }
    for (let i = 0; i < baits; i++) keep *= 1 - BAIT_SCORE;
    const spam = links || baits ? clamp01(1 - keep * (1 - 0.3 * (state.scores.offTopic ?? 0))) : 0;
    const findings: Finding[] = [{ category: 'spam', code: 'SPAM', score: spam, spans, message: `Promotion: ${what || 'none'}` }];
    // The tokens' norms joined by spaces are non-empty (as they were tested before): two tokens, or one with a norm.
    const hasNorm = state.tokens.length > 1 || (state.tokens.length === 1 && state.tokens[0].norm !== '');
    if ((state.tokens.length >= settings.minRepeatWords || links) && hasNorm) {
      const mine = squash(body);
      let repeats = context.repeatCount;
      for (const c of context.thread) if (squashesTo(c.body, mine)) repeats++;
      if (repeats >= settings.repeatFlagAt) {
        const action = repeats >= settings.repeatRejectAt ? 'reject' : 'flag';
        const score = clamp01(repeats / settings.repeatRejectAt);
        findings.push({ code: 'REPEAT_POST', action, score, spans: [], message: `Same text posted ${repeats} time(s) before on this site` });
      }
    }
    return { scores: { ...state.scores, spam }, findings };
  },
};

export const squash = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

const SPACE = /\s/;
const isAsciiSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const asciiLower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
/** Code units whose lower case depends on their neighbours (final sigma) or is not one code unit: `squash` decides. */
const needsWholeString = (c: number, lower: string) => c === 0x3a3 || (c >= 0xd800 && c <= 0xdfff) || lower.length !== 1;

/**
 * `squash(body) === squashed`, without building `squash(body)`: walks `body` collapsing white space and
 * lower-casing as it compares, so the thread comments that differ (nearly all) stop at their first
 * difference and allocate nothing. Characters whose lower case needs the whole string go to `squash`.
 */
export function squashesTo(body: string, squashed: string): boolean {
  if (endsDiffer(body, squashed)) return false;
  let j = 0;
  let space = false;
  for (let i = 0; i < body.length; i++) {
    let c = body.charCodeAt(i);
    if (c < 128) {
      if (isAsciiSpace(c)) {
        space = j > 0;
        continue;
      }
      c = asciiLower(c);
    } else {
      const ch = body[i];
      if (SPACE.test(ch)) {
        space = j > 0;
        continue;
      }
      const lower = ch.toLowerCase();
      if (needsWholeString(c, lower)) return squash(body) === squashed;
      c = lower.charCodeAt(0);
    }
    if (space) {
      if (squashed.charCodeAt(j++) !== 32) return false;
      space = false;
    }
    if (squashed.charCodeAt(j++) !== c) return false;
  }
  return j === squashed.length;
}

/**
 * The last characters first (texts that share an opening, or a template, often differ at the end): true when
 * up to 16 of them, ASCII only, already tell `squash(body)` from `squashed`. An ASCII letter's lower case
 * needs no context, so a suffix of ASCII characters and spaces squashes on its own; anything else ends the check.
 */
function endsDiffer(body: string, squashed: string): boolean {
  let i = body.length - 1;
  let j = squashed.length - 1;
  while (i >= 0 && isAsciiSpace(body.charCodeAt(i))) i--;
  let space = false;
  for (let seen = 0; i >= 0 && seen < END_CHARS; i--) {
    const c = body.charCodeAt(i);
    if (c >= 128) return false;
    if (isAsciiSpace(c)) {
      space = true;
      continue;
    }
    if (space) {
      if (squashed.charCodeAt(j--) !== 32) return true;
      space = false;
    }
    if (squashed.charCodeAt(j--) !== asciiLower(c)) return true;
    seen++;
  }
  return false;
}
const END_CHARS = 16;

function hostOf(url: string): string {
  return url.replace(/^[a-z]+:\/\//i, '').split(/[/?#:]/)[0].toLowerCase();
}
const bare = (host: string) => host.replace(/^www\./, '');
