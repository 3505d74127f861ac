// The author panel of the item pane: the author's standing (banned, suspended, pre-moderated,
// trusted), actions on them through the author dialog, and notes every moderator of the site sees.
import { el, when } from './render.js';

function standing(state) {
  const out = [];
  if (state.banned) out.push(el('span', { class: 'badge rejected' }, `banned by ${state.banned.by}`));
  if (state.suspendedUntil && Date.parse(state.suspendedUntil) > Date.now()) out.push(el('span', { class: 'badge rejected' }, `suspended until ${when(state.suspendedUntil)}`));
  if (state.premoderate) out.push(el('span', { class: 'badge flagged' }, 'pre-moderated'));
  if (state.trusted) out.push(el('span', { class: 'badge approved' }, 'trusted'));
  return out.length ? out : [el('span', { class: 'muted' }, 'No standing decisions.')];
}

/** Fills `box` with the author's record and its action buttons; `done(message)` reports success. */
export async function renderAuthorPanel(box, { api, authorId, done, fail }) {
  let record;
  try {
    record = await api.author(authorId);
  } catch (err) {
    box.replaceChildren(el('p', { class: 'state error' }, `Could not load the author: ${err.message}`));
    return;
  }
  const { state, notes, log } = record;
  const suspended = state.suspendedUntil && Date.parse(state.suspendedUntil) > Date.now();
  const actions = [
    state.banned ? ['unban', 'Unban'] : ['ban', 'Ban…'],
    suspended ? ['unsuspend', 'End suspension'] : ['suspend', 'Suspend…'],
    state.premoderate ? ['premoderate-off', 'Stop pre-moderating'] : ['premoderate-on', 'Always pre-moderate'],
    state.trusted ? ['trust-off', 'Stop trusting'] : ['trust-on', 'Trust'],
  ];
  const buttons = actions.map(([kind, label]) => {
    const b = el('button', { type: 'button', class: kind === 'ban' || kind === 'suspend' ? 'danger small' : 'quiet small', 'data-author-action': kind }, label);
    b.addEventListener('click', async () => {
      const body = await askAuthorAction(kind, authorId);
      if (!body) return;
      try {
        const res = await api.authorAction(authorId, body);
        done(`${res.action.action} · ${authorId}${res.action.rejected !== undefined ? ` · ${res.action.rejected} pending comments rejected` : ''}`);
      } catch (err) {
        fail(err, `${body.action} the author`);
      }
    });
    return b;
  });
  const noteInput = el('textarea', { id: 'note-text', rows: '2', maxlength: '2000', 'aria-label': 'Note about this author for all moderators' });
  const addNote = el('button', { type: 'button', class: 'quiet small' }, 'Add note');
  addNote.addEventListener('click', async () => {
    const text = noteInput.value.trim();
    if (!text) return;
    try {
      await api.authorNote(authorId, text);
      done('Note added.');
    } catch (err) {
      fail(err, 'add the note');
    }
  });
  const parts = [
    el('p', { class: 'badges standing' }, standing(state)),
    el('div', { class: 'author-actions' }, buttons),
    el('h4', {}, `Notes (${notes.length})`),
    notes.length ? el('ul', { class: 'notes' }, notes.map((n) => el('li', {}, el('span', { class: 'muted' }, `${n.by} · ${when(n.at)}: `), n.text))) : null,
    el('div', { class: 'note-form' }, noteInput, addNote),
    log.length ? el('details', {}, el('summary', {}, `Actions on this author (${log.length})`), el('ol', {}, log.map((a) => el('li', {}, `${when(a.at)} · ${a.action} by ${a.by}`, a.until ? ` until ${when(a.until)}` : '', a.rejected !== undefined ? ` · ${a.rejected} rejected` : '', a.note ? ` · “${a.note}”` : '')))) : null,
  ];
  box.replaceChildren(...parts.filter(Boolean));
}

/** The body of an author action from the dialog's fields. */
function authorActionBody(kind, { note, rejectPending, hours, reasonCode }) {
  const base = note ? { note } : {};
  switch (kind) {
    case 'ban': return { action: 'ban', rejectPending, reasonCode, ...base };
    case 'unban': return { action: 'unban', ...base };
    case 'suspend': return { action: 'suspend', hours, ...base };
    case 'unsuspend': return { action: 'unsuspend', ...base };
    case 'premoderate-on': return { action: 'premoderate', on: true, ...base };
    case 'premoderate-off': return { action: 'premoderate', on: false, ...base };
    case 'trust-on': return { action: 'trust', on: true, ...base };
    case 'trust-off': return { action: 'trust', on: false, ...base };
    default: return null;
  }
}

// ---- the author dialog: confirms an action, with a note (and the ban's / suspension's options) ----
const $ = (id) => document.getElementById(id);
const AUTHOR_TITLES = {
  ban: 'Ban this author', unban: 'Lift the ban', suspend: 'Suspend this author', unsuspend: 'End the suspension',
  'premoderate-on': 'Pre-moderate every comment of this author', 'premoderate-off': 'Stop pre-moderating this author',
  'trust-on': 'Trust this author (publish without checks)', 'trust-off': 'Stop trusting this author',
};
let resolveDialog = null;

/** Asks to confirm `kind` on the author; resolves with the action's body, or null when cancelled. */
export function askAuthorAction(kind, authorId) {
  $('author-dialog-title').textContent = AUTHOR_TITLES[kind];
  $('author-what').textContent = `Author ${authorId}. The CMS is told, and the action is kept in the audit trail.`;
  $('author-hours-label').hidden = kind !== 'suspend';
  $('author-pending-label').hidden = kind !== 'ban';
  $('author-note').value = '';
  $('author-confirm').dataset.kind = kind;
  $('author-dialog').showModal();
  return new Promise((resolve) => {
    resolveDialog = resolve;
  });
}

function settle(body) {
  resolveDialog?.(body);
  resolveDialog = null;
}

$('author-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const kind = $('author-confirm').dataset.kind;
  const body = authorActionBody(kind, { note: $('author-note').value.trim(), rejectPending: $('author-pending').checked, hours: Number($('author-hours').value), reasonCode: 'HARASSMENT' });
  settle(body);
  $('author-dialog').close();
});
$('author-cancel').addEventListener('click', () => $('author-dialog').close());
$('author-dialog').addEventListener('close', () => settle(null));
