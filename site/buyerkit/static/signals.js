// Anonymised intent signals from the page: one event per call, no cookies, no storage of
// the prospect's numbers. Ids are random per event (a retry is stored once) and per journey.
import { readFragment } from "./fragment.js";

const meta = document.querySelector('meta[name="buyerkit-endpoint"]');
const ENDPOINT = (meta ? meta.content : "/api").replace(/\/$/, "") + "/v1/events";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const journey = crypto.randomUUID();
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
  if (document.referrer) {
    try {
      const host = new URL(document.referrer).hostname;
      if (host && host !== location.hostname) out.referrer = host;
    } catch (e) { /* an unparsable referrer is simply not sent */ }
  }
  return out;
}

/** The JSON body for one event of `kind` about `subject` with allowlisted `props`. */
export function eventBody(kind, subject, props = {}) {
  return { id: crypto.randomUUID(), kind, subject, journey, group: groupToken(),
           channel: channel(), props };
}

/** Send one event; resolves true when the endpoint stored it (or the visitor opted out). */
export async function signal(kind, subject, props = {}, { beacon = false } = {}) {
  const body = JSON.stringify(eventBody(kind, subject, props));
  if (beacon && navigator.sendBeacon) {
    return navigator.sendBeacon(ENDPOINT, new Blob([body], { type: "application/json" }));
  }
  try {
    const r = await fetch(ENDPOINT, { method: "POST", body, keepalive: true,
      headers: { "Content-Type": "application/json" }, credentials: "omit" });
    return r.ok;
  } catch (e) {
    return false;
  }
}
