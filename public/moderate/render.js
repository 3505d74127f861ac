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

/** Merged, clamped, sorted spans from every reason, each with the reason codes that cover it. */
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

/** The comment text as text nodes with <mark> around the spans that drove the scores. */
export function highlighted(text, reasons) {
  const out = el('p', { class: 'comment-text' });
  let at = 0;
  for (const s of mergeSpans(text, reasons)) {
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
    item.escalated ? el('span', { class: 'badge escalated' }, 'escalated') : null,
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

/** The item pane: article, parent and thread, the comment with highlights, reasons, author record, history. */
export function detail(ctx, { me, onFilterAuthor, onFilterArticle }) {
  const { item, article, parent, thread, author, history } = ctx;
  const frag = document.createDocumentFragment();
  if (article) {
    const link = safeLink(article.url, 'Open article');
    frag.append(
      el('section', { class: 'article', 'aria-label': 'Article' }, el('h3', { class: 'article-title' }, article.title), el('p', { class: 'muted excerpt' }, article.excerpt), link,
        el('button', { type: 'button', class: 'link', 'data-action': 'filter-article' }, 'Only this article')),
    );
  }
  if (thread && thread.length) frag.append(el('details', { class: 'thread' }, el('summary', {}, `Earlier in the thread (${thread.length})`), el('ul', {}, thread.map((c) => small(c)))));
  if (parent) frag.append(el('section', { class: 'parent', 'aria-label': 'In reply to' }, el('h3', {}, 'In reply to ', authorName(parent.author)), el('p', {}, parent.body)));

  frag.append(
    el('article', { class: 'comment', 'aria-label': 'Flagged comment' },
      el('h3', { class: 'comment-author' }, authorName(item.author), ' ', el('span', { class: 'muted' }, when(item.receivedAt))),
      highlighted(item.body, item.reasons),
      el('p', { class: 'muted' }, `Status: ${item.status}`, item.decidedBy && item.decidedBy !== 'auto' ? ` by ${item.decidedBy}` : '', item.claimedBy && item.claimedBy !== me ? ` · being reviewed by ${item.claimedBy}` : '')),
  );
  frag.append(
    el('section', { class: 'reasons', 'aria-label': 'Reasons' }, el('h3', {}, 'Why it was flagged'),
      el('ul', {}, (item.reasons || []).map((r) => el('li', {}, el('span', { class: 'badge' }, r.code), ` ${pct(r.score)} — `, r.message)))),
  );
  const recent = author.recent || [];
  frag.append(
    el('section', { class: 'author', 'aria-label': 'Author' },
      el('h3', {}, 'Author: ', authorName(author), ' ', el('button', { type: 'button', class: 'link', 'data-action': 'filter-author' }, 'Only this author')),
      recent.length ? el('ul', {}, recent.map((h) => el('li', {}, el('span', { class: 'badge ' + h.status }, h.status), ` ${h.codes.join(', ')} · ${when(h.at)} `, h.body ? el('q', {}, h.body) : null))) : el('p', { class: 'muted' }, 'No earlier decisions.')),
  );
  frag.append(
    el('details', { class: 'history' }, el('summary', {}, `History (${history.length})`),
      el('ol', {}, history.map((h) => el('li', {}, `${when(h.at)} · ${h.event} by ${h.by}`, h.from ? ` · ${h.from} → ${h.to}` : '', h.note ? ` · “${h.note}”` : '')))),
  );
  const wrap = el('div', {}, frag);
  wrap.querySelector('[data-action="filter-author"]')?.addEventListener('click', () => onFilterAuthor(author.id));
  wrap.querySelector('[data-action="filter-article"]')?.addEventListener('click', () => onFilterArticle(article.id));
  return wrap;
}
