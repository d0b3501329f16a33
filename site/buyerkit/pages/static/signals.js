// Anonymised intent signals from the page: one event per call, no cookies, no storage of
// the prospect's numbers. Ids are random per event (a retry is stored once) and per journey.
// Every event goes through the outbox, which keeps it until the endpoint has stored it.
import { readFragment, withFragment } from "./fragment.js";
import { queue } from "./outbox.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// A server-rendered diagnostic carries its journey in a hidden field: events sent from that
// page belong to the same run. Anywhere else a journey is made per page view.
const journeyField = document.querySelector('input[name="journey"]');
const journey = journeyField && UUID.test(journeyField.value) ? journeyField.value
  : carriedJourney() || crypto.randomUUID();

/** The journey a prospect's own link carried in `j` (result page -> calculator -> guides):
 *  honoured only when the previous page was ours, so a bookmark or a colleague's copy starts
 *  a journey of its own; removed from the address bar at once so it is never shared on. */
function carriedJourney() {
  const params = readFragment();
  if (!params.has("j")) return null;
  const j = params.get("j");
  params.delete("j");
  history.replaceState(history.state, "", withFragment(location.href, params));
  let ours = false;
  try {
    ours = Boolean(document.referrer) && new URL(document.referrer).origin === location.origin;
  } catch (e) { /* no usable referrer: not ours */ }
  return ours && UUID.test(j) ? j : null;
}

/** This page's journey id, for the prospect's own onward links (`j`); never for sharing. */
export function journeyId() {
  return journey;
}
let createdGroup = null;

/** The buying-group token carried in this page's fragment (`g`), or null. */
export function groupToken() {
  const g = readFragment().get("g");
  return g && UUID.test(g) ? g : createdGroup;
}

/** The group token, creating one when the prospect first shares something. */
export function ensureGroup() {
  if (!groupToken()) createdGroup = crypto.randomUUID();
  return groupToken();
}

function channel() {
  const q = new URLSearchParams(location.search);
  const out = {};
  for (const k of ["source", "medium", "campaign"]) {
    const v = q.get("utm_" + k);
    if (v) out[k] = v.slice(0, 200);
  }
  // Embedded (embed.js), the frame's referrer is the host page: it passes the visitor's.
  const referrer = q.has("bk_referrer") ? "https://" + q.get("bk_referrer") : document.referrer;
  if (referrer) {
    try {
      const host = new URL(referrer).hostname;
      if (host && host !== location.hostname) out.referrer = host;
    } catch (e) { /* an unparsable referrer is simply not sent */ }
  }
  return out;
}

/** The JSON body for one event of `kind` about `subject` with allowlisted `props`.
 *  `over` may set `id`, `journey` or `group` (e.g. a server-rendered diagnostic's journey). */
export function eventBody(kind, subject, props = {}, over = {}) {
  const pick = (k, v) => (UUID.test(over[k] || "") ? over[k] : v);
  return { id: pick("id", crypto.randomUUID()), kind, subject,
           journey: pick("journey", journey), group: pick("group", groupToken()),
           channel: channel(), props };
}

/** Send one event through the outbox; resolves true when nothing is left waiting (stored,
 *  or opted out). If the endpoint is down the event waits in the page and is sent later.
 *  Options: `beacon` (the page is going away: send with keepalive), `id`, `journey`, `group`. */
export function signal(kind, subject, props = {}, { beacon = false, ...over } = {}) {
  return queue(eventBody(kind, subject, props, over), { leaving: beacon });
}
