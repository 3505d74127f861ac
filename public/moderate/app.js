// The moderators' page: sign in, the flagged queue with live updates, keyboard-driven decisions.
import { createApi } from './api.js';
import { detail, el, queueRow } from './render.js';
import { connectEvents } from './live.js';

const REASONS = ['TOXICITY', 'INSULT', 'HARASSMENT', 'THREAT', 'IDENTITY_ATTACK', 'PROFANITY', 'OFF_TOPIC', 'SPAM', 'REPEAT_POST', 'BANNED_WORD', 'SUSPECT_WORD', 'SITE_STANDARD', 'PREMODERATION', 'MODERATOR'];
const REJECT_CODES = REASONS.filter((c) => c !== 'MODERATOR' && c !== 'PREMODERATION');
const $ = (id) => document.getElementById(id);

const state = {
  token: sessionStorage.getItem('moderatorToken') || '',
  site: sessionStorage.getItem('moderatorSite') || '',
  me: null,
  items: [],
  total: 0,
  cursor: null,
  index: -1,
  selected: new Set(),
  filters: { reason: '', sort: 'priority', articleId: '', authorId: '' },
  context: null,
  claimed: null,
  live: null,
};
const api = createApi(() => state.token, () => state.site);

function announce(text) {
  $('status').textContent = text;
}

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
  $('shortcuts').hidden = false;
  await switchSite(state.site);
}

function signOut(message) {
  sessionStorage.removeItem('moderatorToken');
  state.live?.close();
  Object.assign(state, { token: '', me: null, items: [], index: -1, context: null, live: null });
  state.selected.clear();
  $('workspace').hidden = true;
  $('session').hidden = true;
  $('shortcuts').hidden = true;
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
  state.live = connectEvents(api, onEvent, (text) => announce(text));
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
  if (err.status === 403) return showState('error', `This token has no access to site “${state.site}”. Pick another site above.`);
  const text = `Could not ${what}: ${err.message}`;
  announce(text);
  return text;
}

const currentId = () => state.items[state.index]?.id ?? null;

async function loadQueue({ keep = currentId(), append = false } = {}) {
  const params = { sort: state.filters.sort, limit: '50' };
  for (const k of ['reason', 'articleId', 'authorId']) if (state.filters[k]) params[k] = state.filters[k];
  if (append && state.cursor) params.cursor = state.cursor;
  let page;
  try {
    page = await api.queue(params);
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
  if (!append) select(at >= 0 ? at : state.items.length ? 0 : -1, { focus: false });
}

function renderQueue() {
  const filtered = state.filters.reason || state.filters.articleId || state.filters.authorId;
  $('total').textContent = `(${state.total})`;
  $('queue-list').replaceChildren(...state.items.map((item, index) => queueRow(item, { index, me: state.me?.name, selected: state.selected.has(item.id), current: index === state.index })));
  $('more').hidden = !state.cursor;
  if (state.items.length) showState(null);
  else if (filtered) showState('empty', 'Nothing in the queue matches these filters. Clear a filter above to see more.');
  else showState('empty', 'No flagged comments right now. New ones appear here by themselves as they are flagged.');
  renderBulk();
  renderChips();
}

function renderChips() {
  const chips = [];
  for (const [key, label] of [['articleId', 'Article'], ['authorId', 'Author']]) {
    if (!state.filters[key]) continue;
    const button = el('button', { type: 'button', class: 'chip', 'aria-label': `Remove filter ${label} ${state.filters[key]}` }, `${label}: ${state.filters[key]} ×`);
    button.addEventListener('click', () => setFilter(key, ''));
    chips.push(button);
  }
  $('f-chips').replaceChildren(...chips);
}

function setFilter(key, value) {
  state.filters[key] = value;
  loadQueue({ keep: null });
}

function renderBulk() {
  $('bulk').hidden = state.selected.size === 0;
  $('selected-count').textContent = `${state.selected.size} selected`;
}

// ---- the current item ------------------------------------------------------------------------
let detailTimer = null;
function select(index, { focus = true } = {}) {
  if (index >= state.items.length) index = state.items.length - 1;
  state.index = index;
  for (const li of $('queue-list').children) {
    const current = li.dataset.id === currentId();
    li.classList.toggle('current', current);
    const open = li.querySelector('.row-open');
    if (current) open.setAttribute('aria-current', 'true');
    else open.removeAttribute('aria-current');
    if (current && focus) open.focus();
    if (current) li.scrollIntoView({ block: 'nearest' });
  }
  clearTimeout(detailTimer);
  if (index < 0) {
    state.context = null;
    $('actions').hidden = true;
    $('detail-body').replaceChildren(el('p', { class: 'state' }, 'Nothing selected.'));
    return releaseClaim();
  }
  detailTimer = setTimeout(() => openItem(currentId()), 80);
}

async function openItem(id) {
  try {
    const ctx = await api.item(id);
    if (id !== currentId()) return;
    state.context = ctx;
    $('detail-body').replaceChildren(detail(ctx, { me: state.me?.name, onFilterAuthor: (a) => setFilter('authorId', a), onFilterArticle: (a) => setFilter('articleId', a) }));
    $('actions').hidden = false;
    await takeClaim(id);
  } catch (err) {
    const text = handleError(err, 'open the comment');
    if (text) $('detail-body').replaceChildren(el('p', { class: 'state error' }, `${text} Select it again to retry.`));
  }
}

async function takeClaim(id) {
  if (state.claimed && state.claimed !== id) await releaseClaim();
  try {
    await api.claim(id);
    state.claimed = id;
  } catch (err) {
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

function removeItems(ids) {
  const current = currentId();
  const before = state.index;
  state.items = state.items.filter((i) => !ids.includes(i.id));
  ids.forEach((id) => state.selected.delete(id));
  state.total = Math.max(0, state.total - ids.length);
  if (ids.includes(state.claimed)) state.claimed = null;
  renderQueue();
  const still = state.items.findIndex((i) => i.id === current);
  select(still >= 0 ? still : Math.min(before, state.items.length - 1));
}

// ---- decisions -------------------------------------------------------------------------------
async function act(action, body = {}) {
  const item = state.items[state.index];
  if (!item) return;
  try {
    await api.act(item.id, action, { ...body, expectedStatus: 'flagged' });
    if (action === 'escalate') {
      announce(`Escalated the comment by ${item.author.name || item.author.id}.`);
      await loadQueue({ keep: null });
    } else {
      announce(`${action === 'approve' ? 'Approved' : 'Rejected'} the comment by ${item.author.name || item.author.id}.`);
      removeItems([item.id]);
    }
  } catch (err) {
    if (err.code === 'claimed' || err.code === 'changed') {
      announce(err.message);
      return openItem(item.id);
    }
    handleError(err, `${action} the comment`);
  }
}

const dialog = $('reject-dialog');
let rejectTarget = null; // 'one' or 'bulk'
function openReject(target) {
  if (target === 'one' && !state.items[state.index]) return;
  if (target === 'bulk' && !state.selected.size) return;
  rejectTarget = target;
  $('reject-what').textContent = target === 'bulk' ? `${state.selected.size} selected comments` : `Comment by ${state.items[state.index].author.name || state.items[state.index].author.id}`;
  $('reject-note').value = '';
  dialog.showModal();
  $('reject-code').focus();
}

async function bulk(action, body = {}) {
  const ids = [...state.selected];
  try {
    const res = await api.bulk({ action, ids, expectedStatus: 'flagged', ...body });
    const done = res.results.filter((r) => r.status === 200).map((r) => r.id);
    announce(`${action === 'approve' ? 'Approved' : 'Rejected'} ${done.length} of ${ids.length}.${res.refused ? ` ${res.refused} could not be decided (taken or changed by someone else).` : ''}`);
    removeItems(done);
  } catch (err) {
    handleError(err, `${action} the selection`);
  }
}

// ---- live updates ----------------------------------------------------------------------------
let refreshTimer = null;
function onEvent(event) {
  if (event.type !== 'decided') return;
  const known = state.items.some((i) => i.id === event.id);
  if (event.status === 'flagged') {
    if (!known) announce('A new comment was flagged.');
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => loadQueue(), 250);
  } else if (known) {
    if (event.decidedBy !== state.me?.name) announce(`A comment was ${event.status} by ${event.decidedBy}.`);
    removeItems([event.id]);
  }
}

// ---- wiring ----------------------------------------------------------------------------------
function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));
}

document.addEventListener('keydown', (e) => {
  if (!state.me || dialog.open || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
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
  if (open) select(Number(open.dataset.index));
});
$('queue-list').addEventListener('change', (e) => {
  if (e.target.classList.contains('select')) toggleSelected(e.target.dataset.id);
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

if (state.token) signIn(state.token).catch(() => signOut('Your session ended. Sign in again.'));
else $('token').focus();
