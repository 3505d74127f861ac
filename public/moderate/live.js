// Live updates over server-sent events. EventSource cannot send the token as a header, so each
// connection first trades it for a single-use ticket; on any error the page reconnects with a
// new ticket, backing off up to 15 s.

export function connectEvents(api, onEvent, onStatus) {
  let source = null;
  let closed = false;
  let retryMs = 1000;
  let timer = null;

  const setLive = (value) => {
    document.body.dataset.live = value;
  };

  async function open() {
    if (closed) return;
    setLive('connecting');
    let ticket;
    try {
      ({ ticket } = await api.ticket());
    } catch (err) {
      if (err.status === 401 || err.status === 403) return setLive('off');
      return retry();
    }
    if (closed) return;
    source = new EventSource(api.eventsUrl(ticket));
    source.addEventListener('ready', () => {
      retryMs = 1000;
      setLive('connected');
    });
    source.onmessage = (e) => {
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
    onStatus('Live updates interrupted; reconnecting…');
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
  };
}
