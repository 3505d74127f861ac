// The moderators' page: sign in, every queue with live updates, search, keyboard-driven decisions,
// actions on authors; on a narrow screen the list and the item are two views.
import { createApi } from './api.js';
import { authorName, detail, el, queueRow } from './render.js';
import { connectEvents } from './live.js';
import { askAuthorAction, renderAuthorPanel } from './people.js';
import { announce, canUndo, showLive, takeUndo } from './status.js';

const REASONS = ['TOXICITY', 'INSULT', 'HARASSMENT', 'THREAT', 'IDENTITY_ATTACK', 'PROFANITY', 'OFF_TOPIC', 'SPAM', 'REPEAT_POST', 'BANNED_WORD', 'SUSPECT_WORD', 'SITE_STANDARD', 'PREMODERATION', 'MODERATOR'];
const REJECT_CODES = REASONS.filter((c) => c !== 'MODERATOR' && c !== 'PREMODERATION');
const QUEUE_NAMES = { flagged: 'Flagged', reported: 'Reported', escalated: 'Escalated', approved: 'Approved', rejected: 'Rejected', article: 'Article', search: 'Search results' };
const TAB_KEYS = { 1: 'flagged', 2: 'reported', 3: 'escalated', 4: 'approved', 5: 'rejected' };
const $ = (id) => document.getElementById(id);

const state = {
  token: sessionStorage.getItem('moderatorToken') || '',
  site: sessionStorage.getItem('moderatorSite') || '',
  me: null,
  queue: 'flagged',
  items: [],
  total: 0,
  cursor: null,
  index: -1,
  selected: new Set(),
  filters: { reason: '', sort: 'priority', articleId: '', authorId: '' },
  search: null,
  context: null,
  claimed: null,
  live: null,
};
const api = createApi(() => state.token, () => state.site);
// For tests and the curious: the live connection (drop() simulates a network failure).
window.__moderation = { get live() { return state.live; }, get total() { return state.total; }, ready: [] };

// ---- sign-in ---------------------------------------------------------------------------------
async function signIn(token) {
  state.token = token;
  const me = await api.me();
  if (!me.sites.length) throw new Error('This token has no sites to moderate.');
  state.me = me;
  sessionStorage.setItem('moderatorToken', token);
  if (!me.sites.some((s) => s.id === state.site)) state.site = me.sites[0].id;
  $('site').replaceChildren(...me.sites.map((s) => el('option', { value: s.id }, s.name)));
  $('site').value = state.site;
  $('who').textContent = `Signed in as ${me.name}`;
  $('signin').hidden = true;
  $('session').hidden = false;
  $('workspace').hidden = false;
  await switchSite(state.site);
}

function signOut(message) {
  sessionStorage.removeItem('moderatorToken');
  state.live?.close();
  Object.assign(state, { token: '', me: null, items: [], index: -1, context: null, live: null });
  state.selected.clear();
  $('workspace').hidden = true;
  $('session').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message || '';
  $('token').value = '';
  $('token').focus();
}

async function switchSite(site) {
  state.site = site;
  sessionStorage.setItem('moderatorSite', site);
  state.selected.clear();
  state.live?.close();
  state.live = connectEvents(api, { onEvent, onState: showLive, onGap: () => loadQueue(), onReady: (info) => window.__moderation.ready.push(info) });
  await loadQueue({ keep: null });
}

// ---- queue -----------------------------------------------------------------------------------
function showState(kind, text, retry) {
  const box = $('queue-state');
  box.hidden = !kind;
  box.className = `state ${kind || ''}`;
  box.replaceChildren();
  if (!kind) return;
  box.append(el('p', {}, text));
  if (retry) {
    const button = el('button', { type: 'button' }, 'Retry');
    button.addEventListener('click', () => loadQueue({ keep: currentId() }));
    box.append(button);
  }
}

function handleError(err, what) {
  if (err.status === 401) return signOut('Your token was not accepted (unknown or revoked). Sign in again.');
  if (err.status === 403 && err.code === 'forbidden') return showState('error', `This token has no access to site “${state.site}”. Pick another site above.`);
  const text = `Could not ${what}: ${err.message}`;
  announce(text);
  return text;
}

const currentId = () => state.items[state.index]?.id ?? null;

/** Query parameters of the current listing (flagged filters only apply to the flagged queue). */
function listParams(limit = '50') {
  if (state.queue === 'flagged') {
    const params = { sort: state.filters.sort, limit };
    for (const k of ['reason', 'articleId', 'authorId']) if (state.filters[k]) params[k] = state.filters[k];
    return params;
  }
  if (state.queue === 'article') return { queue: 'article', articleId: state.filters.articleId, limit };
  return { queue: state.queue, limit };
}

async function fetchPage(append) {
  if (state.queue === 'search') {
    const res = await api.search(state.search);
    return { items: res.items, total: res.items.length, nextCursor: null };
  }
  const params = listParams();
  if (append && state.cursor) params.cursor = state.cursor;
  return api.queue(params);
}

async function loadQueue({ keep = currentId(), append = false } = {}) {
  let page;
  try {
    page = await fetchPage(append);
  } catch (err) {
    const text = handleError(err, 'load the queue');
    if (text) showState('error', `${text} Check the connection, then retry.`, true);
    return;
  }
  state.items = append ? state.items.concat(page.items.filter((i) => !state.items.some((x) => x.id === i.id))) : page.items;
  state.total = page.total;
  state.cursor = page.nextCursor;
  renderQueue();
  const at = keep ? state.items.findIndex((i) => i.id === keep) : -1;
  if (!append) select(at >= 0 ? at : state.items.length ? 0 : -1, { focus: false, open: state.view === 'detail' || !narrow() });
}

// Exact count from the server, a moment after live changes settle (the list itself may hold a page only).
let totalTimer = null;
function refreshTotal() {
  clearTimeout(totalTimer);
  if (state.queue === 'search') return;
  totalTimer = setTimeout(async () => {
    try {
      const page = await api.queue(listParams('1'));
      state.total = page.total;
      renderTotal();
    } catch {
      // the next event or reload corrects it
    }
  }, 300);
}

function renderTotal() {
  $('total').textContent = `(${state.total})`;
}

function renderQueue() {
  const filtered = state.filters.reason || state.filters.articleId || state.filters.authorId;
  $('queue-name').textContent = state.queue === 'article' ? `Article ${state.filters.articleId}` : QUEUE_NAMES[state.queue];
  renderTotal();
  for (const tab of $('tabs').querySelectorAll('button')) tab.setAttribute('aria-pressed', String(tab.dataset.queue === state.queue));
  $('filters').hidden = state.queue !== 'flagged';
  $('queue-list').replaceChildren(...state.items.map((item, index) => queueRow(item, { index, me: state.me?.name, selected: state.selected.has(item.id), current: index === state.index })));
  $('more').hidden = !state.cursor;
  if (state.items.length) showState(null);
  else if (state.queue === 'search') showState('empty', 'Nothing found. Try fewer words, or search by author or article id.');
  else if (state.queue !== 'flagged') showState('empty', `Nothing in ${QUEUE_NAMES[state.queue]} right now.`);
  else if (filtered) showState('empty', 'Nothing in the queue matches these filters. Clear a filter above to see more.');
  else showState('empty', 'No flagged comments right now. New ones appear here by themselves as they are flagged.');
  renderBulk();
  renderChips();
}

function renderChips() {
  const chips = [];
  const keys = state.queue === 'flagged' ? [['articleId', 'Article'], ['authorId', 'Author']] : [];
  for (const [key, label] of keys) {
    if (!state.filters[key]) continue;
    const button = el('button', { type: 'button', class: 'chip', 'aria-label': `Remove filter ${label} ${state.filters[key]}` }, `${label}: ${state.filters[key]} ×`);
    button.addEventListener('click', () => setFilter(key, ''));
    chips.push(button);
  }
  $('f-chips').replaceChildren(...chips);
}

function setFilter(key, value) {
  state.filters[key] = value;
  state.queue = 'flagged';
  setView('list');
  loadQueue({ keep: null });
}

function setQueue(queue, { articleId } = {}) {
  state.queue = queue;
  if (articleId) state.filters.articleId = articleId;
  if (queue !== 'search') state.search = null;
  state.selected.clear();
  setView('list');
  loadQueue({ keep: null });
}

function renderBulk() {
  $('bulk').hidden = state.selected.size === 0;
  $('selected-count').textContent = `${state.selected.size} selected`;
}

// ---- list / item views (narrow screens) --------------------------------------------------------
const narrow = () => window.matchMedia('(max-width: 800px)').matches;
function setView(view) {
  state.view = view;
  document.body.dataset.view = view;
}

// ---- the current item ------------------------------------------------------------------------
let detailTimer = null;
function select(index, { focus = true, open = true } = {}) {
  if (index >= state.items.length) index = state.items.length - 1;
  state.index = index;
  for (const li of $('queue-list').children) {
    const current = li.dataset.id === currentId();
    li.classList.toggle('current', current);
    const button = li.querySelector('.row-open');
    if (current) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
    if (current && focus && !narrow()) button.focus();
    if (current && !narrow()) li.scrollIntoView({ block: 'nearest' });
  }
  clearTimeout(detailTimer);
  if (index < 0) {
    state.context = null;
    $('actions').hidden = true;
    $('detail-body').replaceChildren(el('p', { class: 'state' }, 'Nothing selected.'));
    if (narrow()) setView('list');
    return releaseClaim();
  }
  if (open) detailTimer = setTimeout(() => openItem(currentId()), 80);
}

async function openItem(id) {
  try {
    const ctx = await api.item(id);
    if (id !== currentId()) return;
    state.context = ctx;
    $('detail-body').replaceChildren(detail(ctx, { me: state.me?.name, onFilterAuthor: (a) => setFilter('authorId', a), onArticle: (a) => setQueue('article', { articleId: a }) }));
    renderActions(ctx.item);
    renderAuthor(ctx.item.author.id);
    if (ctx.item.status === 'flagged') await takeClaim(id);
  } catch (err) {
    const text = handleError(err, 'open the comment');
    if (text) $('detail-body').replaceChildren(el('p', { class: 'state error' }, `${text} Select it again to retry.`));
  }
}

/** Which actions the item allows: decide a flagged one; overturn a decided one. */
function renderActions(item) {
  $('actions').hidden = false;
  // Escalated comments are for senior moderators (the API refuses the others too).
  const seniorOnly = item.escalated && item.status === 'flagged' && state.me?.role === 'moderator';
  $('act-approve').hidden = item.status === 'approved' || seniorOnly;
  $('act-reject').hidden = item.status === 'rejected' || seniorOnly;
  $('act-escalate').hidden = item.status !== 'flagged';
  $('act-approve').querySelector('.label').textContent = item.status === 'rejected' ? 'Approve (overturn)' : 'Approve';
  $('act-reject').querySelector('.label').textContent = item.status === 'approved' ? 'Reject (overturn)…' : 'Reject…';
}

function renderAuthor(authorId) {
  const box = $('author-panel');
  if (!box) return;
  renderAuthorPanel(box, {
    api,
    authorId,
    done: (message) => {
      announce(message);
      if (state.context?.item.author.id === authorId) renderAuthor(authorId);
    },
    fail: (err, what) => handleError(err, what),
  });
}

async function takeClaim(id) {
  if (state.claimed && state.claimed !== id) await releaseClaim();
  // Counted as ours while the request is in flight, so a tab closed meanwhile still lets it go.
  state.claimed = id;
  try {
    await api.claim(id);
  } catch (err) {
    if (state.claimed === id) state.claimed = null;
    if (err.code === 'claimed') announce(`${err.details.claimedBy} is reviewing this comment right now.`);
  }
}

async function releaseClaim() {
  const id = state.claimed;
  state.claimed = null;
  if (id) await api.release(id).catch(() => undefined);
}
// Renew the claim while the moderator keeps reading (claims expire after two minutes).
setInterval(() => state.claimed && api.claim(state.claimed).catch(() => undefined), 60_000);

/** Takes items off the list; the count drops only by those that were on it. */
function removeItems(ids) {
  const current = currentId();
  const before = state.index;
  const gone = state.items.filter((i) => ids.includes(i.id)).length;
  if (!gone) return;
  state.items = state.items.filter((i) => !ids.includes(i.id));
  ids.forEach((id) => state.selected.delete(id));
  state.total = Math.max(0, state.total - gone);
  if (ids.includes(state.claimed)) state.claimed = null;
  renderQueue();
  const still = state.items.findIndex((i) => i.id === current);
  select(still >= 0 ? still : Math.min(before, state.items.length - 1), { open: !narrow() || state.view === 'detail' });
}

// ---- decisions -------------------------------------------------------------------------------
const PAST = { approve: 'Approved', reject: 'Rejected', escalate: 'Escalated', requeue: 'Returned to the queue' };
async function act(action, body = {}) {
  const item = state.items[state.index];
  if (!item) return;
  if ((action === 'approve' && item.status === 'approved') || (action === 'reject' && item.status === 'rejected') || (action === 'escalate' && item.status !== 'flagged')) return;
  try {
    const res = await api.act(item.id, action, { ...body, expectedStatus: item.status });
    const who = authorName(item.author);
    if (action === 'escalate') {
      announce(`Escalated the comment by ${who}.`);
      await loadQueue({ keep: null });
    } else {
      const overturn = item.status !== 'flagged' ? ' (overturned)' : '';
      const newStatus = res.item.status;
      announce(`${PAST[action]} the comment by ${who}${overturn}.`, { undo: { id: item.id, status: newStatus } });
      removeItems([item.id]);
      refreshTotal();
    }
  } catch (err) {
    if (err.code === 'claimed' || err.code === 'changed') {
      announce(err.message);
      return openItem(item.id);
    }
    handleError(err, `${action} the comment`);
  }
}

async function undo() {
  const target = takeUndo();
  if (!target) return;
  try {
    await api.act(target.id, 'requeue', { expectedStatus: target.status });
    announce('Undone: the comment is back in the flagged queue.');
    if (state.queue === 'flagged') await loadQueue({ keep: target.id });
  } catch (err) {
    handleError(err, 'undo');
  }
}

const dialog = $('reject-dialog');
let rejectTarget = null; // 'one' or 'bulk'
function openReject(target) {
  const item = state.items[state.index];
  if (target === 'one' && (!item || item.status === 'rejected')) return;
  if (target === 'bulk' && !state.selected.size) return;
  rejectTarget = target;
  $('reject-what').textContent = target === 'bulk' ? `${state.selected.size} selected comments` : `Comment by ${authorName(item.author)}`;
  $('reject-note').value = '';
  dialog.showModal();
  $('reject-code').focus();
}

async function bulk(action, body = {}) {
  const ids = [...state.selected];
  const expected = state.queue === 'approved' || state.queue === 'rejected' ? state.queue : 'flagged';
  try {
    const res = await api.bulk({ action, ids, expectedStatus: expected, ...body });
    const done = res.results.filter((r) => r.status === 200).map((r) => r.id);
    announce(`${action === 'approve' ? 'Approved' : 'Rejected'} ${done.length} of ${ids.length}.${res.refused ? ` ${res.refused} could not be decided (taken or changed by someone else).` : ''}`);
    removeItems(done);
    refreshTotal();
  } catch (err) {
    handleError(err, `${action} the selection`);
  }
}

// ---- live updates ----------------------------------------------------------------------------
let refreshTimer = null;
const STATUS_OF_QUEUE = { flagged: 'flagged', escalated: 'flagged', approved: 'approved', rejected: 'rejected' };
function scheduleReload() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => loadQueue(), 250);
}
function onEvent(event) {
  if (event.type === 'author') {
    if (state.context?.item.author.id === event.authorId) renderAuthor(event.authorId);
    if (event.rejected) scheduleReload();
    return;
  }
  if (event.type === 'reported') {
    if (state.queue === 'reported') scheduleReload();
    return;
  }
  if (event.type !== 'decided') return;
  const known = state.items.find((i) => i.id === event.id);
  const belongs = STATUS_OF_QUEUE[state.queue];
  if (known && belongs && event.status !== belongs) {
    if (event.decidedBy !== state.me?.name) announce(`A comment was ${event.status} by ${event.decidedBy}.`);
    removeItems([event.id]);
  } else if (!known && event.status === 'flagged' && state.queue === 'flagged') {
    announce('A new comment was flagged.');
    scheduleReload();
  } else if (state.queue === 'reported' || state.queue === 'article' || (belongs && event.status === belongs)) {
    scheduleReload();
  }
  refreshTotal();
}

// ---- wiring ----------------------------------------------------------------------------------
function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));
}

const helpDialog = $('help-dialog');
document.addEventListener('keydown', (e) => {
  if (!state.me || dialog.open || $('author-dialog').open || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
  if (e.key === '?') {
    e.preventDefault();
    if (helpDialog.open) helpDialog.close();
    else helpDialog.showModal();
    return;
  }
  if (helpDialog.open) return;
  if (TAB_KEYS[e.key]) {
    e.preventDefault();
    return setQueue(TAB_KEYS[e.key]);
  }
  if (e.key === '/') {
    e.preventDefault();
    return $('search-q').focus();
  }
  if (e.key === 'u' && canUndo()) {
    e.preventDefault();
    return undo();
  }
  const keys = {
    j: () => select(Math.min(state.index + 1, state.items.length - 1)),
    k: () => select(Math.max(state.index - 1, 0)),
    a: () => act('approve'),
    r: () => openReject('one'),
    e: () => act('escalate'),
    x: () => toggleSelected(currentId()),
  };
  const handler = keys[e.key];
  if (handler && state.items.length) {
    e.preventDefault();
    handler();
  }
});

function toggleSelected(id) {
  if (!id) return;
  if (state.selected.has(id)) state.selected.delete(id);
  else state.selected.add(id);
  const box = $('queue-list').querySelector(`li[data-id="${CSS.escape(id)}"] .select`);
  if (box) box.checked = state.selected.has(id);
  renderBulk();
}

$('queue-list').addEventListener('click', (e) => {
  const open = e.target.closest('.row-open');
  if (!open) return;
  if (narrow()) {
    setView('detail');
    window.scrollTo(0, 0);
  }
  select(Number(open.dataset.index));
});
$('back').addEventListener('click', () => {
  setView('list');
  $('queue-list').querySelector('li.current')?.scrollIntoView({ block: 'center' });
});
$('queue-list').addEventListener('change', (e) => {
  if (e.target.classList.contains('select')) toggleSelected(e.target.dataset.id);
});
$('tabs').addEventListener('click', (e) => {
  const tab = e.target.closest('button[data-queue]');
  if (tab) setQueue(tab.dataset.queue);
});
$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('search-q').value.trim();
  if (!text) return setQueue('flagged');
  state.search = { [$('search-in').value]: text, limit: '50' };
  setQueue('search');
});
$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('signin-error').textContent = '';
  try {
    await signIn($('token').value.trim());
  } catch (err) {
    state.token = '';
    $('signin-error').textContent = err.status === 401 ? 'That token was not accepted. Check it and try again.' : `Could not sign in: ${err.message}`;
  }
});
$('signout').addEventListener('click', async () => {
  await releaseClaim();
  signOut('Signed out.');
});
$('help').addEventListener('click', () => helpDialog.showModal());
$('undo').addEventListener('click', () => undo());
$('site').addEventListener('change', (e) => switchSite(e.target.value));
$('f-reason').append(...REASONS.map((c) => el('option', { value: c }, c)));
$('reject-code').append(...REJECT_CODES.map((c) => el('option', { value: c }, c)));
$('f-reason').addEventListener('change', (e) => setFilter('reason', e.target.value));
$('f-sort').addEventListener('change', (e) => setFilter('sort', e.target.value));
$('filters').addEventListener('submit', (e) => e.preventDefault());
$('refresh').addEventListener('click', () => loadQueue());
$('more').addEventListener('click', () => loadQueue({ append: true }));
$('act-approve').addEventListener('click', () => act('approve'));
$('act-reject').addEventListener('click', () => openReject('one'));
$('act-escalate').addEventListener('click', () => act('escalate'));
$('bulk-approve').addEventListener('click', () => bulk('approve'));
$('bulk-reject').addEventListener('click', () => openReject('bulk'));
$('bulk-clear').addEventListener('click', () => {
  state.selected.clear();
  renderQueue();
});
$('reject-cancel').addEventListener('click', () => dialog.close());
$('reject-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const body = { reasonCode: $('reject-code').value };
  const note = $('reject-note').value.trim();
  if (note) body.note = note;
  dialog.close();
  if (rejectTarget === 'bulk') bulk('reject', body);
  else act('reject', body);
});
window.addEventListener('pagehide', () => {
  state.live?.close();
  // Let go of the claim as the tab closes, so colleagues need not wait for it to expire.
  if (state.claimed) api.releaseOnExit(state.claimed);
});

setView('list');
announce('');
if (state.token) signIn(state.token).catch(() => signOut('Your session ended. Sign in again.'));
else $('token').focus();
