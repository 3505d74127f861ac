// The status line (messages that clear themselves, with an Undo button for a few seconds) and the
// live-connection pill in the top bar.
const $ = (id) => document.getElementById(id);
const STATUS_MS = 8000;
const UNDO_MS = 10000;
const LIVE_TEXT = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…', off: 'Offline' };

let timer = null; // clears the text
let undoTimer = null; // ends the pending undo
let undoTarget = null;

/**
 * Shows a message that clears itself; `undo` (any value) adds an Undo button for a few seconds. A message
 * without one (a colleague's decision, a new flag) leaves a pending undo in place until its own time is up.
 */
export function announce(text, { undo = null } = {}) {
  $('status-text').textContent = text;
  $('status').dataset.empty = text ? 'false' : 'true';
  if (undo) {
    undoTarget = undo;
    $('undo').hidden = false;
    clearTimeout(undoTimer);
    undoTimer = setTimeout(endUndo, UNDO_MS);
  }
  clearTimeout(timer);
  timer = setTimeout(clearText, undo ? UNDO_MS : STATUS_MS);
}
function clearText() {
  $('status-text').textContent = '';
  $('status').dataset.empty = undoTarget ? 'false' : 'true';
}
function endUndo() {
  undoTarget = null;
  $('undo').hidden = true;
  if (!$('status-text').textContent) $('status').dataset.empty = 'true';
}
announce.clear = () => {
  clearTimeout(timer);
  clearTimeout(undoTimer);
  undoTarget = null;
  $('undo').hidden = true;
  clearText();
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
