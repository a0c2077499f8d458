import { api, follow } from './api.js';
import { el } from './format.js';
import { renderNav, notify } from './nav.js';
import { readFilters, writeFilters, listUrl, onFiltersChanged } from './list-filters.js';
import { jobTable } from './list-table.js';
import { liveJobs } from './list-live.js';

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

const table = jobTable(state, loadMore);
const live = liveJobs(state, table, takeCounts);

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
  writeFilters(state.status);
  const generation = ++state.generation;
  state.loading = true;
  try {
    const page = await api(listUrl(state.status));
    if (generation !== state.generation) return;
    state.items = [];
    state.byId.clear();
    append(page.items ?? []);
    state.cursor = page.nextCursor ?? null;
    takeCounts(page.counts);
    table.renderFromTop();
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
    const page = await api(listUrl(state.status, state.cursor));
    if (generation !== state.generation) return;
    append(page.items ?? []);
    state.cursor = page.nextCursor ?? null;
    table.render();
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
    try { takeCounts((await api(listUrl('', null, 1))).counts); } catch { /* the next event tries again */ }
  }, 2000);
}

// ---- start ----

onFiltersChanged(reload);
state.status = readFilters();
renderTabs();
await renderNav('monitor');
state.statuses = await api('/api/jobs/statuses');
renderTabs();
await reload();
const indicator = document.getElementById('live');
follow('/api/events', {
  job: ({ id }) => { live.changedJob(id); refreshCountsSoon(); },
  deleted: ({ id }) => { table.remove(id); refreshCountsSoon(); },
}, {
  poll: live.catchUp,
  onState: (s) => {
    indicator.textContent = { live: '● live', polling: '○ refreshing every 3 s', reconnecting: '… reconnecting' }[s];
    indicator.dataset.state = s;
    if (s === 'live') live.catchUp();
  },
});
