/**
 * Compiled term models for relevance: a text's content terms as sorted integer ids with TF-IDF weights, its
 * norm and 5-letter prefixes, computed once and reused. Article bodies and thread comments repeat for every
 * comment on an article, so `ContextCache` memoises them by text (bounded; recently used ones kept). Compiling
 * is pure: a cached model scores exactly like a fresh one. The relevance phase, the classify CLI and the eval
 * share `sharedContextCache`; a worker that loads contexts may keep its own `ContextCache` per process.
 */
import { tokenize, type Token } from '../text/tokens';
import { contentTerms } from './terms';
import { specificity } from './background';
import { Memo } from '../memo';

export const PREFIX = 5;

/** Stems ↔ dense integer ids, with each id's specificity (IDF). Models compare only within one vocabulary. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly stems: string[] = [];
  idf: Float64Array = new Float64Array(1024);
  constructor(private readonly specificityOf: (stem: string) => number = specificity) {}

  get size(): number {
    return this.stems.length;
  }

  id(stem: string): number {
    let id = this.ids.get(stem);
    if (id === undefined) {
      id = this.stems.length;
      this.ids.set(stem, id);
      this.stems.push(stem);
      if (id >= this.idf.length) this.idf = grow(this.idf, id);
      this.idf[id] = this.specificityOf(stem);
    }
    return id;
  }
}

function grow(a: Float64Array, index: number): Float64Array {
  const b = new Float64Array(Math.max(a.length * 2, index + 1));
  b.set(a);
  return b;
}

/** One text's content terms, ready for comparison. Immutable once built. */
export interface CompiledText {
  readonly vocabulary: Vocabulary;
  /** Term ids, ascending. */
  readonly ids: Int32Array;
  /** TF-IDF weight of each term (term frequency × specificity), aligned with `ids`. */
  readonly weights: Float64Array;
  /** Squared length of the weight vector. */
  readonly norm2: number;
  /** Stem prefixes of length PREFIX (stems at least that long): "russia" meets "russian". */
  readonly prefixes: ReadonlySet<string>;
  /** Ids of terms written as names or places (capitalised mid-sentence) at least once. */
  readonly proper: ReadonlySet<number>;
  /** Token index of each term's first occurrence, aligned with `ids` (for spans in reasons). */
  readonly firstIndex: Int32Array;
}

/** Builds the model of `text` in `vocabulary`; pass its tokens when they are already known (the comment's own). */
export function compileText(vocabulary: Vocabulary, text: string, tokens: readonly Token[] = tokenize(text)): CompiledText {
  const tf = new Map<number, number>();
  const first = new Map<number, number>();
  const proper = new Set<number>();
  const prefixes = new Set<string>();
  for (const t of contentTerms(tokens, text)) {
    const id = vocabulary.id(t.stem);
    const n = tf.get(id);
    if (n === undefined) {
      tf.set(id, 1);
      first.set(id, t.index);
      if (t.stem.length >= PREFIX) prefixes.add(t.stem.slice(0, PREFIX));
    } else tf.set(id, n + 1);
    if (t.proper) proper.add(id);
  }
  const ids = Int32Array.from(tf.keys()).sort();
  const weights = new Float64Array(ids.length);
  const firstIndex = new Int32Array(ids.length);
  let norm2 = 0;
  for (let k = 0; k < ids.length; k++) {
    const w = tf.get(ids[k])! * vocabulary.idf[ids[k]];
    weights[k] = w;
    norm2 += w * w;
    firstIndex[k] = first.get(ids[k])!;
  }
  return { vocabulary, ids, weights, norm2, prefixes, proper, firstIndex };
}

/** Sums weighted models of one vocabulary into one (title counted twice with the body). */
export function mergeTexts(parts: ReadonlyArray<readonly [CompiledText, number]>): CompiledText {
  if (parts.length === 1 && parts[0][1] === 1) return parts[0][0];
  const sum = new Map<number, number>();
  const proper = new Set<number>();
  const prefixes = new Set<string>();
  for (const [text, factor] of parts) {
    text.ids.forEach((id, k) => sum.set(id, (sum.get(id) ?? 0) + text.weights[k] * factor));
    for (const id of text.proper) proper.add(id);
    for (const p of text.prefixes) prefixes.add(p);
  }
  const ids = Int32Array.from(sum.keys()).sort();
  const weights = Float64Array.from(ids, (id) => sum.get(id)!);
  const norm2 = weights.reduce((n, w) => n + w * w, 0);
  return { vocabulary: parts[0][0].vocabulary, ids, weights, norm2, prefixes, proper, firstIndex: new Int32Array(ids.length) };
}

/** Dot product of two models (merge of their sorted ids). */
export function dot(a: CompiledText, b: CompiledText): number {
  let i = 0;
  let j = 0;
  let d = 0;
  const x = a.ids;
  const y = b.ids;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) d += a.weights[i++] * b.weights[j++];
    else if (x[i] < y[j]) i++;
    else j++;
  }
  return d;
}

/** TF-IDF cosine similarity, 0 when either side is empty. */
export function cosine(a: CompiledText | undefined, b: CompiledText | undefined): number {
  if (!a || !b || !a.norm2 || !b.norm2) return 0;
  return dot(a, b) / Math.sqrt(a.norm2 * b.norm2);
}

/** The parts of a conversation, compiled in one vocabulary. */
export interface CompiledConversation {
  readonly vocabulary: Vocabulary;
  /** Title (twice) and body. */
  article?: CompiledText;
  parent?: CompiledText;
  /** Earlier comments, each compiled. */
  thread: readonly CompiledText[];
  /** The article's most central terms (highest weight, top 10): [id, weight]. */
  central: ReadonlyArray<readonly [number, number]>;
  describe: string;
}

/** The conversation a comment is compared with, as plain text. */
export interface Conversation {
  title?: string;
  body?: string;
  parent?: string;
  thread: readonly string[];
}

const CENTRAL = 10;
/** Bodies memoised per title (an article updated in place, or one headline over several stories), newest first. */
const BODIES_PER_TITLE = 4;

interface CompiledArticle {
  title: string;
  body: string;
  model: CompiledText;
  central: ReadonlyArray<readonly [number, number]>;
}

/** Distinct stems a cache's vocabulary may hold before the cache starts afresh (bounds a long-running worker). */
const MAX_VOCABULARY = 1 << 20;

/** Bounded memo of compiled texts and articles (recently used ones kept), over one vocabulary. */
export class ContextCache {
  private vocabulary = new Vocabulary();
  private texts!: Memo<CompiledText>;
  /**
   * Keyed by title, then body (a wire story runs under many headlines: its body is compiled once, in `texts`):
   * a lookup hashes the short title, not a title-and-body key of kilobytes built for every comment.
   */
  private articles!: Memo<CompiledArticle[]>;
  constructor(
    private readonly capacity = 8192,
    private readonly specificityOf: (stem: string) => number = specificity,
  ) {
    this.reset();
  }

  private reset(): void {
    this.vocabulary = new Vocabulary(this.specificityOf);
    this.texts = new Memo(this.capacity);
    this.articles = new Memo(Math.max(16, this.capacity >> 4));
  }

  /** The compiled model of `text` (memoised). */
  text(text: string): CompiledText {
    return this.texts.get(text, () => compileText(this.vocabulary, text));
  }

  /**
   * Compiles a comment in this cache's vocabulary with the tokens it already has, and memoises it: it will be
   * in the thread of the comments after it.
   */
  comment(text: string, tokens?: readonly Token[]): CompiledText {
    return this.texts.get(text, () => compileText(this.vocabulary, text, tokens));
  }

  /** The compiled article (title twice + body) and its central terms (memoised per title and body). */
  article(title: string, body: string): CompiledArticle {
    const versions = this.articles.get(title, () => []);
    const known = versions.find((a) => a.body === body);
    if (known) return known;
    const parts = [...(title ? [[this.text(title), 2] as const] : []), ...(body ? [[this.text(body), 1] as const] : [])];
    const model = parts.length ? mergeTexts(parts) : compileText(this.vocabulary, '');
    const central = Array.from(model.ids, (id, k) => [id, model.weights[k]] as const).sort((x, y) => y[1] - x[1]).slice(0, CENTRAL);
    const compiled = { title, body, model, central };
    versions.unshift(compiled);
    if (versions.length > BODIES_PER_TITLE) versions.pop();
    return compiled;
  }

  /** Compiles a whole conversation, reusing every part seen before. Compile the comment after it (same vocabulary). */
  conversation(conv: Conversation): CompiledConversation {
    if (this.vocabulary.size > MAX_VOCABULARY) this.reset();
    const hasArticle = Boolean(conv.title || conv.body);
    const article = hasArticle ? this.article(conv.title ?? '', conv.body ?? '') : undefined;
    const thread: CompiledText[] = [];
    for (const t of conv.thread) if (!BLANK.test(t)) thread.push(this.text(t));
    const parent = conv.parent !== undefined && !BLANK.test(conv.parent) ? this.text(conv.parent) : undefined;
    const parts = [hasArticle ? 'the article' : '', parent ? 'the parent comment' : '', thread.length ? `${thread.length} earlier comments` : ''];
    return { vocabulary: this.vocabulary, article: article?.model, parent, thread, central: article?.central ?? [], describe: parts.filter(Boolean).join(', ') || 'nothing' };
  }
}

const BLANK = /^\s*$/;

/** The process-wide cache the relevance phase uses by default. */
export const sharedContextCache = new ContextCache();
