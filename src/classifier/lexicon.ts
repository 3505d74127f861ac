/**
 * Abusive words the normaliser uses to restore masked spellings (`f**k`, `b*tch`, `bxxxxxx`).
 * Only for un-masking: the model learns its own weights; this list is never a score by itself.
 * Order matters: the first word of the right length whose visible letters fit wins.
 */
export const MASKABLE_WORDS: readonly string[] = [
  'fuck', 'fucking', 'fucked', 'fucker', 'fuckers', 'fucks', 'motherfucker', 'shit', 'shits', 'shitty', 'bullshit',
  'bitch', 'bitches', 'bastard', 'bastards', 'cunt', 'cunts', 'dick', 'dicks', 'dickhead', 'cock', 'pussy', 'asshole',
  'assholes', 'ass', 'arse', 'arsehole', 'damn', 'crap', 'slut', 'sluts', 'whore', 'whores', 'twat', 'wanker', 'prick',
  'piss', 'pissed', 'hell', 'douche', 'douchebag', 'nigger', 'niggers', 'nigga', 'niggas', 'faggot', 'faggots', 'fag',
  'fags', 'retard', 'retarded', 'retards', 'idiot', 'idiots', 'moron', 'morons', 'stupid', 'dumbass', 'jackass', 'hoe',
  'hoes', 'spic', 'kike', 'chink', 'tranny', 'dyke', 'scum', 'loser', 'losers', 'suck', 'sucks', 'kill',
];

const BY_LENGTH = new Map<number, string[]>();
for (const w of MASKABLE_WORDS) {
  const list = BY_LENGTH.get(w.length) ?? [];
  list.push(w);
  BY_LENGTH.set(w.length, list);
}

/**
 * Restores a masked word: `pattern` holds letters and `?` for masked positions. Returns the first
 * lexicon word of the same length that agrees on every visible letter, or undefined.
 */
export function unmask(pattern: string): string | undefined {
  const candidates = BY_LENGTH.get(pattern.length);
  if (!candidates) return undefined;
  let visible = 0;
  for (let i = 0; i < pattern.length; i++) if (pattern[i] !== '?') visible++;
  if (visible === 0) return undefined;
  outer: for (const word of candidates) {
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i];
      if (p !== '?' && p !== word[i]) continue outer;
    }
    return word;
  }
  return undefined;
}
