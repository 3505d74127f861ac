/**
 * Threats of violence aimed at people, from sentence structure (../text/threat-patterns.ts) rather than the
 * model, whose threat head saw 9 positive examples. The threat score becomes max(model, analyzer); the
 * finding quotes the threatening clause and says whom it threatens. Targeting reads `victim` to count a
 * threat at someone in the conversation as harassment.
 */
import { findThreats, mayThreaten, type ThreatMatch, type Victim } from '../text/threat-patterns';
import { quote } from '../text/tokens';
import type { Span } from '../types';
import type { Finding, Phase } from './phase';
import { findTarget } from './target';

/** A threat found by the analyzer, with whom it threatens. */
export interface ThreatFinding extends Finding {
  victim: Victim;
}

/** The analyzer's threat at a reader or participant among `findings`, if any (read by targeting). */
export function threatAtReader(findings: readonly Finding[]): ThreatFinding | undefined {
  return findings.find((f): f is ThreatFinding => 'victim' in f && (f as ThreatFinding).victim.kind === 'reader');
}

export const threatPhase: Phase = {
  name: 'threat',
  run({ comment, context, state }) {
    if (!mayThreaten(state.tokens)) return {}; // no predicate word: no threat, and no participants to collect
    const participants = new Set(
      [context.parent?.author, ...context.thread.map((c) => c.author)]
        .filter((a) => a?.name && a.id !== comment.author.id)
        .map((a) => a!.name!.split(/\s/)[0].toLowerCase()),
    );
    const matches = findThreats(comment.body, state.tokens, { participants });
    if (!matches.length) return {};
    const best = matches.reduce((a, b) => (b.score > a.score ? b : a));
    const spans = merge(matches.map((m) => ({ start: state.tokens[m.from].start, end: state.tokens[m.to - 1].end })));
    const bestSpan = spans.find((s) => s.start <= state.tokens[best.from].start && s.end >= state.tokens[best.to - 1].end)!;
    const message = `Threat of violence aimed at ${whom(best, () => findTarget(comment, state.tokens, context)?.name)}: ${quote(comment.body, [bestSpan], 80)}`;
    const score = Math.max(state.scores.threat ?? 0, best.score);
    const finding: ThreatFinding = { category: 'threat', code: 'THREAT', score: best.score, spans: [bestSpan, ...spans.filter((s) => s !== bestSpan)], message, victim: best.victim };
    return { scores: { ...state.scores, threat: score }, findings: [finding] };
  },
};

/** How a moderator would name the victim. */
function whom({ victim }: ThreatMatch, addressee: () => string | undefined): string {
  if (victim.kind === 'reader') {
    const name = victim.name ?? addressee();
    return name ? `${name.startsWith('@') ? '' : 'another reader, '}${name}` : 'a reader';
  }
  if (victim.kind === 'named') return `a named person, ${victim.name}`;
  return victim.kind === 'people' ? 'a group of people' : 'a person';
}

/** Sorted, overlapping spans joined. */
function merge(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}
