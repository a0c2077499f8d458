import { api, ApiError } from './api.js';
import { el, fromLocalInput, toLocalInput, remaining, localTime } from './format.js';
import { notify } from './nav.js';

// What the operator may do, keyed by the API's allowedActions names (JobCommandRules); "trap" is three answers.
const catalogue = {
  approve: [{ id: 'approve', label: 'Approve', path: 'approve', form: 'comment' }],
  reject: [{ id: 'reject', label: 'Reject', path: 'reject', form: 'comment', commentRequired: true }],
  trap: [
    { id: 'trap-retry', label: 'Retry', path: 'trap/retry', form: 'trap' },
    { id: 'trap-skip', label: 'Skip', path: 'trap/skip', form: 'trap' },
    { id: 'trap-abort', label: 'Abort', path: 'trap/abort', form: 'trap', danger: true },
  ],
  pause: [{ id: 'pause', label: 'Pause', path: 'trap/pause', form: 'trap' }],
  resume: [{ id: 'resume', label: 'Resume', path: 'trap/resume', form: 'trap' }],
  rerun: [{ id: 'rerun', label: 'Rerun', path: 'rerun', form: 'rerun' }],
  reschedule: [{ id: 'reschedule', label: 'Reschedule', path: 'reschedule', form: 'reschedule' }],
  cancel: [{ id: 'cancel', label: 'Cancel', path: 'cancel', form: 'comment', confirm: 'Cancel this job? A running step is stopped.', danger: true }],
  delete: [{ id: 'delete', label: 'Delete', path: 'delete', form: 'confirm', confirm: 'Delete this job, its log and its execution records? The audit trail stays.', danger: true }],
};
const order = ['approve', 'reject', 'trap', 'pause', 'resume', 'rerun', 'reschedule', 'cancel', 'delete'];

/** The actions of a job the caller may take now: exactly its allowedActions, nothing when the API gives none. */
export function actionsOf(job) {
  const allowed = new Set(job.allowedActions ?? []);
  return order.filter((name) => allowed.has(name)).flatMap((name) => catalogue[name]);
}

/** Buttons for a job's actions; each opens its dialog. */
export function actionButtons(job, { compact = false } = {}) {
  return el('span', { class: 'actions' }, actionsOf(job).map((action) => el('button', {
    type: 'button',
    class: `action${action.danger ? ' danger' : ''}${compact ? ' compact' : ''}`,
    dataset: { action: action.id },
    'aria-label': `${action.label} ${job.key}`,
    onclick: (event) => { event.stopPropagation(); openAction(job, action); },
  }, action.label)));
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function dialogElement() {
  let dialog = document.getElementById('action-dialog');
  if (!dialog) {
    dialog = el('dialog', { id: 'action-dialog', 'aria-labelledby': 'action-title' });
    document.body.append(dialog);
  }
  return dialog;
}

function field(label, input, hint) {
  return el('label', { class: 'field' }, el('span', {}, label), input, hint ? el('small', {}, hint) : null);
}

function fieldsFor(job, action) {
  const comment = (required) => field(required ? 'Comment (required)' : 'Comment',
    el('textarea', { name: 'comment', rows: 3, required: required || undefined, maxlength: 4000 }));
  switch (action.form) {
    case 'rerun': {
      const step = el('select', { name: 'step' }, ['PRE', 'RUN', 'POST'].map((s) => el('option', { value: s }, s)));
      const runNow = el('input', { type: 'checkbox', name: 'runNow' });
      const sync = () => { runNow.disabled = step.value !== 'RUN'; if (runNow.disabled) runNow.checked = false; };
      step.addEventListener('change', sync);
      sync();
      return [
        field('Step', step, 'That step and every step after it run again.'),
        el('label', { class: 'check' }, runNow, ' Run Now (RUN only: ignore the scheduled date)'),
        comment(false),
      ];
    }
    case 'reschedule': {
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      return [
        field(`Scheduled (your local time, ${zone})`,
          el('input', { type: 'datetime-local', name: 'scheduledAt', required: true, step: 1, value: toLocalInput(job.scheduledAt) })),
        field('Max start (optional; empty: the default expiry window)',
          el('input', { type: 'datetime-local', name: 'maxStartAt', step: 1 })),
        el('p', { class: 'hint' }, 'Sent to the service in UTC.'),
      ];
    }
    case 'trap':
      return [el('p', { class: 'trap-countdown', 'aria-live': 'off' }, ''), comment(false)];
    case 'confirm':
      return [];
    default:
      return [comment(Boolean(action.commentRequired))];
  }
}

function bodyOf(form, action) {
  const data = new FormData(form);
  const text = (name) => (data.get(name) ?? '').toString().trim() || undefined;
  const body = { commandId: uuid() };
  switch (action.form) {
    case 'rerun':
      return { ...body, step: data.get('step'), runNow: data.get('runNow') === 'on', comment: text('comment') };
    case 'reschedule':
      return { ...body, scheduledAt: fromLocalInput(data.get('scheduledAt')), maxStartAt: fromLocalInput(data.get('maxStartAt')) ?? undefined };
    case 'confirm':
      return body;
    default:
      return { ...body, comment: text('comment') };
  }
}

/** Keeps the trap's remaining time counting down while the dialog is open. */
async function countDown(job, dialog) {
  const target = dialog.querySelector('.trap-countdown');
  if (!target) return null;
  let trap = job.trap;
  if (!trap) {
    try { trap = (await api(`/api/jobs/${job.id}`)).trap; } catch { trap = null; }
  }
  if (!trap) return null;
  const tick = () => {
    target.textContent = `Trapped in ${trap.step ?? ''} ${trap.op ?? ''}: ${trap.paused ? 'time-out paused' : `time-out action in ${remaining(trap.deadline)}`}${trap.deadline ? ` (at ${localTime(trap.deadline)})` : ''}`;
  };
  tick();
  return setInterval(tick, 1000);
}

export function openAction(job, action) {
  const dialog = dialogElement();
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit', class: action.danger ? 'danger' : 'primary', dataset: { confirm: action.id } }, action.label);
  const form = el('form', { method: 'dialog' },
    el('h2', { id: 'action-title' }, `${action.label} ${job.key}`),
    el('p', { class: 'hint' }, job.name ?? ''),
    action.confirm ? el('p', { class: 'confirm' }, action.confirm) : null,
    fieldsFor(job, action),
    error,
    el('div', { class: 'buttons' },
      el('button', { type: 'button', value: 'close', onclick: () => dialog.close() }, 'Close'),
      submit));
  let timer = null;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    submit.disabled = true;
    error.hidden = true;
    try {
      const answer = await api(`/api/jobs/${job.id}/${action.path}`, { method: 'POST', body: bodyOf(form, action) });
      dialog.close();
      track(job, action, answer?.commandId);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        error.textContent = e.message;
        error.hidden = false;
      } else {
        dialog.close();
        const notice = notify(`${job.key}: ${action.label} refused (${e.status ?? ''} ${e.message})`, 'error');
        Object.assign(notice.dataset, { state: 'refused', action: action.id, job: job.id });
      }
    } finally {
      submit.disabled = false;
    }
  });
  dialog.addEventListener('close', () => { if (timer) clearInterval(timer); }, { once: true });
  dialog.replaceChildren(form);
  dialog.showModal();
  (form.querySelector('textarea, select, input') ?? submit).focus();
  countDown(job, dialog).then((t) => { timer = t; });
}

/** Shows a command's fate: polls /api/commands/{id} until the saga accepted or rejected it. */
export async function track(job, action, commandId) {
  const notice = notify(`${job.key}: ${action.label} sent…`, 'pending');
  Object.assign(notice.dataset, { state: 'pending', command: commandId ?? '', action: action.id, job: job.id });
  if (!commandId) return;
  const deadline = Date.now() + 60000;
  let pause = 200;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 1.5, 2000);
    let command;
    try {
      command = await api(`/api/commands/${commandId}`);
    } catch (e) {
      if (e.status === 404) continue;
      notice.textContent = `${job.key}: ${action.label} — could not read its result (${e.message})`;
      notice.dataset.state = 'unknown';
      return;
    }
    if (command?.status === 'accepted') {
      notice.textContent = `${job.key}: ${action.label} accepted${command.duplicate ? ' (already applied)' : ''}`;
      notice.className = 'notice notice-ok';
      notice.dataset.state = 'accepted';
      return;
    }
    if (command?.status === 'rejected') {
      notice.textContent = `${job.key}: ${action.label} rejected — ${command.reasonCode ?? 'rejected'}${command.message ? `: ${command.message}` : ''}`;
      notice.className = 'notice notice-error';
      notice.dataset.state = 'rejected';
      return;
    }
  }
  notice.textContent = `${job.key}: ${action.label} — no answer from the service yet`;
  notice.dataset.state = 'unknown';
}
