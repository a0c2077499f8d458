import { api } from './api.js';
import { el } from './format.js';

/** Fills the page's <header> with the navigation and who is signed in; resolves to /api/me. */
export async function renderNav(active) {
  const header = document.querySelector('header.top');
  const link = (href, text, key) => el('a', { href, 'aria-current': key === active ? 'page' : undefined }, text);
  const user = el('span', { class: 'user', id: 'user' });
  const signOut = el('button', { type: 'button', class: 'link', id: 'sign-out', onclick: async () => {
    await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' });
    location.assign('/monitor/signin.html');
  } }, 'Sign out');
  header.replaceChildren(
    el('a', { class: 'brand', href: '/monitor/' }, 'JobMonitor'),
    el('nav', { 'aria-label': 'Main' }, link('/monitor/', 'Monitor', 'monitor'), link('/hangfire', 'Hangfire', 'hangfire')),
    el('span', { class: 'spacer' }),
    user, signOut);
  const me = await api('/api/me');
  user.textContent = me.name;
  user.title = (me.permissions ?? []).join(', ');
  return me;
}

/** A polite live region for command results and errors. */
export function notices() {
  return document.getElementById('notices');
}

export function notify(text, kind = 'info') {
  const item = el('li', { class: `notice notice-${kind}` }, text);
  notices().prepend(item);
  while (notices().children.length > 8) notices().lastElementChild.remove();
  return item;
}

/** A job's page (`job` or `log`), addressed by its key, which people read and share. */
export function jobPage(page, job) {
  return `/monitor/${page}.html?job=${encodeURIComponent(job.key)}`;
}

/** The job this page is about: its key (`?job=`) or, from older links, its id (`?id=`); the API takes either. */
export function jobRef() {
  const params = new URLSearchParams(location.search);
  return params.get('job') ?? params.get('id') ?? '';
}
