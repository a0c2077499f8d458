import { api, follow } from './api.js';
import { el, timeCell, statusBadge, progressBar, natureChips, localTime, duration, remaining } from './format.js';
import { renderNav, notify, jobPage, jobRef } from './nav.js';
import { actionButtons } from './actions.js';
import { timeline } from './timeline.js';

const ref = jobRef();
let job = null;

function table(headers, rows) {
  if (!rows.length) return el('p', { class: 'hint' }, 'None.');
  return el('table', { class: 'list' },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => el('td', {}, c))))));
}

function traceIdOf(detail) {
  if (detail.traceId) return detail.traceId;
  // W3C traceparent: version-traceid-spanid-flags
  return detail.traceParent?.split('-')[1] ?? null;
}

function renderLinks(detail) {
  const links = detail.links ?? {};
  const traceId = traceIdOf(detail);
  document.getElementById('links').replaceChildren(
    el('a', { href: jobPage('log', detail), id: 'log-link' }, 'Log'),
    el('a', { href: links.hangfire ?? links.scheduler ?? '/hangfire' }, 'Hangfire'),
    links.trace ? el('a', { href: links.trace, rel: 'noopener' }, 'Trace')
      : traceId ? el('span', { title: 'trace id' }, `Trace ${traceId}`) : null);
}

function renderFields(d) {
  const rows = [
    ['Key', d.key], ['Name', d.name], ['Project', d.project], ['Environment', d.environment], ['Type', d.type],
    ['Status', statusBadge(d.status)], ['Step', d.step], ['Execution', d.exec], ['Version', d.version],
    ['Progress', progressBar(d.progress)], ['Natures', natureChips(d.natures)],
    ['Scheduled', timeCell(d.scheduledAt)], ['Max start', timeCell(d.maxStartAt)], ['Started', timeCell(d.startedAt)],
    ['Ended', timeCell(d.endedAt)], ['Created', timeCell(d.createdAt)], ['Created by', d.createdBy], ['Owner', d.owner],
    ['Last error', d.lastError], ['Trace id', traceIdOf(d)],
  ];
  document.getElementById('fields').replaceChildren(...rows
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
}

function renderTrap(d) {
  const panel = document.getElementById('trap');
  const trap = d.trap;
  panel.hidden = !trap;
  if (!trap) return panel.replaceChildren();
  panel.replaceChildren(
    el('h2', {}, trap.paused ? 'Trap paused' : 'Trapped'),
    el('p', {}, `Op ${trap.op ?? '?'} in ${trap.step ?? '?'} failed. `,
      trap.paused ? `The time-out is paused${trap.remaining ? ` with ${duration(trap.remaining * 1000)} left` : ''}.`
        : el('span', {}, 'Its time-out action applies in ', el('strong', { class: 'countdown', dataset: { deadline: trap.deadline ?? '' } }, remaining(trap.deadline)),
          trap.deadline ? ` (at ${localTime(trap.deadline)})` : '', '.')),
    actionButtons(d));
}

function renderOps(d) {
  const rows = [];
  for (const step of d.steps ?? []) {
    rows.push([el('strong', {}, `${step.exec}`), el('strong', {}, step.step), '', step.outcome, localTime(step.startedAt), localTime(step.endedAt), duration(step.durationMs), '']);
    for (const op of step.ops ?? []) rows.push(['', '', op.name, op.outcome, localTime(op.startedAt), localTime(op.endedAt), duration(op.durationMs), op.error ?? (op.kind ? `(${op.kind})` : '')]);
  }
  document.getElementById('ops').replaceChildren(table(['Exec', 'Step', 'Op', 'Status', 'Started', 'Ended', 'Took', 'Detail'], rows));
}

function renderApprovals(d) {
  const approvals = d.approvals;
  const target = document.getElementById('approvals');
  if (!approvals || (Array.isArray(approvals) && !approvals.length)) return target.replaceChildren(el('p', { class: 'hint' }, 'None.'));
  const list = Array.isArray(approvals) ? approvals : [approvals];
  target.replaceChildren(table(['Who', 'Decision', 'When', 'Comment'], list.map((a) => typeof a === 'string'
    ? [a, '', '', '']
    : [a.user ?? a.approver ?? (a.approvers ?? []).join(', '), a.decision ?? a.status ?? '', localTime(a.at), a.comment ?? ''])));
}

function renderAudit(d) {
  document.getElementById('audit').replaceChildren(table(['When', 'Who', 'Action', 'Comment', 'From', 'To'],
    (d.audit ?? []).map((a) => [localTime(a.at), a.user, a.action, a.comment ?? '', a.fromStatus ?? '', a.toStatus ?? ''])));
}

function renderRevisions(d) {
  document.getElementById('revisions').replaceChildren(table(['Id', 'Author', 'Message', 'Paths'],
    (d.revisions ?? []).map((r) => [r.id ?? '', r.author ?? '', r.message ?? '', (r.paths ?? []).join(', ')])));
}

function render(d) {
  job = d;
  document.title = `${d.key} · JobMonitor`;
  document.getElementById('title').textContent = `${d.key} ${d.name}`;
  document.getElementById('status').replaceChildren(statusBadge(d.status));
  document.getElementById('job-actions').replaceChildren(actionButtons(d));
  renderLinks(d);
  renderFields(d);
  renderTrap(d);
  document.getElementById('timeline').replaceChildren(timeline(d.steps));
  renderOps(d);
  renderApprovals(d);
  renderAudit(d);
  renderRevisions(d);
}

async function load() {
  try {
    render(await api(`/api/jobs/${encodeURIComponent(ref)}`));
  } catch (e) {
    if (e.status === 404) {
      document.getElementById('title').textContent = 'No such job (or not yours to see)';
      document.getElementById('job-actions').replaceChildren();
    } else {
      notify(`Could not load the job: ${e.message}`, 'error');
    }
  }
}

let pending = null;
function loadSoon() {
  pending ??= setTimeout(() => { pending = null; load(); }, 250);
}

setInterval(() => {
  for (const span of document.querySelectorAll('.countdown')) span.textContent = remaining(span.dataset.deadline);
  // A running job's bars grow with the clock.
  if (job && ['Running', 'Rollback'].includes(job.status)) document.getElementById('timeline').replaceChildren(timeline(job.steps));
}, 1000);

await renderNav('job');
await load();
// Events name the job by id (a deletion by nothing else); the address may hold its key.
const isThisJob = (item) => item.id === (job?.id ?? ref) || item.key === ref;
follow('/api/events', {
  job: (item) => { if (isThisJob(item)) loadSoon(); },
  deleted: (item) => { if (isThisJob(item)) load(); },
}, { poll: load, onState: (s) => { if (s === 'live') loadSoon(); } });
