/** One action on a selection of comments: each item decided on its own, each with its own result. */
import { AppError } from '../errors';
import type { CommentStatus, ReasonCode } from '../moderation/types';
import { moderatorDecide, type ModeratorDecideDeps } from './moderator-decide';

export interface BulkInput {
  site: string;
  moderator: string;
  role?: 'moderator' | 'senior';
  action: 'approve' | 'reject';
  ids: readonly string[];
  reasonCode?: ReasonCode;
  note?: string;
  expectedStatus?: CommentStatus;
}

/** `status` is the HTTP status the single-item route would have answered (200, 404, 409 …). */
export interface BulkItemResult {
  id: string;
  status: number;
  result?: { status: string };
  error?: { code: string; message: string };
}

const PARALLEL = 8;

/** Decides every id (a few at a time); one refused item never stops the others. */
export async function moderatorBulk(input: BulkInput, deps: ModeratorDecideDeps): Promise<BulkItemResult[]> {
  const ids = [...new Set(input.ids)];
  const results: BulkItemResult[] = [];
  for (let i = 0; i < ids.length; i += PARALLEL) {
    const chunk = ids.slice(i, i + PARALLEL);
    results.push(
      ...(await Promise.all(
        chunk.map(async (id): Promise<BulkItemResult> => {
          try {
            const record = await moderatorDecide({ site: input.site, commentId: id, moderator: input.moderator, role: input.role, action: input.action, reasonCode: input.reasonCode, note: input.note, expectedStatus: input.expectedStatus }, deps);
            return { id, status: 200, result: { status: record.status } };
          } catch (err) {
            if (!(err instanceof AppError) || err.status >= 500) throw err;
            return { id, status: err.status, error: { code: err.code, message: err.message } };
          }
        }),
      )),
    );
  }
  return results;
}
