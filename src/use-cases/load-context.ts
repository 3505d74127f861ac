/** Assembles a comment's conversation context from the stores, before the pure pipeline runs. */
import type { ArticleStore } from '../infra/article-store';
import type { AuthorStore } from '../infra/author-store';
import type { SiteTermsSource } from '../infra/site-term-store';
import type { CommentStore } from '../infra/comment-store';
import { textFingerprint, type CommentRecord } from '../moderation/record';
import type { CommentInput, ContextComment, ModerationContext } from '../moderation/types';

export interface ContextDeps {
  comments: CommentStore;
  articles: ArticleStore;
  /** How many earlier comments on the article to load. */
  threadSize: number;
  /** Window in which identical texts count as repeat posts. */
  repeatWindowSeconds: number;
  now: () => Date;
  /** Moderators' decisions about authors (ban, suspension, …); without it none apply. */
  authors?: AuthorStore;
  /** The sites' article statistics for the relevance phase; without it words are weighed by the background alone. */
  siteTerms?: SiteTermsSource;
}

const asContext = (r: CommentRecord): ContextComment => ({ id: r.comment.id, body: r.comment.body, author: r.comment.author, status: r.status });

/**
 * One round trip (the commands are auto-pipelined): the article (its body only when it changed; a second
 * round trip when this process sees the article first, to count it in the site's statistics), the parent, the thread from the article's capped thread list, the author's record and the
 * repeat-post count. The thread holds what the phases read (id, body, author), not whole records.
 */
export function loadContext(record: CommentRecord, deps: ContextDeps): Promise<ModerationContext> {
  return loadContextFor(record.site, record.comment, Date.parse(record.receivedAt), deps);
}

/** The context of a comment received at `receivedMs`, stored or not (inline checks judge before storing). */
export async function loadContextFor(site: string, comment: CommentInput, receivedMs: number, deps: ContextDeps): Promise<ModerationContext> {
  const articleRead = deps.articles.getCached(site, comment.articleId);
  // The site's statistics count the article the first time this process sees it.
  const siteTerms = deps.siteTerms && articleRead.then((a) => deps.siteTerms!.forArticle(site, a));
  const [article, parent, thread, authorHistory, repeatCount, authorState, terms] = await Promise.all([
    articleRead,
    comment.parentId ? deps.comments.getCurrent(site, comment.parentId) : null,
    deps.comments.threadBefore(site, comment.articleId, receivedMs, deps.threadSize, comment.id),
    deps.comments.authorHistory(site, comment.author.id),
    deps.comments.countRepeats(site, textFingerprint(comment.body), comment.id, deps.repeatWindowSeconds),
    deps.authors?.get(site, comment.author.id),
    siteTerms,
  ]);
  return {
    site,
    article: article ? { title: article.title, body: article.body, url: article.url } : undefined,
    parent: parent ? asContext(parent) : undefined,
    thread: thread.map((e): ContextComment => ({ id: e.id, body: e.body, author: e.author })),
    authorHistory,
    repeatCount,
    now: deps.now().toISOString(),
    ...(terms ? { siteTerms: terms } : {}),
    ...(authorState && Object.keys(authorState).length
      ? { authorModeration: { banned: Boolean(authorState.banned), suspendedUntil: authorState.suspendedUntil, premoderate: authorState.premoderate, trusted: authorState.trusted } }
      : {}),
  };
}
