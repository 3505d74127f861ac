/**
 * One line of the classify CLI: parse and validate the JSON, build the comment and its context exactly as the
 * worker would (article, parent, thread oldest first), moderate, and shape the output object.
 */
import { z } from 'zod';
import { PolicySchema, resolvePolicy } from '../../config/policy-schema';
import { loadLocalClassifier } from '../classifier/local-classifier';
import { compilePolicy } from '../moderation/compile-policy';
import { moderate, type PipelineDeps } from '../moderation/pipeline';
import { textFingerprint } from '../moderation/record';
import { CATEGORIES, type ModerationContext } from '../moderation/types';
import type { SiteAdapter } from '../site-learning/types';
import type { SiteTermCounter, SiteTerms } from '../moderation/relevance/site-terms';

/** A comment of the conversation: its text, or an object with its `body` (as the webhook's comments). */
const ContextText = z.union([z.string(), z.object({ body: z.string() }).transform((c) => c.body)]);

/**
 * One input line: `{id, body, article?: {title?, body?}, parent?, thread?}`; `parent` and each `thread` entry
 * (earlier comments on the article, oldest first) are a text or `{body}`.
 */
const InputSchema = z.object({
  id: z.string().min(1),
  body: z.string(),
  article: z.object({ title: z.string().default(''), body: z.string().default('') }).optional(),
  parent: ContextText.optional(),
  thread: z.array(ContextText).optional(),
});

/** Six decimals: enough that ROC curves over the output are not flattened by ties near 0 and 1. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Remembers texts seen earlier in the stream (bounded), standing in for the site's repeat counter (same fingerprint). */
export class RepeatCounter {
  private readonly seen = new Map<string, number>();
  constructor(private readonly capacity = 200_000) {}
  /** Returns how often this text was seen before, and counts it. */
  count(body: string): number {
    const key = textFingerprint(body);
    const before = this.seen.get(key) ?? 0;
    if (this.seen.size >= this.capacity && !before) this.seen.clear();
    this.seen.set(key, before + 1);
    return before;
  }
}

type Input = z.infer<typeof InputSchema>;

/** Parses and validates one input line: the input, or the error object to print for it. */
export function parseLine(line: string): { input: Input } | { error: Record<string, unknown> } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { error: { error: line.trim() ? 'invalid JSON' : 'empty line' } };
  }
  const id = typeof json === 'object' && json !== null && typeof (json as { id?: unknown }).id === 'string' ? (json as { id: string }).id : undefined;
  const parsed = InputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: { ...(id !== undefined ? { id } : {}), error: `${issue.path.join('.') || 'line'}: ${issue.message}` } };
  }
  return { input: parsed.data };
}

/** Counts a line's text in `repeats` (valid lines with a non-blank body only) and returns how often it was seen before. */
export function countRepeats(line: string, repeats: RepeatCounter): number {
  const p = parseLine(line);
  return 'input' in p && p.input.body.trim() ? repeats.count(p.input.body) : 0;
}

/**
 * Counts the article of a line (if it has one) in `terms`, keyed by its title (or its body's digest): the
 * input's articles stand in for the site's when weighing which words tell articles apart.
 */
export function countArticle(line: string, terms: SiteTermCounter): void {
  if (!line.includes('"article"')) return; // most lines of a plain batch: no parse
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return; // reported when the line is classified
  }
  const article = (json as { article?: unknown } | null)?.article as { title?: unknown; body?: unknown } | undefined;
  const title = typeof article?.title === 'string' ? article.title : '';
  const body = typeof article?.body === 'string' ? article.body : '';
  terms.addArticle(title, body);
}

/** Classifies one input line; never throws: a bad line becomes `{ id?, error }`. */
export async function classifyLine(
  line: string,
  deps: PipelineDeps,
  repeats: RepeatCounter | { seenBefore: number },
  siteTerms?: SiteTerms,
): Promise<Record<string, unknown>> {
  const p = parseLine(line);
  if ('error' in p) return p.error;
  const input = p.input;
  const context: ModerationContext = {
    article: input.article,
    parent: input.parent !== undefined ? { body: input.parent } : undefined,
    thread: (input.thread ?? []).map((body) => ({ body })),
    authorHistory: [],
    repeatCount: 'seenBefore' in repeats ? repeats.seenBefore : input.body.trim() ? repeats.count(input.body) : 0,
    now: new Date().toISOString(),
    siteTerms,
  };
  try {
    const verdict = await moderate({ id: input.id, articleId: 'cli', author: { id: 'cli' }, body: input.body }, context, deps);
    const scores = Object.fromEntries(CATEGORIES.map((k) => [k, round(verdict.scores[k] ?? 0)]));
    const reasons = verdict.reasons.map((r) => ({ code: r.code, score: round(r.score), spans: r.spans, message: r.message }));
    const adapter = verdict.adapter ? { adapter: { version: verdict.adapter.version, score: round(verdict.adapter.score) } } : {};
    return { id: input.id, scores, action: verdict.action, reasons, ...adapter };
  } catch (err) {
    return { id: input.id, error: `moderation failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** The shipped model, the default policy and the site's adapter, as the CLI (and each of its worker threads) uses them. */
export function cliDeps(adapter?: SiteAdapter): PipelineDeps {
  const policy = resolvePolicy(PolicySchema.parse({}));
  return { classifier: loadLocalClassifier(), policy, compiled: compilePolicy(policy), adapter };
}
