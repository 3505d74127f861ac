/**
 * Delivers one outbox event to a CMS: a signed POST with a timeout. The body is sent byte for byte
 * as stored; `X-Signature` carries one `v1=` per active secret of the site (rotation: the CMS may
 * know the old or the new one), `X-Event-Id` repeats the body's `eventId` for de-duplication.
 * Throws on network errors and non-2xx answers.
 */
import { signatureHeader, SIGNATURE_HEADER } from '../security/signature';

export const EVENT_ID_HEADER = 'X-Event-Id';

export class CallbackError extends Error {
  override name = 'CallbackError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface SendCallbackOptions {
  url: string;
  /** Every active secret of the site, each signs. */
  secrets: readonly string[];
  /** The event's JSON, exactly as stored in the outbox. */
  rawBody: string;
  eventId: string;
  timeoutMs: number;
}

export async function sendCallback({ url, secrets, rawBody, eventId, timeoutMs }: SendCallbackOptions): Promise<number> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signatureHeader([...secrets], rawBody),
        [EVENT_ID_HEADER]: eventId,
        'user-agent': 'comment-moderation-callback/1',
      },
      body: rawBody,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : ((err as Error).cause as Error)?.message ?? (err as Error).message;
    throw new CallbackError(`callback to ${url} failed: ${reason}`);
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new CallbackError(`callback to ${url} answered HTTP ${res.status}`, res.status);
  return res.status;
}
