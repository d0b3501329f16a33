// Events waiting for the endpoint: kept in this tab's sessionStorage until the endpoint has
// stored them, then removed. Each event carries the id the page made, so a resend is harmless.
// Events hold only kinds, slugs and coarse bands (never a prospect's numbers or answers).

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

/** Try to send every waiting event now; resolves true when none is left waiting. */
export function flush() {
  if (sending) return sending;
  sending = (async () => {
    try {
      while (list.length) {
        const batch = list.slice(0, BATCH);
        let r;
        try {
          r = await fetch(API + "/v1/events", {
            method: "POST", credentials: "omit",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ events: batch }),
          });
        } catch (e) {
          return false; // endpoint unreachable: keep everything
        }
        if (!r.ok && ![400, 413, 415].includes(r.status)) return false; // down, busy: later
        // Stored (or refused for good, which no resend can change): drop this batch.
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

/** The endpoint answered (e.g. a verdict): it is back, so send what waits without delay. */
export function endpointAnswered() {
  delay = 2000;
  if (timer) { clearTimeout(timer); timer = null; }
  if (pending()) flush();
}

function sendWhileLeaving() {
  // Best effort while the page goes away; the events stay stored for this tab's next page.
  if (!list.length) return;
  try {
    fetch(API + "/v1/events", {
      method: "POST", credentials: "omit", keepalive: true,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ events: list.slice(0, BATCH) }),
    }).catch(() => {});
  } catch (e) { /* keepalive refused: the events wait */ }
}

addEventListener("online", endpointAnswered);
addEventListener("pagehide", sendWhileLeaving);
if (pending()) flush();
