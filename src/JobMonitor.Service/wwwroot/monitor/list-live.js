import { api } from './api.js';
import { PAGE, listUrl } from './list-filters.js';

const ASK = 100; // changed jobs asked about at once: their ids must fit in one URL

/**
 * Live updates of the jobs table. Whether a changed job belongs in the table is the server's to say, with the list's
 * own filter: the jobs changed since the last answer go to GET /api/jobs with the table's filters and their ids, one
 * question at a time, and the answer holds those that match as they are now (so events arriving out of order never
 * bring an older version back).
 */
export function liveJobs(state, table, takeCounts) {
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
      const page = await api(listUrl(state.status, null, ids.length, ids));
      if (generation === state.generation) {
        const matching = new Map((page.items ?? []).map((item) => [item.id, item]));
        for (const id of ids) {
          if (matching.has(id)) table.upsert(matching.get(id));
          else table.remove(id);
        }
      }
    } catch { /* shown by the live indicator; a reconnect catches up */ }
    finally {
      asking = false;
      askAboutChanged();
    }
  }

  /** After a broken stream, or when polling: the first page again, merged into what is loaded. */
  async function catchUp() {
    try {
      const page = await api(listUrl(state.status, null, PAGE));
      for (const item of [...(page.items ?? [])].reverse()) table.upsert(item);
      takeCounts(page.counts);
    } catch { /* shown by the live indicator; the next poll tries again */ }
  }

  return { changedJob, catchUp };
}
