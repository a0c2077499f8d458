import { api, query, follow } from './api.js';
import { el, localTime } from './format.js';
import { renderNav, notify, jobPage, jobRef } from './nav.js';

const LINE = 20; // px, fixed: only the lines in view are in the DOM, whatever the log's length
const PAGE = 5000; // the API's largest page
const OVERSCAN = 20;

const id = jobRef();
const viewport = document.getElementById('log');
const canvas = document.getElementById('log-lines');
const filterForm = document.getElementById('log-filters');

let lines = [];
let last = 0; // the highest seq loaded
let complete = false; // every line up to now is loaded
let loading = false;
let stopFollowing = null;
let generation = 0;

function filters() {
  const f = filterForm.elements;
  return { exec: f.exec.value, step: f.step.value, op: f.op.value.trim(), level: f.level.value };
}

// The API filters; the page checks again so that an older service, which ignores the filters, shows the same.
function wanted(line) {
  const f = filters();
  return (!f.exec || String(line.exec) === f.exec) && (!f.step || line.step === f.step)
    && (!f.op || (line.op ?? '') === f.op) && (!f.level || String(line.level).toLowerCase() === f.level);
}

const following = () => filterForm.elements.follow.checked;
const atBottom = () => viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - LINE * 2;

function add(batch) {
  const before = atBottom();
  for (const line of batch) {
    if (line.seq <= last) continue;
    last = line.seq;
    if (wanted(line)) lines.push(line);
  }
  canvas.style.height = `${lines.length * LINE}px`;
  document.getElementById('count').textContent = `${lines.length} line${lines.length === 1 ? '' : 's'}${complete ? '' : ' (loading…)'}`;
  if (following() && (before || lines.length <= batch.length)) viewport.scrollTop = viewport.scrollHeight;
  scheduleRender();
}

function lineElement(line, index) {
  const level = String(line.level ?? '').toLowerCase();
  const where = [`#${line.exec}`, line.step, line.op].filter(Boolean).join(' ');
  const node = el('div', { class: `line level-${level}`, dataset: { seq: line.seq } },
    el('span', { class: 'at' }, localTime(line.at)), ' ',
    el('span', { class: 'where' }, where.padEnd(18)), ' ',
    el('span', { class: `lvl lvl-${level}` }, level.toUpperCase()), ' ',
    line.user ? el('span', { class: 'where' }, `${line.user}: `) : null,
    // A line too long for the log keeps its head here; the whole of it downloads.
    line.hasAttachment ? el('a', { class: 'attachment', href: `/api/jobs/${encodeURIComponent(id)}/log/${line.seq}/attachment`, download: '' }, 'download whole line') : null,
    line.hasAttachment ? ' ' : null,
    line.text ?? '');
  node.style.top = `${index * LINE}px`;
  node.title = line.text ?? '';
  return node;
}

let renderPending = false;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => {
    renderPending = false;
    const first = Math.max(0, Math.floor(viewport.scrollTop / LINE) - OVERSCAN);
    const end = Math.min(lines.length, Math.ceil((viewport.scrollTop + viewport.clientHeight) / LINE) + OVERSCAN);
    const nodes = [];
    for (let i = first; i < end; i++) nodes.push(lineElement(lines[i], i));
    canvas.replaceChildren(...nodes);
    if (!complete && end >= lines.length - OVERSCAN) loadPage();
  });
}

async function loadPage() {
  if (loading || complete) return;
  loading = true;
  const mine = generation;
  try {
    const page = await api(`/api/jobs/${encodeURIComponent(id)}/log${query({ ...filters(), after: last, limit: PAGE })}`);
    if (mine !== generation) return;
    const batch = page.lines ?? page.items ?? [];
    const next = page.nextAfter;
    complete = next === null || next === undefined;
    add(batch);
    if (next && next > last) last = next;
    // Following: page on to the end straight away, then listen for new lines.
    if (complete && following()) startFollowing();
    else if (!complete && following()) setTimeout(loadPage);
  } catch (e) {
    notify(`Could not load the log: ${e.message}`, 'error');
  } finally {
    if (mine === generation) loading = false;
  }
}

/** New lines since the last one, for when the live stream is not available. */
async function poll() {
  if (loading) return;
  loading = true;
  const mine = generation;
  try {
    let more = true;
    while (more && mine === generation) {
      const page = await api(`/api/jobs/${encodeURIComponent(id)}/log${query({ ...filters(), after: last, limit: PAGE })}`);
      if (mine !== generation) return;
      const batch = page.lines ?? page.items ?? [];
      add(batch);
      more = Boolean(page.nextAfter) && batch.length > 0;
    }
  } catch { /* the live indicator says it; the next poll tries again */ } finally {
    if (mine === generation) loading = false;
  }
}

function startFollowing() {
  if (stopFollowing) return;
  const live = document.getElementById('live');
  stopFollowing = follow(() => `/api/jobs/${encodeURIComponent(id)}/log${query({ ...filters(), after: last })}`,
    { line: (line) => add([line]) },
    {
      poll, pollMs: 2000,
      onState: (s) => {
        live.textContent = { live: '● following', polling: '○ refreshing every 2 s', reconnecting: '… reconnecting' }[s];
        live.dataset.state = s;
      },
    });
}

function stop() {
  stopFollowing?.();
  stopFollowing = null;
  document.getElementById('live').textContent = '';
}

function restart() {
  stop();
  generation++;
  lines = [];
  last = 0;
  complete = false;
  loading = false;
  canvas.replaceChildren();
  viewport.scrollTop = 0;
  loadPage();
}

viewport.addEventListener('scroll', scheduleRender, { passive: true });
window.addEventListener('resize', scheduleRender);
filterForm.addEventListener('submit', (event) => event.preventDefault());
filterForm.addEventListener('change', (event) => {
  if (event.target.name === 'follow') {
    if (following()) { if (complete) startFollowing(); else loadPage(); viewport.scrollTop = viewport.scrollHeight; } else stop();
    return;
  }
  restart();
});

document.getElementById('download').addEventListener('click', () => {
  const text = lines.map((l) => `${l.at}\t${l.exec}\t${l.step}\t${l.op ?? ''}\t${l.level}\t${l.text}`).join('\n');
  const link = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })), download: `job-${id}.log` });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
});

document.getElementById('comment').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = event.target.elements.text;
  try {
    await api(`/api/jobs/${encodeURIComponent(id)}/log`, { method: 'POST', body: { text: input.value } });
    input.value = '';
    notify('Comment added', 'ok');
    if (!stopFollowing || document.getElementById('live').dataset.state !== 'live') poll();
  } catch (e) {
    notify(`Could not add the comment: ${e.message}`, 'error');
  }
});

await renderNav('log');
const jobLink = document.getElementById('job-link');
jobLink.href = `/monitor/job.html?job=${encodeURIComponent(id)}`;
api(`/api/jobs/${encodeURIComponent(id)}`).then((job) => {
  jobLink.href = jobPage('job', job);
  document.getElementById('title').textContent = `Log of ${job.key} ${job.name}`;
  document.title = `${job.key} log · JobMonitor`;
}, () => {});
loadPage();
