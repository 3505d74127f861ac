/** Assembles a comment's conversation context from the stores, before the pure pipeline runs. */
import type { ArticleStore } from '../infra/article-store';
import type { AuthorStore } from '../infra/author-store';
import type { CommentStore } from '../infra/comment-store';
import { textFingerprint, type CommentRecord } from '../moderation/record';
import type { ContextComment, ModerationContext } from '../moderation/types';

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
}

const asContext = (r: CommentRecord): ContextComment => ({ id: r.comment.id, body: r.comment.body, author: r.comment.author, status: r.status });

export async function loadContext(record: CommentRecord, deps: ContextDeps): Promise<ModerationContext> {
  const { site, comment } = record;
  const receivedMs = Date.parse(record.receivedAt);
  const [article, parent, threadIds, authorHistory, repeatCount, authorState] = await Promise.all([
    deps.articles.get(site, comment.articleId),
    comment.parentId ? deps.comments.getMany(site, [comment.parentId]).then((found) => found[0] ?? null) : null,
    deps.comments.recentOnArticle(site, comment.articleId, receivedMs, deps.threadSize + 1),
    deps.comments.authorHistory(site, comment.author.id),
    deps.comments.countRepeats(site, textFingerprint(comment.body), comment.id, deps.repeatWindowSeconds),
    deps.authors?.get(site, comment.author.id),
  ]);
  const thread = await deps.comments.getMany(site, threadIds.filter((id) => id !== comment.id).slice(-deps.threadSize));
  return {
    site,
    article: article ? { title: article.title, body: article.body, url: article.url } : undefined,
    parent: parent ? asContext(parent) : undefined,
    thread: thread.map(asContext),
    authorHistory,
    repeatCount,
    now: deps.now().toISOString(),
    ...(authorState && Object.keys(authorState).length
      ? { authorModeration: { banned: Boolean(authorState.banned), suspendedUntil: authorState.suspendedUntil, premoderate: authorState.premoderate, trusted: authorState.trusted } }
      : {}),
  };
}
