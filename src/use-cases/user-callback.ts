/**
 * The one place that hands a `user.moderated` callback to delivery: the outbox, which gives it an
 * event id and the author's next sequence, and delivers the author's events in order.
 */
import type { CallbackQueue, UserModeratedPayload } from '../infra/queues';

export async function enqueueUserModerated(callbacks: CallbackQueue, payload: UserModeratedPayload): Promise<void> {
  await callbacks.add({ site: payload.site, payload });
}
