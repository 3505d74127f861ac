// The moderators' API as seen from the page: bearer token in a header, errors with their code.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function createApi(getToken, getSite) {
  async function call(method, path, body) {
    const headers = { Authorization: `Bearer ${getToken()}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch {
      throw new ApiError(0, 'network', 'The service cannot be reached. Check your connection.');
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!res.ok) {
      const err = data && data.error ? data.error : { code: 'http_' + res.status, message: `The service answered ${res.status}.` };
      throw new ApiError(res.status, err.code, err.message, err.details);
    }
    return data;
  }
  const site = (path) => `/v1/sites/${encodeURIComponent(getSite())}/moderation${path}`;
  return {
    me: () => call('GET', '/v1/moderation/me'),
    queue: (params) => call('GET', site('/queue?' + new URLSearchParams(params).toString())),
    item: (id) => call('GET', site(`/queue/${encodeURIComponent(id)}`)),
    claim: (id) => call('POST', site(`/queue/${encodeURIComponent(id)}/claim`)),
    release: (id) => call('DELETE', site(`/queue/${encodeURIComponent(id)}/claim`)),
    releaseOnExit: (id) =>
      fetch(site(`/queue/${encodeURIComponent(id)}/claim`), { method: 'DELETE', keepalive: true, headers: { Authorization: `Bearer ${getToken()}` } }).catch(() => undefined),
    act: (id, action, body) => call('POST', site(`/queue/${encodeURIComponent(id)}/${action}`), body),
    bulk: (body) => call('POST', site('/queue/bulk'), body),
    ticket: () => call('POST', site('/events/ticket')),
    eventsUrl: (ticket, lastEventId) => site('/events?ticket=' + encodeURIComponent(ticket) + (lastEventId ? '&lastEventId=' + encodeURIComponent(lastEventId) : '')),
    search: (params) => call('GET', site('/search?' + new URLSearchParams(params).toString())),
    author: (id) => call('GET', site(`/authors/${encodeURIComponent(id)}`)),
    authorAction: (id, body) => call('POST', site(`/authors/${encodeURIComponent(id)}/actions`), body),
    authorNote: (id, text) => call('POST', site(`/authors/${encodeURIComponent(id)}/notes`), { text }),
    desk: () => call('GET', site('/desk')),
  };
}
