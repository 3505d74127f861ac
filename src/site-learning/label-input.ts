/**
 * The label format CMSs and the import tool send: one object per past decision. Validation is all or
 * nothing: `validateLabels` returns every bad line's error, and callers store nothing unless there is none.
 */
import { z } from 'zod';
import type { LabelSource, SiteLabel } from './types';

const Id = z.string().min(1).max(200).regex(/^[A-Za-z0-9._~:@+=-]+$/, 'may contain letters, digits and . _ ~ : @ + = - only');
// C0 controls except tab, newline and carriage return; DEL; C1 controls.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).refine((s) => !CONTROL.test(s), 'must not contain control characters');

/** One label as received (`source` is added by whoever receives it). */
export const LabelInputSchema = z.strictObject({
  id: Id,
  body: text(20_000).refine((s) => s.trim().length > 0, 'must not be empty'),
  label: z.enum(['approved', 'rejected']),
  reasonCode: z.string().min(1).max(50).regex(/^[A-Z_]+$/, 'upper-case letters and _ only').optional(),
  articleId: Id.optional(),
  article: z.strictObject({ title: text(1_000), body: text(200_000) }).optional(),
  parentBody: text(20_000).optional(),
  decidedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
});
export type LabelInput = z.infer<typeof LabelInputSchema>;

/** A bad line: its index (0-based), id when readable, and what is wrong with it. */
export interface LabelError {
  index: number;
  id?: string;
  errors: Array<{ path: string; message: string }>;
}

/** Validates every item; the labels are usable only when `errors` is empty. */
export function validateLabels(items: readonly unknown[], source: LabelSource): { labels: SiteLabel[]; errors: LabelError[] } {
  const labels: SiteLabel[] = [];
  const errors: LabelError[] = [];
  items.forEach((item, index) => {
    const parsed = LabelInputSchema.safeParse(item);
    if (parsed.success) {
      labels.push({ ...parsed.data, source });
      return;
    }
    const id = typeof (item as { id?: unknown } | null)?.id === 'string' ? (item as { id: string }).id : undefined;
    errors.push({ index, ...(id !== undefined ? { id } : {}), errors: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(line)', message: i.message })) });
  });
  return { labels, errors };
}
