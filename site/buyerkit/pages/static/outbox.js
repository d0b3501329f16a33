// Events waiting for the endpoint: kept in this tab's sessionStorage until the endpoint has
// stored them, then removed. Each event carries the id the page made, so a resend is harmless.
// Events hold only kinds, slugs and coarse bands (never a prospect's numbers or answers).
// A request to another route (post(): the company domain a prospect chose to give) waits the
// same way, as {id, to, body}; the endpoint keeps only a hash of it, under an id it derives.

const KEY = "buyerkit-outbox";
const MAX_WAITING = 200;
const BATCH = 50; // the endpoint's MAX_BATCH
const meta = document.querySelector('meta[name="buyerkit-endpoint"]');

/** The endpoint's API base (`.../api`): the page's meta, or this site's own /api. */
export const API = (meta ? meta.content : "/api").replace(/\/$/, "");

let timer = null;
let delay = 2000;
let sending = null;

function load() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) || "[]");
    return Array.isArray(stored) ? stored : [];
  } catch (e) {
    return [];
  }
}

// The waiting events; sessionStorage mirrors them so a reload in this tab keeps them.
let list = load();

function save(next) {
  list = next.slice(-MAX_WAITING);
  try {
    if (list.length) sessionStorage.setItem(KEY, JSON.stringify(list));
    else sessionStorage.removeItem(KEY);
  } catch (e) { /* storage full or off: the events still wait in memory */ }
}

/** How many events are waiting to be sent. */
export function pending() {
  return list.length;
}

function schedule() {
  if (timer || !pending()) return;
  timer = setTimeout(() => { timer = null; flush(); }, delay);
  delay = Math.min(delay * 2, 60000);
}

const events = () => list.filter((e) => !e.to);
// Refused for good: no resend can change the answer.
const final = (r) => r.ok || [400, 413, 415].includes(r.status);

function request(path, body, keepalive = false) {
  return fetch(API + path, {
    method: "POST", credentials: "omit", keepalive,
    headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
}

/** Try to send everything waiting now; resolves true when none is left waiting. */
export function flush() {
  if (sending) return sending;
  sending = (async () => {
    try {
      for (const item of list.filter((e) => e.to)) {
        let r;
        try {
          r = await request(item.to, item.body);
        } catch (e) {
          return false;
        }
        if (!final(r)) return false;
        save(list.filter((e) => e.id !== item.id));
        dispatchEvent(new CustomEvent("buyerkit-sent", { detail: { id: item.id, response: r } }));
      }
      while (events().length) {
        const batch = events().slice(0, BATCH);
        let r;
        try {
          r = await request("/v1/events", { events: batch });
        } catch (e) {
          return false; // endpoint unreachable: keep everything
        }
        if (!final(r)) return false; // down, busy: later
        // Stored (or refused for good): drop this batch.
        const sent = new Set(batch.map((e) => e.id));
        save(list.filter((e) => !sent.has(e.id)));
      }
      delay = 2000;
      return true;
    } finally {
      sending = null;
      schedule();
    }
  })();
  return sending;
}

/** Keep one event body (with its page-made `id`) until the endpoint has it; try at once.
 *  `leaving`: the page is going away (pagehide), so send with keepalive. */
export function queue(body, { leaving = false } = {}) {
  if (!list.some((e) => e.id === body.id)) save([...list, body]);
  if (leaving) return Promise.resolve(sendWhileLeaving());
  return flush();
}

/** Send `body` to the endpoint's `path` now. Resolves to its Response; or, when it cannot be
 *  reached or cannot take it yet, to null: then the body waits here under `id` (a newer body
 *  with the same id replaces it) and a "buyerkit-sent" event says when it got an answer. */
export async function post(path, body, id) {
  try {
    const r = await request(path, body);
    if (final(r)) return r;
  } catch (e) { /* unreachable: wait below */ }
  save([...list.filter((e) => e.id !== id), { id, to: path, body }]);
  schedule();
  return null;
}

/** The endpoint answered (e.g. a verdict): it is back, so send what waits without delay. */
export function endpointAnswered() {
  delay = 2000;
  if (timer) { clearTimeout(timer); timer = null; }
  if (pending()) flush();
}

function sendWhileLeaving() {
  // Best effort while the page goes away; the events stay stored for this tab's next page.
  if (!events().length) return false;
  try {
    request("/v1/events", { events: events().slice(0, BATCH) }, true).catch(() => {});
    return true;
  } catch (e) {
    return false; // keepalive refused: the events wait
  }
}

addEventListener("online", endpointAnswered);
addEventListener("pagehide", sendWhileLeaving);
if (pending()) flush();
