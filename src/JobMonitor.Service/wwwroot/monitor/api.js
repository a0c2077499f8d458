// Talks to the JobMonitor API with the session cookie. The API key itself is only ever sent once, by the sign-in
// form, and never kept by the page.

export class ApiError extends Error {
  constructor(status, problem) {
    super(ApiError.describe(status, problem));
    this.status = status;
    this.problem = problem ?? {};
  }

  static describe(status, problem) {
    if (problem?.reason) return `${problem.reason}${problem.detail ? `: ${problem.detail}` : ''}`;
    const fields = problem?.errors ? Object.values(problem.errors).flat().join(' ') : '';
    return fields || problem?.detail || problem?.title || `HTTP ${status}`;
  }
}

/** Sends to the sign-in page, remembering where the operator was (a path of the monitor, nothing else). */
export function signIn() {
  const next = encodeURIComponent(location.pathname + location.search);
  location.assign(`/monitor/signin.html?next=${next}`);
}

export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, signal, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && !path.startsWith('/api/session')) {
    signIn();
    throw new ApiError(401, { title: 'Signed out' });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text }; }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Builds a query string from an object, skipping empty values; arrays repeat the key. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== '') search.append(key, item);
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Follows a server-sent event stream; when the server has none (an older service) or it breaks for good, calls
 * poll every pollMs instead, until the stream can be opened again. Returns a function that stops everything.
 */
export function follow(url, handlers, { poll, pollMs = 3000, onState } = {}) {
  let source = null;
  let timer = null;
  let stopped = false;
  let retry = null;

  const startPolling = () => {
    onState?.('polling');
    if (poll && !timer) timer = setInterval(() => poll(), pollMs);
    // Try the stream again now and then: the service may have been upgraded or restarted.
    retry ??= setTimeout(() => { retry = null; if (!stopped) open(); }, 30000);
  };

  const open = () => {
    source = new EventSource(typeof url === 'function' ? url() : url);
    source.onopen = () => {
      onState?.('live');
      if (timer) { clearInterval(timer); timer = null; }
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) startPolling();
      else onState?.('reconnecting');
    };
    for (const [event, handle] of Object.entries(handlers)) {
      source.addEventListener(event, (message) => {
        let data;
        try { data = JSON.parse(message.data); } catch { return; }
        handle(data, message);
      });
    }
  };

  open();
  return () => {
    stopped = true;
    source?.close();
    if (timer) clearInterval(timer);
    if (retry) clearTimeout(retry);
  };
}
