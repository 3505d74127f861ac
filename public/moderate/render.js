// DOM builders. Everything from the API (comments, names, titles) is attacker-controlled: it only
// ever becomes text nodes (textContent), never markup, and links only for http(s) URLs.

/** An element with fixed attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** A link only for http(s) URLs, opened without giving the page a handle on us. */
export function safeLink(url, text) {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return null;
  return el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, text);
}

// Reasons about words (not about the whole comment, like OFF_TOPIC or SPAM) whose spans are worth
// marking; a reason below this score did not decide anything, so its words are not marked either.
const WORD_REASONS = ['TOXICITY', 'INSULT', 'HARASSMENT', 'THREAT', 'IDENTITY_ATTACK', 'PROFANITY', 'BANNED_WORD', 'SUSPECT_WORD'];
const MARK_MIN_SCORE = 0.5;

/** The reasons whose spans are highlighted: word-level reasons that carry the decision (or just `only`). */
export function markedReasons(reasons, only) {
  return (reasons || []).filter((r) => (only ? r.code === only : WORD_REASONS.includes(r.code) && Number(r.score) >= MARK_MIN_SCORE));
}

/** Merged, clamped, sorted spans from the given reasons, each with the reason codes that cover it. */
export function mergeSpans(text, reasons) {
  const spans = [];
  for (const r of reasons || []) {
    for (const s of r.spans || []) {
      const start = Math.max(0, Math.min(text.length, s.start | 0));
      const end = Math.max(start, Math.min(text.length, s.end | 0));
      if (end > start) spans.push({ start, end, codes: [r.code] });
    }
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) {
      last.end = Math.max(last.end, s.end);
      for (const c of s.codes) if (!last.codes.includes(c)) last.codes.push(c);
    } else merged.push({ ...s, codes: [...s.codes] });
  }
  return merged;
}

/** The comment text as text nodes with <mark> around the spans that carry its reasons (or only `only`'s). */
export function highlighted(text, reasons, only) {
  const out = el('p', { class: 'comment-text' });
  let at = 0;
  for (const s of mergeSpans(text, markedReasons(reasons, only))) {
    if (s.start > at) out.append(document.createTextNode(text.slice(at, s.start)));
    out.append(el('mark', { title: s.codes.join(', ') }, text.slice(s.start, s.end)));
    at = s.end;
  }
  if (at < text.length) out.append(document.createTextNode(text.slice(at)));
  return out;
}

const when = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
};
const pct = (score) => `${Math.round(Math.max(0, Math.min(1, Number(score) || 0)) * 100)}%`;
const authorName = (a) => (a && (a.name || a.id)) || 'unknown author';

function badges(item, me) {
  const codes = [...new Set((item.reasons || []).map((r) => r.code))];
  return el(
    'span',
    { class: 'badges' },
    item.status !== 'flagged' ? el('span', { class: 'badge ' + item.status }, item.status) : null,
    item.escalated ? el('span', { class: 'badge escalated' }, 'escalated') : null,
    item.reports && item.reports.count ? el('span', { class: 'badge reported' }, `${item.reports.count} report${item.reports.count === 1 ? '' : 's'}`) : null,
    codes.map((c) => el('span', { class: 'badge' }, c)),
    item.claimedBy && item.claimedBy !== me ? el('span', { class: 'badge claimed' }, `reviewing: ${item.claimedBy}`) : null,
  );
}

/** One queue row: a checkbox for bulk selection and a button that opens the item. */
export function queueRow(item, { selected, current, index, me }) {
  const check = el('input', { type: 'checkbox', id: `sel-${index}`, class: 'select', 'data-id': item.id });
  check.checked = selected;
  const label = el('label', { for: `sel-${index}`, class: 'visually-hidden' }, `Select comment by ${authorName(item.author)}`);
  const open = el(
    'button',
    { type: 'button', class: 'row-open', 'data-index': index, 'aria-current': current ? 'true' : null },
    el('span', { class: 'row-head' }, el('strong', {}, authorName(item.author)), ' ', el('span', { class: 'muted' }, when(item.receivedAt))),
    badges(item, me),
    el('span', { class: 'excerpt' }, item.body.length > 200 ? item.body.slice(0, 199) + '…' : item.body),
  );
  return el('li', { class: current ? 'row current' : 'row', 'data-id': item.id }, check, label, open);
}

function small(comment, label) {
  return el('li', { class: 'context-comment' }, el('span', { class: 'muted' }, `${label || authorName(comment.author)} · ${comment.status}`), el('p', {}, comment.body));
}

const REPORT_LABELS = { offensive: 'offensive', abusive: 'abusive', spam: 'spam', off_topic: 'off topic', other: 'other' };

/** The item pane: article, parent and thread, the comment with highlights, reasons, reports, author, history. */
export function detail(ctx, { me, onFilterAuthor, onArticle }) {
  const { item, article, parent, thread, author, history, reports } = ctx;
  const frag = document.createDocumentFragment();
  if (article) {
    const link = safeLink(article.url, 'Open article');
    frag.append(
      el('section', { class: 'article', 'aria-label': 'Article' }, el('h3', { class: 'article-title' }, article.title), el('p', { class: 'muted excerpt' }, article.excerpt), link,
        el('button', { type: 'button', class: 'link', 'data-action': 'article' }, 'Whole article thread')),
    );
  }
  if (thread && thread.length) frag.append(el('details', { class: 'thread' }, el('summary', {}, `Earlier in the thread (${thread.length})`), el('ul', {}, thread.map((c) => small(c)))));
  if (parent) frag.append(el('section', { class: 'parent', 'aria-label': 'In reply to' }, el('h3', {}, 'In reply to ', authorName(parent.author)), el('p', {}, parent.body)));

  const text = highlighted(item.body, item.reasons);
  frag.append(
    el('article', { class: 'comment', 'aria-label': 'Comment' },
      el('h3', { class: 'comment-author' }, authorName(item.author), ' ', el('span', { class: 'muted' }, when(item.receivedAt))),
      text,
      el('p', { class: 'muted item-status' }, `Status: ${item.status}`, item.decidedBy && item.decidedBy !== 'auto' ? ` by ${item.decidedBy}` : '', item.autoStatus && item.autoStatus !== item.status ? ` (model: ${item.autoStatus})` : '', item.claimedBy && item.claimedBy !== me ? ` · being reviewed by ${item.claimedBy}` : '')),
  );
  const reasonButtons = (item.reasons || []).map((r) =>
    el('li', {}, el('button', { type: 'button', class: 'link reason', 'data-code': r.code, 'aria-pressed': 'false', title: 'Highlight only the words behind this reason' }, el('span', { class: 'badge' }, r.code)), ` ${pct(r.score)} — `, r.message));
  frag.append(el('section', { class: 'reasons', 'aria-label': 'Reasons' }, el('h3', {}, 'Why'), el('ul', {}, reasonButtons)));
  if (reports && reports.length) {
    const open = reports.filter((r) => !r.resolved);
    frag.append(
      el('section', { class: 'reports', 'aria-label': 'Reader reports' },
        el('h3', {}, `Reader reports (${open.length} open, ${reports.length} in all)`),
        el('ul', {}, reports.map((r) => el('li', {}, el('span', { class: 'badge reported' }, REPORT_LABELS[r.reason] || r.reason), ` ${when(r.at)}`, r.weight < 1 ? ` · weight ${r.weight}` : '', r.resolved ? ` · ${r.resolved}` : '', r.note ? el('q', {}, r.note) : null)))),
    );
  }
  const recent = author.recent || [];
  frag.append(
    el('section', { class: 'author', 'aria-label': 'Author' },
      el('h3', {}, 'Author: ', authorName(author), ' ', el('button', { type: 'button', class: 'link', 'data-action': 'filter-author' }, 'Only this author')),
      el('div', { id: 'author-panel', class: 'author-panel' }),
      recent.length ? el('ul', {}, recent.map((h) => el('li', {}, el('span', { class: 'badge ' + h.status }, h.status), ` ${h.codes.join(', ')} · ${when(h.at)} `, h.body ? el('q', {}, h.body) : null))) : el('p', { class: 'muted' }, 'No earlier decisions.')),
  );
  frag.append(
    el('details', { class: 'history' }, el('summary', {}, `History (${history.length})`),
      el('ol', {}, history.map((h) => el('li', {}, `${when(h.at)} · ${h.event} by ${h.by}`, h.from ? ` · ${h.from} → ${h.to}` : '', h.note ? ` · “${h.note}”` : '')))),
  );
  const wrap = el('div', {}, frag);
  wrap.querySelector('[data-action="filter-author"]')?.addEventListener('click', () => onFilterAuthor(author.id));
  wrap.querySelector('[data-action="article"]')?.addEventListener('click', () => onArticle(article.id));
  for (const button of wrap.querySelectorAll('button.reason')) {
    button.addEventListener('click', () => {
      const on = button.getAttribute('aria-pressed') !== 'true';
      for (const b of wrap.querySelectorAll('button.reason')) b.setAttribute('aria-pressed', 'false');
      button.setAttribute('aria-pressed', String(on));
      wrap.querySelector('.comment-text').replaceWith(highlighted(item.body, item.reasons, on ? button.dataset.code : undefined));
    });
  }
  return wrap;
}

export { authorName, when };
