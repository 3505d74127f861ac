/** Request schemas of the public API v1, with size limits from the config. */
import { z } from 'zod';
import type { Config } from '../../config';
import { unprocessable } from '../errors';

// C0 controls except tab, newline and carriage return; DEL; C1 controls.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const noControl = (s: string) => !CONTROL.test(s);
const CONTROL_MESSAGE = 'must not contain control characters (other than tab and newline)';

/**
 * Ids of comments, articles and authors: what CMSs use (numbers, UUIDs, slugs, e-mail-like and
 * base64 ids). 1–128 characters of `A–Z a–z 0–9 . _ ~ - @ + =`; no `:`, `/`, `%` or spaces (the
 * Redis keys encode ids anyway: see `keyPart` in src/infra/keys.ts).
 */
export const ID_PATTERN = /^[A-Za-z0-9._~@+=-]{1,128}$/;
export const Id = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(ID_PATTERN, 'may contain letters A–Z a–z, digits and . _ ~ - @ + = only');

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).refine(noControl, CONTROL_MESSAGE);
const nonBlank = (max: number) => text(max).refine((s) => s.trim().length > 0, 'must not be empty');
const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

export function createSchemas(limits: Config['limits']) {
  const ArticleContext = z.strictObject({ title: nonBlank(limits.articleTitleChars), body: text(limits.articleChars) });
  const Article = z.strictObject({
    title: nonBlank(limits.articleTitleChars),
    body: text(limits.articleChars),
    url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000).optional(),
    publishedAt: isoDate.optional(),
  });
  const Comment = z.strictObject({
    id: Id,
    articleId: Id,
    parentId: Id.optional(),
    author: z.strictObject({ id: Id, name: text(200).optional() }),
    body: nonBlank(limits.commentChars),
    createdAt: isoDate.optional(),
    article: ArticleContext.optional(),
  });
  const Batch = z.strictObject({
    comments: z.array(z.unknown()).min(1, 'must hold at least one comment').max(limits.batchSize, `must hold at most ${limits.batchSize} comments`),
  });
  return { Article, Comment, Batch };
}

export type Schemas = ReturnType<typeof createSchemas>;

/** Zod issues as `{path, message}` pairs for a 422 response. */
export function fieldErrors(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
}

/** The parsed value, or a 422 `invalid <what>` listing the failing fields. */
export function parseOr422<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw unprocessable(`invalid ${what}`, fieldErrors(result.error));
  return result.data;
}
