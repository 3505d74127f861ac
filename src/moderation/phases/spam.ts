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
const LINK_SCORE = 0.4;
const BAIT_SCORE = 0.5;

export const spamPhase: Phase = {
  name: 'spam',
  run({ comment, context, policy, state }) {
    const settings = policy.policy.spam;
    const own = new Set([...settings.allowedDomains, hostOf(context.article?.url ?? '')].filter(Boolean).map(bare));
    const links = [...comment.body.matchAll(LINK)].filter((m) => !own.has(bare(hostOf(m[0]))));
    const baits = BAIT.map(([label, re]) => [label, [...comment.body.matchAll(re)]] as const).filter(([, ms]) => ms.length);
    let keep = 1;
    for (let i = 0; i < Math.min(2, links.length); i++) keep *= 1 - LINK_SCORE;
    for (let i = 0; i < baits.length; i++) keep *= 1 - BAIT_SCORE;
    const spam = links.length || baits.length ? clamp01(1 - keep * (1 - 0.3 * (state.scores.offTopic ?? 0))) : 0;
    const spans: Span[] = [...links, ...baits.flatMap(([, ms]) => ms)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
    const what = [links.length ? `${links.length} link(s) to other sites` : '', ...baits.map(([label]) => label)].filter(Boolean).join(', ');
    const findings: Finding[] = [{ category: 'spam', code: 'SPAM', score: spam, spans, message: `Promotion: ${what || 'none'}` }];
    const norm = state.tokens.map((t) => t.norm).join(' ');
    const mine = squash(comment.body);
    // Cheap ends check first: most thread comments differ in their first or last character.
    const inThread = context.thread.filter((c) => sameEnds(c.body, mine) && squash(c.body) === mine).length;
    const repeats = context.repeatCount + inThread;
    if ((state.tokens.length >= settings.minRepeatWords || links.length) && norm && repeats >= settings.repeatFlagAt) {
      const action = repeats >= settings.repeatRejectAt ? 'reject' : 'flag';
      const score = clamp01(repeats / settings.repeatRejectAt);
      findings.push({ code: 'REPEAT_POST', action, score, spans: [], message: `Same text posted ${repeats} time(s) before on this site` });
    }
    return { scores: { ...state.scores, spam }, findings };
  },
};

const squash = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');
function sameEnds(body: string, squashed: string): boolean {
  const t = body.trim();
  return t.length > 0 && squashed.startsWith(t[0].toLowerCase()) && squashed.endsWith(t[t.length - 1].toLowerCase());
}

function hostOf(url: string): string {
  return url.replace(/^[a-z]+:\/\//i, '').split(/[/?#:]/)[0].toLowerCase();
}
const bare = (host: string) => host.replace(/^www\./, '');
