/**
 * Threats of violence against people, found from sentence structure on normalised tokens (so "k1ll",
 * "k i l l" and "sh00t" match): a violence predicate ("kill", "put a bullet in", "be hanged"), a modality
 * that commits to it (intent "I'll", warning "you'd better", wish "I hope", "should") and a person as its
 * victim ("you", "your kids", "@anna", "him", "Putin"). All three must sit in one clause, so news talk such
 * as "the war will kill thousands" or "strike deep into Russia" does not match.
 */
import { USER_TOKEN, type Token } from './tokens';

/** Who is threatened: someone in the conversation (a reader, @mention, participant) or a third party. */
export type VictimKind = 'reader' | 'named' | 'person' | 'people';
export interface Victim {
  kind: VictimKind;
  name?: string;
}

/** One threatening clause: tokens [from, to), its score in [0, 1] and its victim. */
export interface ThreatMatch {
  from: number;
  to: number;
  score: number;
  victim: Victim;
}

/** The highest score the analyzer gives: enough to flag, never to reject on structure alone. */
export const THREAT_CEILING = 0.85;
const LETHAL = 1;
const HARM = 0.85;

// Pattern syntax: words separated by spaces, alternatives by "|"; {P} is a person slot, a leading {S} a
// person subject found before the predicate, a trailing !a|b lists words that must not follow the match.
/** Predicates only people suffer: any person may be the victim (you, him, them, a name). */
const ANYONE: Array<[string, number]> = [
  ['kill|kills|murder|murders|stab|stabs|strangle|strangles|choke|chokes|rape|rapes|slit|behead|lynch {P}', LETHAL],
  ['shoot|shoots {P} !a|an|some|down|up|straight', LETHAL],
  ['hang|hangs {P} !out|up|around|on|with|in|tight', LETHAL],
  ['put a bullet|bullets|knife in|into|through|between {P}', LETHAL],
  ['beat|beats {P} up', HARM],
  ['beat up {P}', HARM],
  ['beat the crap|shit|hell|fuck out of {P}', HARM],
  ['{S} die|dies !out|down|off|laughing', LETHAL],
  ['{S} get|gets cancer|shot|stabbed|killed|murdered|raped|hanged|lynched|executed|beheaded', LETHAL],
  ['{S} be shot|hanged|hung|executed|killed|murdered|lynched|beheaded|stabbed|raped|strangled|tortured', LETHAL],
  ['{S} be lined up and shot', LETHAL],
  ['{S} be burned|burnt alive', LETHAL],
  ['{S} hang|hangs !out|around|on|together|in|up|tight', LETHAL],
];
/** Predicates that also take things ("burn the books", "end the war"): only a reader counts as victim. */
const READER_ONLY: Array<[string, number]> = [
  ['bomb|execute|end {P}', LETHAL],
  ['hurt|burn|break {P} !out', HARM],
  ['make {P} pay|suffer|regret', HARM],
  ['hunt {P} down', HARM],
  ['find {P} !a|an|some|the|out|guilty|interesting|funny|hard|easy|wrong|right', HARM],
  ['watch your|ur back', HARM],
];
/** Threats that carry their own intent. */
const STANDALONE: Array<[string, number]> = [
  ['i|we know where {P} live|lives|sleep|sleeps', HARM],
  ['your|ur days are numbered', HARM],
  ['im|were coming for {P}', HARM],
  ['i|we am|are coming for {P}', HARM],
  ['youre|ur dead meat', HARM],
  ['you are dead meat', HARM],
];
/** Modalities and how strongly each commits the author; "^" anchors at the start of the clause. */
const MODALITIES: Array<[string, number]> = [
  ['ill|id', 1],
  ['i|we will|shall|would|wanna|want|gotta|gonna|must', 1],
  ['i|we am|are gonna|going', 1],
  ['im|ima|were gonna|going', 1],
  ['lets', 1],
  ['^gonna', 1],
  ['youd|you|ud|u better', 0.95],
  ['^better', 0.95],
  ['wait until|till|til', 0.95],
  ['or else', 0.95],
  ['hope|hoping|hopefully|wish|should|must|deserve|deserves|deserved', 0.9],
  ['ought|need|needs to', 0.9],
];

const YOU = new Set(['you', 'u', 'ya', 'yall', 'yourself', 'yourselves', 'thee']);
const POSSESSIVE = new Map<string, VictimKind>([['your', 'reader'], ['ur', 'reader'], ['his', 'person'], ['her', 'person'], ['their', 'people']]);
const POSSESSED = new Set('family kids children child wife husband mother mom mum father dad sister brother son daughter baby friends head face throat neck legs skull brains life house home car dog'.split(' '));
const PRONOUNS = new Map<string, VictimKind>([['him', 'person'], ['her', 'person'], ['he', 'person'], ['she', 'person'], ['them', 'people'], ['they', 'people']]);
/** Skipped between a predicate and its object: "kill all of you", "shoot the two of you". */
const QUANTIFIERS = new Set(['all', 'both', 'each', 'every', 'one', 'of', 'the', 'two', 'three']);
const NOT_NAMES = new Set(['i', 'the', 'a', 'an', 'this', 'that', 'it', 'we', 'if', 'and', 'but', 'god', 'lord', 'jesus', 'someone', 'somebody', 'anyone', 'anybody', 'everyone', 'everybody', 'nobody']);
/** What may follow a name used as an object ("kill Putin and …"); anything else makes it an adjective ("shoot Russian drones"). */
const AFTER_NAME = new Set(['and', 'or', 'now', 'too', 'again', 'if', 'when', 'for', 'with', 'in', 'at', 'on', 'by', 'tonight', 'tomorrow', 'today', 'dead', 'alive', 'myself', 'already', 'soon']);
const NEGATIONS = new Set(['not', 'never', 'no', 'nobody', 'noone', 'none', 'dont', 'doesnt', 'didnt', 'wont', 'wouldnt', 'shouldnt', 'cant', 'cannot', 'couldnt', 'mustnt', 'aint', 'nor', 'hardly']);
/** Words between a negation and the clause it negates ("I don't really think …"). */
const OPINION = new Set(['i', 'think', 'believe', 'say', 'saying', 'mean', 'suppose', 'guess', 'really', 'want']);
/** Who wishes or urges the harm, kept in the quoted clause. */
const SPEAKERS = new Set(['i', 'we', 'someone', 'somebody', 'anyone', 'everyone', 'they']);
/** Words that end the reach of a modality ("… but they will kill …"). */
const BARRIERS = new Set(['but', 'because', 'although', 'though', 'while', 'whereas', 'who', 'which']);
const MAX_GAP = 5;

interface Pattern {
  words: Array<ReadonlySet<string> | 'P'>;
  subject: boolean;
  anchored: boolean;
  not: ReadonlySet<string>;
  weight: number;
  anyone: boolean;
  standalone: boolean;
}

function compile(src: string, weight: number, anyone: boolean, standalone = false): Pattern {
  const parts = src.split(' ');
  const not = parts[parts.length - 1].startsWith('!') ? new Set(parts.pop()!.slice(1).split('|')) : new Set<string>();
  const subject = parts[0] === '{S}';
  const anchored = parts[0].startsWith('^');
  const words = parts.slice(subject ? 1 : 0).map((p) => (p === '{P}' ? ('P' as const) : new Set(p.replace('^', '').split('|'))));
  return { words, subject, anchored, not, weight, anyone, standalone };
}

const PREDICATES = [
  ...ANYONE.map(([s, w]) => compile(s, w, true)),
  ...READER_ONLY.map(([s, w]) => compile(s, w, false)),
  ...STANDALONE.map(([s, w]) => compile(s, w, false, true)),
];
const MODAL = MODALITIES.map(([s, w]) => compile(s, w, false));
/** Predicates by their first word (every pattern starts with a literal word), so most tokens cost one lookup. */
const BY_FIRST = new Map<string, Pattern[]>();
for (const p of PREDICATES) for (const w of p.words[0] as ReadonlySet<string>) BY_FIRST.set(w, [...(BY_FIRST.get(w) ?? []), p]);

/** Clause number of every token: a sentence end, semicolon or line break between two tokens starts a new one. */
function clauses(body: string, tokens: readonly Token[]): number[] {
  let c = 0;
  return tokens.map((t, i) => (i > 0 && /[.!?;\n]/.test(body.slice(tokens[i - 1].end, t.start)) ? ++c : c));
}

/** Context the matcher needs besides the text: participants' names (lower-case first names) for victims. */
export interface ThreatScanOptions {
  participants?: ReadonlySet<string>;
}

/** Whether any token can start a predicate: without one, `findThreats` finds nothing (most comments). */
export function mayThreaten(tokens: readonly Token[]): boolean {
  for (let i = 0; i < tokens.length; i++) if (BY_FIRST.has(tokens[i].norm)) return true;
  return false;
}

/** Finds threatening clauses; the caller merges and explains them. Cost: a few set lookups per token. */
export function findThreats(body: string, tokens: readonly Token[], options: ThreatScanOptions = {}): ThreatMatch[] {
  if (!mayThreaten(tokens)) return [];
  const clause = clauses(body, tokens);
  const inClause = (i: number, c: number) => i >= 0 && i < tokens.length && clause[i] === c;
  const word = (i: number, c: number) => (inClause(i, c) ? tokens[i].norm : '');

  /** A person starting at token i (or a name written there): the victim and where the phrase ends. */
  const personAt = (i: number, c: number, asObject: boolean): { end: number; victim: Victim } | undefined => {
    const w = word(i, c);
    if (!w) return undefined;
    if (YOU.has(w)) return { end: i + 1, victim: { kind: 'reader' } };
    if (w === USER_TOKEN) return { end: i + 1, victim: { kind: 'reader', name: body.slice(tokens[i].start, tokens[i].end) } };
    if (options.participants?.has(w)) return { end: i + 1, victim: { kind: 'reader', name: body.slice(tokens[i].start, tokens[i].end) } };
    const owner = POSSESSIVE.get(w);
    if (owner && POSSESSED.has(word(i + 1, c))) return { end: i + 2, victim: { kind: owner } };
    const pronoun = PRONOUNS.get(w);
    if (pronoun) return { end: i + 1, victim: { kind: pronoun } };
    const written = body.slice(tokens[i].start, tokens[i].end);
    if (!tokens[i].capital || written === written.toUpperCase() || NOT_NAMES.has(w)) return undefined;
    const next = word(i + 1, c);
    if (asObject && next && !tokens[i + 1].capital && !AFTER_NAME.has(next)) return undefined;
    return { end: i + 1, victim: { kind: 'named', name: written } };
  };

  /** Matches pattern p at token i; returns the end and the victim of its {P} slot, if any. */
  const matchAt = (p: Pattern, i: number, c: number): { end: number; victim?: Victim } | undefined => {
    if (p.anchored && inClause(i - 1, c)) return undefined;
    let k = i;
    let victim: Victim | undefined;
    for (const w of p.words) {
      if (w !== 'P') {
        if (!w.has(word(k, c))) return undefined;
        k++;
        continue;
      }
      let at = k;
      while (at < k + 3 && QUANTIFIERS.has(word(at, c))) at++;
      const person = personAt(at, c, true) ?? personAt(k, c, true);
      if (!person) return undefined;
      victim = person.victim;
      k = person.end;
      // "kill you and your family": the clause reaches over coordinated victims.
      for (let more; word(k, c) === 'and' && (more = personAt(k + 1, c, true)); ) k = more.end;
    }
    return p.not.has(word(k, c)) ? undefined : { end: k, victim };
  };

  const out: ThreatMatch[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const c = clause[i];
    for (const p of BY_FIRST.get(tokens[i].norm) ?? []) {
      const m = matchAt(p, i, c);
      if (!m) continue;
      const modal = p.standalone ? { start: i, end: i, weight: 1 } : modalityBefore(i, c);
      if (!modal) continue;
      let victim = m.victim ?? (p.subject ? undefined : { kind: 'reader' as const });
      let from = Math.min(modal.start, i);
      if (p.subject) {
        const s = subjectOf(modal, i, c);
        if (!s) continue;
        victim = s.victim;
        from = Math.min(from, s.start);
      }
      if (!victim || (!p.anyone && victim.kind !== 'reader')) continue;
      if (negated(from, m.end, c)) continue;
      if (SPEAKERS.has(word(from - 1, c))) from--; // quote "I hope you die", not "hope you die"
      const sure = victim.kind === 'people' ? 0.9 : 1;
      out.push({ from, to: m.end, score: THREAT_CEILING * p.weight * modal.weight * sure, victim });
    }
  }
  return out;

  /** The strongest modality ending at most MAX_GAP tokens before token p, with no barrier between. */
  function modalityBefore(p: number, c: number): { start: number; end: number; weight: number } | undefined {
    let best: { start: number; end: number; weight: number } | undefined;
    for (let j = p - 1; j >= 0 && inClause(j, c) && p - j <= MAX_GAP + 3; j--) {
      if (BARRIERS.has(tokens[j].norm)) break;
      for (const m of MODAL) {
        const hit = matchAt(m, j, c);
        if (hit && hit.end <= p && p - hit.end <= MAX_GAP && (!best || m.weight > best.weight)) best = { start: j, end: hit.end, weight: m.weight };
      }
    }
    return best;
  }

  /** The person wished harm: between the modality and the predicate ("I hope you die") or just before the modality ("he should be shot"). */
  function subjectOf(modal: { start: number; end: number }, p: number, c: number): { start: number; victim: Victim } | undefined {
    for (let j = modal.end; j < p; j++) {
      const s = personAt(j, c, false);
      if (s && s.end <= p) return { start: j, victim: s.victim };
    }
    for (let j = modal.start - 1; j >= modal.start - 2; j--) {
      const s = personAt(j, c, false);
      if (s && s.end === modal.start) return { start: j, victim: s.victim };
    }
    return undefined;
  }

  /** A negation inside the match, or one governing it ("I don't think he should be shot"; not "if you don't stop, I'll …"). */
  function negated(from: number, to: number, c: number): boolean {
    for (let j = from; j < to; j++) if (NEGATIONS.has(tokens[j].norm)) return true;
    for (let j = from - 1; j >= from - 3 && inClause(j, c); j--) {
      if (NEGATIONS.has(tokens[j].norm)) return true;
      if (!OPINION.has(tokens[j].norm)) break;
    }
    return false;
  }
}
