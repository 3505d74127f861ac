// Live updates over server-sent events. EventSource cannot send the token as a header, so each
// connection first trades it for a single-use ticket; on any error the page reconnects with a
// new ticket, backing off up to 15 s, and names the last event it saw so the server replays what
// was missed meanwhile (`onGap` when the server could not: the page reloads instead).

export function connectEvents(api, { onEvent, onState, onGap, onReady = () => undefined }) {
  let source = null;
  let closed = false;
  let retryMs = 1000;
  let timer = null;
  let lastEventId = null;

  const setLive = (value) => {
    document.body.dataset.live = value;
    onState(value);
  };

  async function open() {
    if (closed) return;
    setLive(lastEventId === null ? 'connecting' : 'reconnecting');
    let ticket;
    try {
      ({ ticket } = await api.ticket());
    } catch (err) {
      if (err.status === 401 || err.status === 403) return setLive('off');
      return retry();
    }
    if (closed) return;
    const reconnecting = lastEventId !== null;
    source = new EventSource(api.eventsUrl(ticket, lastEventId));
    source.addEventListener('ready', (e) => {
      retryMs = 1000;
      let info = {};
      try {
        info = JSON.parse(e.data);
      } catch {
        info = {};
      }
      if (e.lastEventId) lastEventId = e.lastEventId;
      setLive('connected');
      onReady(info);
      if (reconnecting && info.gap) onGap();
    });
    source.onmessage = (e) => {
      if (e.lastEventId) lastEventId = e.lastEventId;
      try {
        onEvent(JSON.parse(e.data));
      } catch {
        // ignore a malformed event rather than break the page
      }
    };
    source.onerror = () => {
      source.close();
      source = null;
      retry();
    };
  }

  function retry() {
    if (closed) return;
    setLive('reconnecting');
    timer = setTimeout(open, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  }

  open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      source?.close();
      setLive('off');
    },
    /** Drops the connection as a network failure would (tests, and the page's "reconnect" control). */
    drop() {
      source?.close();
      source = null;
      retry();
    },
  };
}
