// Dates are shown in the operator's local time; the title of each keeps the UTC instant.

const pad = (n) => String(n).padStart(2, '0');

export function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The value of an <input type="datetime-local"> for an instant. */
export function toLocalInput(iso) {
  const text = localTime(iso);
  return text ? text.replace(' ', 'T') : '';
}

/** An <input type="datetime-local"> value (local time) as an ISO 8601 UTC instant. */
export function fromLocalInput(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function duration(ms) {
  if (ms === null || ms === undefined || ms < 0) return '';
  const s = Math.floor(ms / 1000);
  if (s < 1) return `${Math.round(ms)} ms`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h ${pad(m)}m ${pad(s % 60)}s` : m ? `${m}m ${pad(s % 60)}s` : `${s}s`;
}

/** The CSS class of a status display name: "Waiting for Approval" → status-waiting-for-approval. */
export function statusClass(status) {
  return `status-${String(status ?? '').toLowerCase().replace(/[^a-z]+/g, '-')}`;
}

/** Creates an element: el('td', { class: 'x', title: 't' }, child, 'text', ...). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    // Through the CSSOM: the content security policy forbids style attributes.
    else if (key === 'style') Object.assign(node.style, value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A date for a cell; short: to the minute (the title keeps the UTC instant). */
export function timeCell(iso, short = false) {
  const text = localTime(iso);
  return el('time', { datetime: iso ?? undefined, title: iso ? new Date(iso).toISOString() : undefined }, short ? text.slice(0, 16) : text);
}

export function statusBadge(status) {
  return el('span', { class: `status ${statusClass(status)}` }, status ?? '');
}

export function progressBar(progress) {
  // The API gives 0..1 or 0..100; show a percentage either way.
  const value = Math.max(0, Math.min(100, progress > 1 ? progress : (progress ?? 0) * 100));
  return el('span', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(value), title: `${Math.round(value)} %` },
    el('span', { class: 'progress-fill', style: { width: `${value}%` } }), el('span', { class: 'progress-text' }, `${Math.round(value)}%`));
}

export function natureChips(natures) {
  return el('span', { class: 'natures' }, (natures ?? []).map((n) => el('span', { class: 'chip' }, n)));
}

/** Remaining time of a deadline, "4m 09s", or "due". */
export function remaining(deadline) {
  if (!deadline) return '';
  const ms = new Date(deadline).getTime() - Date.now();
  return ms > 0 ? duration(ms) : 'due';
}
