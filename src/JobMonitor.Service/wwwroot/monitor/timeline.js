import { localTime, duration } from './format.js';

const NS = 'http://www.w3.org/2000/svg';
const svg = (tag, attributes = {}, text) => {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
};
const outcomeClass = (outcome) => `bar bar-${String(outcome ?? 'pending').toLowerCase()}`;

/**
 * A Gantt-like picture of a job: one band per execution, in it one bar per step run and, under it, one bar per op,
 * on a shared time axis. Running parts stretch to now.
 */
export function timeline(steps) {
  const now = Date.now();
  const runs = (steps ?? []).filter((s) => s.startedAt);
  if (!runs.length) return document.createTextNode('Nothing has run yet.');
  const start = Math.min(...runs.map((s) => Date.parse(s.startedAt)));
  const end = Math.max(...runs.map((s) => (s.endedAt ? Date.parse(s.endedAt) : now)), start + 1000);
  const label = 150;
  const width = 860;
  const scale = (t) => label + ((t - start) / (end - start)) * (width - label - 10);
  const rows = [];
  const execs = [...new Set(runs.map((s) => s.exec))].sort((a, b) => a - b);
  for (const exec of execs) {
    rows.push({ kind: 'exec', text: `Execution ${exec}` });
    for (const step of runs.filter((s) => s.exec === exec)) {
      rows.push({ kind: 'step', text: step.step, item: step });
      for (const op of (step.ops ?? []).filter((o) => o.startedAt)) rows.push({ kind: 'op', text: op.name, item: op });
    }
  }
  const height = rows.length * 20 + 30;
  const root = svg('svg', { class: 'timeline', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': 'Timeline of steps and ops' });
  rows.forEach((row, i) => {
    const y = i * 20 + 4;
    if (row.kind === 'exec') {
      root.append(svg('text', { x: 4, y: y + 13, 'font-weight': 700 }, row.text));
      root.append(svg('line', { class: 'axis', x1: label, x2: width - 10, y1: y + 10, y2: y + 10 }));
      return;
    }
    const item = row.item;
    const from = Date.parse(item.startedAt);
    const to = item.endedAt ? Date.parse(item.endedAt) : now;
    const x = scale(from);
    const w = Math.max(2, scale(to) - x);
    const outcome = item.outcome ?? (item.endedAt ? 'success' : 'running');
    root.append(svg('text', { x: row.kind === 'op' ? 18 : 8, y: y + 13 }, row.text));
    const bar = svg('rect', { class: outcomeClass(outcome), x, y: y + (row.kind === 'op' ? 4 : 1), width: w, height: row.kind === 'op' ? 10 : 16, rx: 2 });
    bar.append(svg('title', {}, `${row.text}: ${outcome}, ${localTime(item.startedAt)} → ${item.endedAt ? localTime(item.endedAt) : 'running'} (${duration(to - from)})`));
    root.append(bar);
  });
  const axisY = height - 8;
  root.append(svg('text', { x: label, y: axisY }, localTime(new Date(start).toISOString())));
  root.append(svg('text', { x: width - 10, y: axisY, 'text-anchor': 'end' }, `${localTime(new Date(end).toISOString())} (${duration(end - start)})`));
  return root;
}
