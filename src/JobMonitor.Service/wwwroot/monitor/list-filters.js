import { query } from './api.js';
import { fromLocalInput, toLocalInput } from './format.js';

export const PAGE = 200;
const FILTERS = ['q', 'project', 'environment', 'type', 'step', 'nature', 'scheduledFrom', 'scheduledTo', 'sort', 'order'];

const form = document.getElementById('filters');

// Filters live in the address bar (never anything secret), so a reload or a shared link keeps them.
/** Fills the form from the address bar; returns the status tab it names. */
export function readFilters() {
  const params = new URLSearchParams(location.search);
  for (const name of FILTERS) {
    const input = form.elements[name];
    const value = params.get(name) ?? '';
    input.value = input.type === 'datetime-local' ? toLocalInput(value) : value;
  }
  if (!form.elements.sort.value) form.elements.sort.value = 'created';
  if (!form.elements.order.value) form.elements.order.value = 'desc';
  return params.get('status') ?? '';
}

function filters() {
  const values = {};
  for (const name of FILTERS) {
    const input = form.elements[name];
    values[name] = input.type === 'datetime-local' ? fromLocalInput(input.value) : input.value.trim();
  }
  return values;
}

export function writeFilters(status) {
  const values = { ...filters(), status };
  if (values.sort === 'created') delete values.sort;
  if (values.order === 'desc') delete values.order;
  history.replaceState(null, '', `${location.pathname}${query(values)}`);
}

/** The list API's URL for the form's filters and `status` ('' for all). */
export function listUrl(status, cursor, limit = PAGE, id = []) {
  return `/api/jobs${query({ ...filters(), status, cursor, limit, id })}`;
}

/** Whether the table shows the newest jobs first, where a new job goes on top. */
export function newestFirst() {
  return (form.elements.order.value || 'desc') === 'desc' && (form.elements.sort.value || 'created') === 'created';
}

/** Calls `reload` when the operator changes the filters (typing settles for 300 ms first). */
export function onFiltersChanged(reload) {
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
}
