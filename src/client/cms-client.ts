/**
 * A small client for the public API v1, as a CMS would use it: every request is signed with the
 * site's webhook secret over method, path and body (`X-Signature` scheme v2 with a fresh nonce, see
 * src/security/signature.ts), so sending the same payload twice is two requests, never a replay. Used by the demo, tests and
 * benchmarks. It never throws on an HTTP status (callers assert on `status`); it throws only when the
 * API cannot be reached or does not answer within `timeoutMs`.
 */
import { SIGNATURE_HEADER, signRequest } from '../security/signature';
import type { ArticleInput, CommentInput, CommentStatus, Reason, Scores } from '../moderation/types';

export interface CmsClientOptions {
  /** e.g. `http://127.0.0.1:3000` (a trailing slash is ignored). */
  baseUrl: string;
  site: string;
  /** Webhook secret(s) of the site; several sign with each (key rotation). */
  secret: string | string[];
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
}

/** `POST /comments` body: a comment, optionally with its article for CMSes that never PUT articles. */
export type CommentPayload = CommentInput & { article?: { title: string; body: string } };

export interface QueuedComment {
  id: string;
  status: 'queued';
}

/** `GET /comments/:id`: the comment's current decision. */
export interface CommentView {
  id: string;
  articleId: string;
  status: CommentStatus;
  reasons: Reason[];
  scores: Scores;
  decidedBy: string | null;
  decidedAt: string | null;
  modelVersion: string | null;
  history: unknown[];
}

/** What the service POSTs to the site's callbackUrl after each decision (signed like webhooks). */
export interface ModerationCallback {
  /** Unique per event: de-duplicate on it (deliveries are at least once). */
  eventId: string;
  /** Per comment, 1, 2, 3 …: apply an event only if its sequence is higher than the last applied. */
  sequence: number;
  type: 'comment.moderated';
  site: string;
  comment: { id: string; articleId: string };
  status: Exclude<CommentStatus, 'queued'>;
  reasons: Reason[];
  decidedBy: string;
  decidedAt: string;
  /** The version of the body decided. */
  bodyHash: string;
}

export interface CmsResponse<T> {
  status: number;
  ok: boolean;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: T;
}

export class CmsClient {
  private readonly baseUrl: string;
  private readonly site: string;
  private readonly secret: string | string[];
  private readonly timeoutMs: number;

  constructor({ baseUrl, site, secret, timeoutMs = 10_000 }: CmsClientOptions) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.site = site;
    this.secret = secret;
    this.timeoutMs = timeoutMs;
  }

  /** `PUT /v1/sites/:site/articles/:id` → 200 (updated) or 201 (created). */
  putArticle(id: string, article: ArticleInput): Promise<CmsResponse<unknown>> {
    return this.signed('PUT', `/articles/${encodeURIComponent(id)}`, article);
  }

  /** `POST /v1/sites/:site/comments` → 202 `{id, status: "queued"}`. */
  postComment(comment: CommentPayload): Promise<CmsResponse<QueuedComment>> {
    return this.signed('POST', '/comments', comment);
  }

  /** `GET /v1/sites/:site/comments/:id`, as a moderator when `token` is given, else as a signed request. */
  getComment(id: string, token?: string): Promise<CmsResponse<CommentView>> {
    const path = `/comments/${encodeURIComponent(id)}`;
    if (token === undefined) return this.signed('GET', path);
    return this.send('GET', path, { authorization: `Bearer ${token}` });
  }

  /** `DELETE /v1/sites/:site/comments/:id`: erases the comment and what names it → 200 `{erased}`. */
  eraseComment(id: string): Promise<CmsResponse<{ erased: { comments: number } }>> {
    return this.signed('DELETE', `/comments/${encodeURIComponent(id)}`);
  }

  /** `DELETE /v1/sites/:site/authors/:id`: erases every comment and record of an author → 200 `{erased}`. */
  eraseAuthor(id: string): Promise<CmsResponse<{ erased: { comments: number } }>> {
    return this.signed('DELETE', `/authors/${encodeURIComponent(id)}`);
  }

  /** Any signed request under `/v1/sites/:site` (method, path as sent and body are signed; GET signs ""). */
  signed<T>(method: string, path: string, payload?: unknown): Promise<CmsResponse<T>> {
    const raw = payload === undefined ? '' : JSON.stringify(payload);
    const url = this.url(path);
    const headers: Record<string, string> = { [SIGNATURE_HEADER]: signRequest(this.secret, { method, path: url.pathname + url.search, rawBody: raw }) };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    return this.send(method, path, headers, payload === undefined ? undefined : raw);
  }

  private url(path: string): URL {
    return new URL(`${this.baseUrl}/v1/sites/${encodeURIComponent(this.site)}${path}`);
  }

  private async send<T>(method: string, path: string, headers: Record<string, string>, body?: string): Promise<CmsResponse<T>> {
    const url = this.url(path);
    const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (e.g. a proxy's error page): hand back the text.
    }
    return { status: res.status, ok: res.ok, body: parsed as T };
  }
}
