/**
 * Dehumanising statements about a group, found on normalised tokens: a group as the subject ("they",
 * "these people", "those immigrants", "Muslims"), a copula that asserts ("are", "are nothing but", "act
 * like", "breed like"; "are not" does not) and, a few words on, a word that denies people their humanity
 * ("animals", "primates", "vermin", "subhuman", "uncivilized"). The model misses such statements when
 * they come in a polite register; they are for a person to judge, so the score flags and never rejects.
 */
import type { Token } from './tokens';

/** One statement: tokens [from, to). */
export interface DehumanizingMatch {
  from: number;
  to: number;
}

/** The score a match gives: above the identity-attack flag threshold, below its reject threshold. */
export const DEHUMANIZING_SCORE = 0.8;

const PRONOUNS = new Set(['they', 'them']);
/** "they're" normalises to one token that is subject and copula at once. */
const PRONOUN_COPULAS = new Set(['theyre', 'theyll']);
const DETERMINERS = new Set(['these', 'those', 'such', 'all', 'most', 'many', 'the', 'some']);
const GROUPS = new Set(
  (
    'people folks immigrants migrants refugees foreigners asylum seekers muslims jews christians hindus blacks whites asians arabs ' +
    'africans mexicans hispanics latinos indians chinese gypsies roma natives aboriginals minorities illegals aliens gays lesbians ' +
    'homosexuals transgenders women men feminists protesters'
  ).split(' '),
);
const ADVERBS = new Set(['all', 'just', 'really', 'simply', 'truly', 'basically', 'literally', 'still', 'always']);
/** Copulas, as token sequences. */
const COPULAS = [['are'], ['r'], ['were'], ['remain'], ['act', 'like'], ['behave', 'like'], ['breed', 'like'], ['live', 'like']];
const NEGATIONS = new Set(['not', 'never', 'arent', 'no', 'hardly']);
const TERMS = new Set(
  (
    'animals animal beasts primates primate apes monkeys baboons gorillas vermin rats roaches cockroaches parasites leeches maggots ' +
    'insects lice savages savage subhuman subhumans uncivilized uncivilised barbarians barbaric filth scum plague disease cancer ' +
    'infestation rabbits dogs pigs swine'
  ).split(' '),
);
/** Words the term may follow after the copula ("are nothing but a plague", "are like dirty rats"). */
const WINDOW = 4;

/** Every dehumanising statement about a group in `tokens`. */
export function findDehumanizing(tokens: readonly Token[]): DehumanizingMatch[] {
  const out: DehumanizingMatch[] = [];
  if (!hasTerm(tokens)) return out;
  for (let i = 0; i < tokens.length; i++) {
    const subject = subjectAt(tokens, i);
    if (subject < 0) continue;
    let j = subject;
    if (!PRONOUN_COPULAS.has(tokens[i].norm)) {
      while (j < tokens.length && ADVERBS.has(tokens[j].norm)) j++;
      const copula = COPULAS.find((c) => c.every((w, k) => tokens[j + k]?.norm === w));
      if (!copula) continue;
      j += copula.length;
    }
    if (tokens[j] && NEGATIONS.has(tokens[j].norm) && tokens[j + 1]?.norm !== 'better') continue;
    for (let k = j; k < Math.min(tokens.length, j + WINDOW); k++) {
      if (!TERMS.has(tokens[k].norm)) continue;
      out.push({ from: i, to: k + 1 });
      i = k;
      break;
    }
  }
  return out;
}

/** Whether any token is one of TERMS, which every statement ends with. */
function hasTerm(tokens: readonly Token[]): boolean {
  for (let i = 0; i < tokens.length; i++) if (TERMS.has(tokens[i].norm)) return true;
  return false;
}

/** Where the token after a group subject starting at `i` is, or -1 when no group subject starts there. */
function subjectAt(tokens: readonly Token[], i: number): number {
  const w = tokens[i].norm;
  if (PRONOUN_COPULAS.has(w)) return i + 1;
  if (PRONOUNS.has(w)) return i + 1;
  if (DETERMINERS.has(w) && tokens[i + 1] && GROUPS.has(tokens[i + 1].norm)) return i + 2;
  if (GROUPS.has(w) && (i === 0 || !DETERMINERS.has(tokens[i - 1].norm))) return i + 1;
  return -1;
}
