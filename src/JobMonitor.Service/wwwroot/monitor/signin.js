import { api } from './api.js';

const form = document.getElementById('signin');
const error = document.getElementById('signin-error');

// Only a path of the monitor itself: an open redirect would be a phishing aid.
function destination() {
  const next = new URLSearchParams(location.search).get('next') ?? '';
  return /^\/monitor\/[\w./-]*(\?[\w=&%.-]*)?$/.test(next) ? next : '/monitor/';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = form.elements.apiKey;
  error.hidden = true;
  form.querySelector('button').disabled = true;
  try {
    await api('/api/session', { method: 'POST', body: { apiKey: input.value } });
    input.value = '';
    location.replace(destination());
  } catch (e) {
    error.textContent = e.status === 401 ? 'That API key is not valid.' : `Sign-in failed: ${e.message}`;
    error.hidden = false;
    input.select();
  } finally {
    form.querySelector('button').disabled = false;
  }
});
