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

/**
 * Insulting adjectives and nouns aimed at people, for the model's two lexicon features (see
 * features.ts). One feature among many: the model learns how much they count, per label.
 */
export const INSULT_WORDS: readonly string[] = [
  'idiot', 'idiots', 'idiotic', 'moron', 'morons', 'moronic', 'stupid', 'stupidity', 'dumb', 'dumbass', 'dumber',
  'imbecile', 'cretin', 'fool', 'fools', 'foolish', 'ignorant', 'ignoramus', 'pathetic', 'loser', 'losers', 'clown',
  'clowns', 'jerk', 'jerks', 'troll', 'trolls', 'liar', 'liars', 'hypocrite', 'hypocrites', 'hypocritical', 'coward',
  'cowards', 'cowardly', 'scum', 'scumbag', 'dimwit', 'halfwit', 'nitwit', 'dolt', 'dope', 'twit', 'buffoon',
  'retard', 'retarded', 'brainless', 'clueless', 'incompetent', 'useless', 'worthless', 'disgusting', 'disgrace',
  'vile', 'creep', 'creepy', 'lunatic', 'nutjob', 'nutcase', 'wacko', 'freak', 'bigot', 'bigots', 'racist',
  'sexist', 'ugly', 'fat', 'lazy', 'delusional', 'deluded', 'sheep', 'shill', 'hack', 'crook', 'crooks', 'thug',
  'thugs', 'punk', 'parasite', 'parasites', 'pig', 'pigs', 'rat', 'snake', 'garbage', 'trash', 'filth', 'filthy',
  'asshole', 'bastard', 'bitch', 'prick', 'dick', 'douche', 'douchebag', 'wanker', 'twat', 'cunt', 'jackass',
  'arrogant', 'smug', 'pompous', 'whiny', 'crybaby', 'simpleton', 'ignorance', 'sick', 'evil', 'nazi', 'fascist',
];

/** Second-person words; an insulting word shortly after one of them is likely aimed at the reader. */
export const SECOND_PERSON: readonly string[] = ['you', 'your', 'youre', 'yours', 'ur', 'u', 'ya', 'yourself', 'thou'];
