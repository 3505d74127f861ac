/**
 * Reading a moderation job's data: one comment (`{site, commentId, bodyHash}`, the format of every job
 * queued before grouping, still written for groups of one) or a group (`{site, comments: [{id,
 * bodyHash}]}`). A group entry that is malformed is reported apart, so it never sinks the others.
 */
import { z } from 'zod';
import type { ModerationJobData } from '../src/infra/queues';

const Hash = z.string().regex(/^[0-9a-f]{32}$/);
const Single = z.strictObject({ site: z.string().min(1), commentId: z.string().min(1), bodyHash: Hash });
const Entry = z.strictObject({ id: z.string().min(1), bodyHash: Hash });
const Group = z.strictObject({ site: z.string().min(1), comments: z.array(z.unknown()).min(1) });

export type ParsedJob =
  | { ok: true; group: false; comments: [ModerationJobData] }
  | { ok: true; group: true; comments: ModerationJobData[]; malformed: Array<{ index: number; error: string }> }
  | { ok: false; error: string };

const describe = (e: z.ZodError) => e.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ');

export function parseModerationJob(data: unknown): ParsedJob {
  const single = Single.safeParse(data);
  if (single.success) return { ok: true, group: false, comments: [single.data] };
  const group = Group.safeParse(data);
  if (!group.success) return { ok: false, error: `malformed moderation job: ${describe(single.error)}` };
  const comments: ModerationJobData[] = [];
  const malformed: Array<{ index: number; error: string }> = [];
  group.data.comments.forEach((raw, index) => {
    const entry = Entry.safeParse(raw);
    if (entry.success) comments.push({ site: group.data.site, commentId: entry.data.id, bodyHash: entry.data.bodyHash });
    else malformed.push({ index, error: describe(entry.error) });
  });
  if (!comments.length) return { ok: false, error: `malformed moderation job: no valid comment in the group (${malformed[0].error})` };
  return { ok: true, group: true, comments, malformed };
}
