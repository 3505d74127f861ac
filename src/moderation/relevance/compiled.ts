/**
 * Compiled term models for relevance: a text's content-term frequencies, TF-IDF norm and 5-letter prefixes,
 * computed once and reused. Article bodies and thread comments repeat for every comment on an article, so
 * `ContextCache` memoises them by text (bounded, least recently used out first); compiling is pure, so a
 * cached model is the same as a fresh one. The relevance phase, the classify CLI and the eval share it;
 * a worker that loads contexts may keep its own `ContextCache` (or compiled articles) per process.
 */
import { tokenize, type Token } from '../text/tokens';
import { contentTerms } from './terms';
import { specificity } from './background';

export const PREFIX = 5;

/** One text's content terms, ready for comparison. Immutable once built. */
export interface CompiledText {
  /** Stem → how often it occurs. */
  readonly tf: ReadonlyMap<string, number>;
  /** Stems written as names or places (capitalised mid-sentence) at least once. */
  readonly proper: ReadonlySet<string>;
  /** Stem prefixes of length PREFIX (stems at least that long): "russia" meets "russian". */
  readonly prefixes: ReadonlySet<string>;
  /** Squared length of the TF-IDF vector (tf × specificity). */
  readonly norm2: number;
  /** Token index of each stem's first occurrence (for spans in reasons). */
  readonly firstIndex: ReadonlyMap<string, number>;
}

/** Builds the model of `text`; pass its tokens when they are already known (the comment's own). */
export function compileText(text: string, tokens: readonly Token[] = tokenize(text)): CompiledText {
  const tf = new Map<string, number>();
  const proper = new Set<string>();
  const prefixes = new Set<string>();
  const firstIndex = new Map<string, number>();
  for (const t of contentTerms(tokens, text)) {
    const n = tf.get(t.stem);
    if (n === undefined) {
      tf.set(t.stem, 1);
      firstIndex.set(t.stem, t.index);
      if (t.stem.length >= PREFIX) prefixes.add(t.stem.slice(0, PREFIX));
    } else tf.set(t.stem, n + 1);
    if (t.proper) proper.add(t.stem);
  }
  return { tf, proper, prefixes, norm2: norm2Of(tf), firstIndex };
}

/** Sums weighted models into one (title counted twice with the body, a thread as one document). */
export function mergeTexts(parts: ReadonlyArray<readonly [CompiledText, number]>): CompiledText {
  if (parts.length === 1 && parts[0][1] === 1) return parts[0][0];
  const tf = new Map<string, number>();
  const proper = new Set<string>();
  const prefixes = new Set<string>();
  const firstIndex = new Map<string, number>();
  for (const [text, w] of parts) {
    for (const [s, n] of text.tf) tf.set(s, (tf.get(s) ?? 0) + n * w);
    for (const s of text.proper) proper.add(s);
    for (const p of text.prefixes) prefixes.add(p);
  }
  return { tf, proper, prefixes, norm2: norm2Of(tf), firstIndex };
}

function norm2Of(tf: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const [s, f] of tf) {
    const w = f * specificity(s);
    n += w * w;
  }
  return n;
}

/** TF-IDF dot product of two models (iterates the smaller). */
export function dot(a: CompiledText, b: CompiledText): number {
  const [small, large] = a.tf.size <= b.tf.size ? [a, b] : [b, a];
  let d = 0;
  for (const [s, f] of small.tf) {
    const g = large.tf.get(s);
    if (g !== undefined) {
      const idf = specificity(s);
      d += f * g * idf * idf;
    }
  }
  return d;
}

/** TF-IDF cosine similarity, 0 when either side is empty. */
export function cosine(a: CompiledText | undefined, b: CompiledText | undefined): number {
  if (!a || !b || !a.norm2 || !b.norm2) return 0;
  return dot(a, b) / Math.sqrt(a.norm2 * b.norm2);
}

/** The parts of a conversation, compiled. */
export interface CompiledConversation {
  /** Title (twice) and body. */
  article?: CompiledText;
  parent?: CompiledText;
  /** Earlier comments, each compiled. */
  thread: readonly CompiledText[];
  /** The article's most central terms (tf × specificity, top 10), with their weights. */
  central: ReadonlyArray<readonly [string, number]>;
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

/** Bounded least-recently-used memo of compiled texts and articles. */
export class ContextCache {
  private readonly texts = new Map<string, CompiledText>();
  private readonly articles = new Map<string, { model: CompiledText; central: Array<readonly [string, number]> }>();
  constructor(private readonly capacity = 8192) {}

  /** The compiled model of `text` (memoised). */
  text(text: string): CompiledText {
    let m = this.texts.get(text);
    if (m) {
      this.texts.delete(text);
    } else {
      m = compileText(text);
      if (this.texts.size >= this.capacity) this.texts.delete(this.texts.keys().next().value!);
    }
    this.texts.set(text, m);
    return m;
  }

  /** The compiled article (title twice + body) and its central terms (memoised per title and body). */
  article(title: string, body: string): { model: CompiledText; central: ReadonlyArray<readonly [string, number]> } {
    const key = `${title}\u0000${body}`;
    let a = this.articles.get(key);
    if (a) {
      this.articles.delete(key);
    } else {
      const model = mergeTexts([...(title ? [[compileText(title), 2] as const] : []), ...(body ? [[compileText(body), 1] as const] : [])]);
      const central = [...model.tf].map(([s, f]) => [s, f * specificity(s)] as const).sort((x, y) => y[1] - x[1]).slice(0, CENTRAL);
      a = { model, central };
      if (this.articles.size >= Math.max(16, this.capacity >> 4)) this.articles.delete(this.articles.keys().next().value!);
    }
    this.articles.set(key, a);
    return a;
  }

  /** Compiles a whole conversation, reusing every part seen before. */
  conversation(conv: Conversation): CompiledConversation {
    const hasArticle = Boolean(conv.title || conv.body);
    const article = hasArticle ? this.article(conv.title ?? '', conv.body ?? '') : undefined;
    const thread = conv.thread.filter((t) => t.trim()).map((t) => this.text(t));
    const parent = conv.parent?.trim() ? this.text(conv.parent) : undefined;
    const parts = [hasArticle ? 'the article' : '', parent ? 'the parent comment' : '', thread.length ? `${thread.length} earlier comments` : ''];
    return { article: article?.model, parent, thread, central: article?.central ?? [], describe: parts.filter(Boolean).join(', ') || 'nothing' };
  }
}

/** The process-wide cache the relevance phase uses by default. */
export const sharedContextCache = new ContextCache();
