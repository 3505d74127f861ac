/** Delivers a decision to a CMS: a signed POST with a timeout. Throws on network errors and non-2xx. */
import { signatureHeader, SIGNATURE_HEADER } from '../security/signature';

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
  secret: string;
  body: unknown;
  timeoutMs: number;
}

export async function sendCallback({ url, secret, body, timeoutMs }: SendCallbackOptions): Promise<number> {
  const raw = JSON.stringify(body);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(secret, raw), 'user-agent': 'comment-moderation-callback/1' },
      body: raw,
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
