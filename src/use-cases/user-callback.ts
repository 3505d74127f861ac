/**
 * The one place that hands a `user.moderated` callback to delivery, so delivery can change (an
 * ordered outbox) without touching the author use case. Today: the callback queue, signed and
 * retried like every decision callback; the job id makes a repeated call one delivery.
 */
import { callbackJobId, type CallbackQueue, type UserModeratedPayload } from '../infra/queues';

export async function enqueueUserModerated(callbacks: CallbackQueue, payload: UserModeratedPayload): Promise<void> {
  await callbacks.add({ site: payload.site, payload }, callbackJobId(payload));
}
