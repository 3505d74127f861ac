/** Builders for comments and contexts in moderation tests. */
import type { CommentInput, ContextComment, ModerationContext } from '../../src/moderation/types';

export const NOW = '2025-01-10T12:00:00.000Z';

export function comment(body: string, over: Partial<CommentInput> = {}): CommentInput {
  return { id: 'c1', articleId: 'a1', author: { id: 'u1', name: 'Ann' }, body, ...over };
}

export function context(over: Partial<ModerationContext> = {}): ModerationContext {
  return { thread: [], authorHistory: [], repeatCount: 0, now: NOW, ...over };
}

export const reply = (body: string, id: string, name: string): ContextComment => ({ body, author: { id, name } });

export const NATO_ARTICLE = {
  title: 'NATO has no plans to deploy troops to Ukraine, Stoltenberg says',
  body:
    'NATO General Secretary Jens Stoltenberg said NATO has no plans to deploy troops to Ukraine, nor did Kyiv request ' +
    'the bloc to send boots on the ground. Stoltenberg said the delay of Western arms deliveries allowed Russia to gain ' +
    'ground. A political solution could only be achieved by supporting Ukraine militarily; Putin believes he can win.',
};
