/**
 * Who a comment addresses: an @mention of a participant, a reply to the parent's author, a participant named
 * in the text, or a reader addressed as "you". Pure function of the comment, its tokens and the context.
 */
import type { Author, CommentInput, ModerationContext } from '../types';
import type { Token } from '../text/tokens';
import type { Target } from './phase';

const SECOND_PERSON = new Set(['you', 'your', 'youre', 'yours', 'yourself', 'u', 'ur', 'ya', 'yall', 'thou']);
const MENTION = /@([\p{L}\p{N}_.-]+(?:[ \u00a0]\p{Lu}[\p{L}\p{N}_-]*)?)/gu;

/** Finds the most likely addressee, or undefined when the comment addresses nobody in particular. */
export function findTarget(comment: CommentInput, tokens: readonly Token[], context: ModerationContext): Target | undefined {
  const parentAuthor = context.parent?.author;
  // The first @mention decides (a body without "@" has none).
  for (const m of comment.body.includes('@') ? comment.body.matchAll(MENTION) : []) {
    const raw = m[1].replace(/[.,_-]+$/, '');
    const known = participantsOf(context, comment.author.id).find((p) => p.name && (raw.toLowerCase().startsWith(p.name.toLowerCase()) || p.name.toLowerCase() === raw.split(/\s/)[0].toLowerCase()));
    if (known) return { authorId: known.id, name: known.name, strength: 1, how: `mentions @${known.name}` };
    return { name: raw.split(/\s/)[0], strength: 0.9, how: `mentions @${raw.split(/\s/)[0]}` };
  }
  let secondPerson = false;
  for (let i = 0; i < tokens.length && !secondPerson; i++) secondPerson = SECOND_PERSON.has(tokens[i].norm);
  if (parentAuthor && parentAuthor.id !== comment.author.id) {
    const who = parentAuthor.name ?? 'another reader';
    return secondPerson
      ? { authorId: parentAuthor.id, name: parentAuthor.name, strength: 0.9, how: `reply to ${who}, addressed as "you"` }
      : { authorId: parentAuthor.id, name: parentAuthor.name, strength: 0.5, how: `reply to ${who}` };
  }
  const text = comment.body.toLowerCase();
  let named: Author | undefined;
  for (const p of participantsOf(context, comment.author.id)) {
    if (p.name && p.name.length >= 3 && containsWord(text, p.name.toLowerCase())) {
      named = p;
      break;
    }
  }
  if (named) return { authorId: named.id, name: named.name, strength: 0.7, how: `names ${named.name}, a participant` };
  if (secondPerson) return { strength: 0.6, how: 'addresses a reader as "you"' };
  return undefined;
}

/** Authors of the parent and the thread, most recent first, excluding the commenter. */
function participantsOf(context: ModerationContext, self: string): Author[] {
  const seen = new Map<string, Author>();
  const parent = context.parent?.author;
  if (parent && parent.id !== self) seen.set(parent.id, parent);
  for (let i = context.thread.length - 1; i >= 0; i--) {
    const a = context.thread[i].author;
    if (a && a.id !== self && !seen.has(a.id)) seen.set(a.id, a);
  }
  return [...seen.values()];
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
/** Whether a word boundary (as regex \b) lies before index i of text. */
const boundary = (text: string, i: number) => (i > 0 && isWordChar(text.charCodeAt(i - 1))) !== (i < text.length && isWordChar(text.charCodeAt(i)));

/** Whether `word` occurs in `text` between word boundaries (as /\bword\b/ would say, without compiling a regex per name and comment). */
export function containsWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    if (boundary(text, i) && boundary(text, i + word.length)) return true;
  }
  return false;
}
