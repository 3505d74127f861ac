/** The site's banned words (reject) and suspect words (flag), matched on normalised tokens. */
import type { Finding, Phase } from './phase';

export const wordsPhase: Phase = {
  name: 'words',
  run({ comment, policy, state }) {
    const findings: Finding[] = [];
    const lists = [
      [policy.banned, 'BANNED_WORD', 'reject', 'Banned word'],
      [policy.suspect, 'SUSPECT_WORD', 'flag', 'Suspect word'],
    ] as const;
    for (const [matcher, code, action, label] of lists) {
      if (!matcher.size) continue;
      const matches = matcher.match(state.tokens);
      if (!matches.length) continue;
      const shown = [...new Set(matches.map((m) => comment.body.slice(m.span.start, m.span.end)))].slice(0, 3);
      const entries = [...new Set(matches.map((m) => m.word))].slice(0, 3);
      const message = `${label} ${shown.map((s) => `"${s}"`).join(', ')} (list: ${entries.join(', ')})`;
      findings.push({ code, action, score: 1, spans: matches.map((m) => m.span), message });
    }
    return { findings };
  },
};
