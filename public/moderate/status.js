// The status line (messages that clear themselves, with an Undo button for a few seconds) and the
// live-connection pill in the top bar.
const $ = (id) => document.getElementById(id);
const STATUS_MS = 8000;
const UNDO_MS = 10000;
const LIVE_TEXT = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…', off: 'Offline' };

let timer = null;
let undoTarget = null;

/** Shows a message that clears itself; `undo` (any value) adds an Undo button for a few seconds. */
export function announce(text, { undo = null } = {}) {
  $('status-text').textContent = text;
  $('status').dataset.empty = text ? 'false' : 'true';
  undoTarget = undo;
  $('undo').hidden = !undo;
  clearTimeout(timer);
  timer = setTimeout(() => announce.clear(), undo ? UNDO_MS : STATUS_MS);
}
announce.clear = () => {
  $('status-text').textContent = '';
  $('status').dataset.empty = 'true';
  $('undo').hidden = true;
  undoTarget = null;
};

/** The pending undo (and forgets it), or null once it expired or was used. */
export function takeUndo() {
  const target = undoTarget;
  undoTarget = null;
  $('undo').hidden = true;
  return target;
}

export const canUndo = () => undoTarget !== null;

export function showLive(value) {
  $('live').textContent = LIVE_TEXT[value] || value;
  $('live').dataset.state = value;
}
