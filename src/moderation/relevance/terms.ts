/**
 * Content terms for relevance: normalised tokens minus stop words and placeholders, lightly stemmed so
 * "troops"/"troop" and "deploying"/"deploy" meet. Shared by the analyzer, the eval script and the table builder.
 */
import type { Token } from '../text/tokens';

const STOP = new Set(
  ('a about above after again against all almost also am an and any are as at be because been before being below ' +
    'between both but by can cannot could did do does doing done down during each either else ever every few for ' +
    'from further get gets got had has have having he her here hers herself him himself his how i if in into is it ' +
    'its itself just let lets like made make many may me might more most much must my myself neither no nor not now ' +
    'of off on once one only or other others our ours ourselves out over own per quite rather really same say said ' +
    'says she should since so some still such than that thats the their theirs them themselves then there these ' +
    'they theyre this those though through thus to too under until up upon us very was we were what whats when ' +
    'where whether which while who whom whose why will with within without would yes yet you your youre yours ' +
    'yourself im ive id ill dont doesnt didnt isnt arent wasnt werent cant couldnt wouldnt shouldnt wont hes shes ' +
    'well even way thing things lot lots going go goes went come comes came see seen know knew think thought want ' +
    'need say tell told take took put use used give gave keep kept yeah oh ok okay mr mrs ms etc via ' +
    'two three four five six seven eight nine ten hundred thousand first second third last next ' +
    'agree agreed thank thanks please exactly indeed absolutely true wow lol '
  ).split(/\s+/),
);

/** A stemmed content term and the token it came from. */
export interface Term {
  stem: string;
  index: number;
  /** Capitalised in the original and not sentence-initial: likely a name or place. */
  proper: boolean;
}

/** Crude English suffix stripping, identical on both sides of every comparison. */
export function stem(w: string): string {
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y';
  if (w.endsWith('ing') && w.length > 5) return undouble(w.slice(0, -3));
  if (w.endsWith('ed') && w.length > 4) return undouble(w.slice(0, -2));
  if (w.endsWith('ly') && w.length > 5) return w.slice(0, -2);
  if (w.endsWith('es') && /(?:ss|sh|ch|x|z)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(w) ? w.slice(0, -1) : w;
}

/** Content terms of a token list (letters only, at least 3 characters, no stop words). */
export function contentTerms(tokens: readonly Token[], text?: string): Term[] {
  const out: Term[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.norm.length < 3 || STOP.has(t.norm) || !/^[a-z][a-z-]*$/.test(t.norm)) continue;
    const sentenceStart = i === 0 || (text !== undefined && /[.!?:"“]\s*$/.test(text.slice(Math.max(0, tokens[i - 1].end), t.start)));
    out.push({ stem: stem(t.norm), index: i, proper: t.capital && !sentenceStart });
  }
  return out;
}
