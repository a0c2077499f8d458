import { api, query, follow } from './api.js';
import { el, timeCell, statusBadge, progressBar, natureChips, fromLocalInput, toLocalInput } from './format.js';
import { renderNav, notify, jobPage } from './nav.js';
import { actionButtons } from './actions.js';

const ROW = 36; // px, fixed: the table renders only the rows in view
const OVERSCAN = 10;
const PAGE = 200;
const ASK = 100; // changed jobs asked about at once: their ids must fit in one URL
const FILTERS = ['q', 'project', 'environment', 'type', 'step', 'nature', 'scheduledFrom', 'scheduledTo', 'sort', 'order'];

const grid = document.getElementById('grid');
const body = document.querySelector('#jobs tbody');
const form = document.getElementById('filters');
const tabs = document.getElementById('tabs');

const state = {
  statuses: [], // from the API
  status: '',
  items: [],
  byId: new Map(),
  cursor: null,
  loading: false,
  selected: null,
  counts: {},
  generation: 0,
};

// Filters live in the address bar (never anything secret), so a reload or a shared link keeps them.
function readFilters() {
  const params = new URLSearchParams(location.search);
  state.status = params.get('status') ?? '';
  for (const name of FILTERS) {
    const input = form.elements[name];
    const value = params.get(name) ?? '';
    input.value = input.type === 'datetime-local' ? toLocalInput(value) : value;
  }
  if (!form.elements.sort.value) form.elements.sort.value = 'created';
  if (!form.elements.order.value) form.elements.order.value = 'desc';
}

function filters() {
  const values = {};
  for (const name of FILTERS) {
    const input = form.elements[name];
    values[name] = input.type === 'datetime-local' ? fromLocalInput(input.value) : input.value.trim();
  }
  return values;
}

function writeFilters() {
  const values = { ...filters(), status: state.status };
  if (values.sort === 'created') delete values.sort;
  if (values.order === 'desc') delete values.order;
  history.replaceState(null, '', `${location.pathname}${query(values)}`);
}

function listUrl(cursor, limit = PAGE, withStatus = true, id = []) {
  return `/api/jobs${query({ ...filters(), status: withStatus ? state.status : '', cursor, limit, id })}`;
}

// ---- tabs ----

function renderTabs() {
  const total = Object.values(state.counts).reduce((a, b) => a + b, 0);
  const tab = (status, label, count) => el('button', {
    type: 'button', role: 'tab', class: 'tab', 'aria-selected': String(state.status === status),
    tabindex: state.status === status ? 0 : -1, dataset: { status },
    onclick: () => selectStatus(status),
  }, label, count === undefined ? null : el('span', { class: 'count' }, count));
  tabs.replaceChildren(
    tab('', 'All', state.countsKnown ? total : undefined),
    ...state.statuses.map((s) => tab(s, s, state.countsKnown ? state.counts[s] ?? 0 : undefined)));
}

tabs.addEventListener('keydown', (event) => {
  if (!['ArrowLeft', 'ArrowRight'].includes(event.key)) return;
  const all = [...tabs.querySelectorAll('[role=tab]')];
  const index = all.indexOf(document.activeElement);
  const next = all[(index + (event.key === 'ArrowRight' ? 1 : all.length - 1)) % all.length];
  next.focus();
  selectStatus(next.dataset.status);
});

function selectStatus(status) {
  state.status = status;
  renderTabs();
  tabs.querySelector(`[data-status="${CSS.escape(status)}"]`)?.focus();
  reload();
}

// ---- loading ----

async function reload() {
  writeFilters();
  const generation = ++state.generation;
  state.loading = true;
  try {
    const page = await api(listUrl());
    if (generation !== state.generation) return;
    state.items = [];
    state.byId.clear();
    append(page.items ?? []);
    state.cursor = page.nextCursor ?? null;
    takeCounts(page.counts);
    grid.scrollTop = 0;
    render();
  } catch (e) {
    notify(`Could not load jobs: ${e.message}`, 'error');
  } finally {
    if (generation === state.generation) state.loading = false;
  }
}

async function loadMore() {
  if (state.loading || !state.cursor) return;
  const generation = state.generation;
  state.loading = true;
  try {
    const page = await api(listUrl(state.cursor));
    if (generation !== state.generation) return;
    append(page.items ?? []);
    state.cursor = page.nextCursor ?? null;
    render();
  } catch (e) {
    notify(`Could not load more jobs: ${e.message}`, 'error');
  } finally {
    if (generation === state.generation) state.loading = false;
  }
}

function append(items) {
  for (const item of items) {
    if (state.byId.has(item.id)) continue;
    state.items.push(item);
    state.byId.set(item.id, item);
  }
}

function takeCounts(counts) {
  if (!counts) return;
  state.counts = counts;
  state.countsKnown = true;
  renderTabs();
}

let countsTimer = null;
/** Counts change with every event; ask for them at most every 2 s. */
function refreshCountsSoon() {
  if (countsTimer) return;
  countsTimer = setTimeout(async () => {
    countsTimer = null;
    try { takeCounts((await api(listUrl(null, 1, false))).counts); } catch { /* the next event tries again */ }
  }, 2000);
}

// ---- live updates ----

// Whether a changed job belongs in the table is the server's to say, with the list's own filter: the jobs changed
// since the last answer go to GET /api/jobs with the table's filters and their ids, one question at a time, and the
// answer holds those that match as they are now (so events arriving out of order never bring an older version back).
const changed = new Set();
let asking = false;

function changedJob(id) {
  changed.add(id);
  askAboutChanged();
}

async function askAboutChanged() {
  if (asking || changed.size === 0) return;
  asking = true;
  const ids = [...changed].slice(0, ASK);
  for (const id of ids) changed.delete(id);
  const generation = state.generation;
  try {
    const page = await api(listUrl(null, ids.length, true, ids));
    if (generation === state.generation) {
      const matching = new Map((page.items ?? []).map((item) => [item.id, item]));
      for (const id of ids) {
        if (matching.has(id)) upsert(matching.get(id));
        else remove(id);
      }
    }
  } catch { /* shown by the live indicator; a reconnect catches up */ }
  finally {
    asking = false;
    askAboutChanged();
  }
}

/**
 * Puts a job the list API answered for the table's filters in the table, without moving what the operator looks at:
 * rows added or removed above keep the view still.
 */
function upsert(item) {
  const index = state.items.findIndex((j) => j.id === item.id);
  if (index >= 0) {
    state.items[index] = item;
    state.byId.set(item.id, item);
  } else {
    const newestFirst = (form.elements.order.value || 'desc') === 'desc' && (form.elements.sort.value || 'created') === 'created';
    if (newestFirst) {
      state.items.unshift(item);
      if (grid.scrollTop > 0) grid.scrollTop += ROW;
    } else if (!state.cursor) {
      state.items.push(item);
    } else {
      return; // it belongs on a page not loaded yet
    }
    state.byId.set(item.id, item);
  }
  scheduleRender();
}

function remove(id) {
  const index = state.items.findIndex((j) => j.id === id);
  if (index < 0) return;
  state.items.splice(index, 1);
  state.byId.delete(id);
  if (index * ROW < grid.scrollTop) grid.scrollTop -= ROW;
  scheduleRender();
}

/** After a broken stream, or when polling: the first page again, merged into what is loaded. */
async function catchUp() {
  try {
    const page = await api(listUrl(null, PAGE));
    for (const item of [...(page.items ?? [])].reverse()) upsert(item);
    takeCounts(page.counts);
  } catch { /* shown by the live indicator; the next poll tries again */ }
}

// ---- rendering (virtual: only the rows in view are in the DOM) ----

let renderPending = false;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => { renderPending = false; render(); });
}

function cells(item) {
  return [
    el('td', {}, el('a', { href: jobPage('job', item), class: 'key' }, item.key)),
    el('td', { title: item.name }, item.name),
    el('td', {}, item.project), el('td', {}, item.environment), el('td', {}, item.type),
    el('td', {}, statusBadge(item.status)),
    el('td', {}, item.step),
    el('td', {}, progressBar(item.progress)),
    el('td', {}, natureChips(item.natures)),
    el('td', {}, timeCell(item.scheduledAt, true)), el('td', {}, timeCell(item.maxStartAt, true)),
    el('td', {}, timeCell(item.startedAt, true)), el('td', {}, timeCell(item.endedAt, true)),
    el('td', {}, item.owner ?? ''),
    el('td', {}, actionButtons(item, { compact: true })),
  ];
}

function render() {
  const total = state.items.length;
  document.getElementById('jobs').setAttribute('aria-rowcount', String(total + 1));
  document.getElementById('empty').hidden = total > 0 || state.loading;
  const height = grid.clientHeight || 600;
  const first = Math.max(0, Math.floor(grid.scrollTop / ROW) - OVERSCAN);
  const last = Math.min(total, Math.ceil((grid.scrollTop + height) / ROW) + OVERSCAN);
  const rows = [];
  const spacer = (count) => el('tr', { class: 'spacer', 'aria-hidden': 'true' }, el('td', { colspan: 15, style: { height: `${count * ROW}px` } }));
  if (first > 0) rows.push(spacer(first));
  for (let i = first; i < last; i++) {
    const item = state.items[i];
    rows.push(el('tr', {
      class: `row${item.id === state.selected ? ' selected' : ''}`,
      'aria-rowindex': i + 2,
      'aria-selected': String(item.id === state.selected),
      dataset: { id: item.id, key: item.key, status: item.status },
    }, cells(item)));
  }
  if (last < total) rows.push(spacer(total - last));
  // Keep keyboard focus on the same job across a re-render.
  const focusedId = document.activeElement?.closest?.('tr.row')?.dataset.id;
  const focusedAction = document.activeElement?.dataset?.action;
  body.replaceChildren(...rows);
  if (focusedId) {
    const row = body.querySelector(`tr[data-id="${CSS.escape(focusedId)}"]`);
    (focusedAction ? row?.querySelector(`[data-action="${focusedAction}"]`) : row?.querySelector('a.key'))?.focus({ preventScroll: true });
  }
  document.getElementById('summary').textContent =
    `${total} job${total === 1 ? '' : 's'} loaded${state.cursor ? ' — scroll for more' : ''}`;
  if (state.cursor && last >= total - OVERSCAN) loadMore();
}

grid.addEventListener('scroll', scheduleRender, { passive: true });
window.addEventListener('resize', scheduleRender);

function select(id, focus) {
  state.selected = id;
  render();
  const index = state.items.findIndex((j) => j.id === id);
  if (index < 0) return;
  const top = index * ROW;
  const headerHeight = document.querySelector('#jobs thead').offsetHeight;
  if (top < grid.scrollTop) grid.scrollTop = top;
  else if (top + ROW > grid.scrollTop + grid.clientHeight - headerHeight) grid.scrollTop = top + ROW - grid.clientHeight + headerHeight;
  render();
  if (focus) body.querySelector(`tr[data-id="${CSS.escape(id)}"] a.key`)?.focus({ preventScroll: true });
}

body.addEventListener('click', (event) => {
  const row = event.target.closest('tr.row');
  if (row) select(row.dataset.id, false);
});

body.addEventListener('focusin', (event) => {
  const row = event.target.closest('tr.row');
  if (row && row.dataset.id !== state.selected) {
    state.selected = row.dataset.id;
    body.querySelectorAll('tr.row').forEach((r) => {
      r.classList.toggle('selected', r.dataset.id === state.selected);
      r.setAttribute('aria-selected', String(r.dataset.id === state.selected));
    });
  }
});

grid.addEventListener('keydown', (event) => {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key) || event.target.closest('dialog')) return;
  if (!state.items.length) return;
  event.preventDefault();
  const index = Math.max(0, state.items.findIndex((j) => j.id === state.selected));
  const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: state.items.length - 1 }[event.key];
  select(state.items[Math.max(0, Math.min(state.items.length - 1, next))].id, true);
});

// ---- filters ----

let filterTimer = null;
form.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(reload, 300);
});
form.addEventListener('submit', (event) => { event.preventDefault(); reload(); });
form.addEventListener('reset', () => setTimeout(() => {
  form.elements.sort.value = 'created';
  form.elements.order.value = 'desc';
  reload();
}));

// ---- start ----

readFilters();
renderTabs();
await renderNav('monitor');
state.statuses = await api('/api/jobs/statuses');
renderTabs();
await reload();
const live = document.getElementById('live');
follow('/api/events', {
  job: ({ id }) => { changedJob(id); refreshCountsSoon(); },
  deleted: ({ id }) => { remove(id); refreshCountsSoon(); },
}, {
  poll: catchUp,
  onState: (s) => {
    live.textContent = { live: '● live', polling: '○ refreshing every 3 s', reconnecting: '… reconnecting' }[s];
    live.dataset.state = s;
    if (s === 'live') catchUp();
  },
});
