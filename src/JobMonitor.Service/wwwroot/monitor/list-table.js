import { el, timeCell, statusBadge, progressBar, natureChips } from './format.js';
import { jobPage } from './nav.js';
import { actionButtons } from './actions.js';
import { newestFirst } from './list-filters.js';

const ROW = 36; // px, fixed: the table renders only the rows in view
const OVERSCAN = 10;

const grid = document.getElementById('grid');
const body = document.querySelector('#jobs tbody');

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

/**
 * The jobs table, virtual: only the rows in view are in the DOM. It shows `state.items` (`state.byId` kept with it),
 * marks `state.selected`, and calls `loadMore` when the view nears the end of what is loaded.
 */
export function jobTable(state, loadMore) {
  let renderPending = false;
  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    requestAnimationFrame(() => { renderPending = false; render(); });
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

  function renderFromTop() {
    grid.scrollTop = 0;
    render();
  }

  /**
   * Puts a job the list API answered for the table's filters in the table, without moving what the operator looks
   * at: rows added or removed above keep the view still.
   */
  function upsert(item) {
    const index = state.items.findIndex((j) => j.id === item.id);
    if (index >= 0) {
      state.items[index] = item;
      state.byId.set(item.id, item);
    } else {
      if (newestFirst()) {
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

  grid.addEventListener('scroll', scheduleRender, { passive: true });
  window.addEventListener('resize', scheduleRender);

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

  return { render, renderFromTop, upsert, remove };
}
